from django.contrib import admin

from mithaq.common.admin_changes import RowsChangedAdmin

from .models import Service


@admin.register(Service)
class ServiceAdmin(RowsChangedAdmin):
    changes = ("catalog.Service",)
    list_display = ["code", "name_ar", "name_en", "unit", "is_active"]
    list_filter = ["is_active", "unit"]
    search_fields = ["code", "name_ar", "name_en"]
    list_select_related = ["unit"]
