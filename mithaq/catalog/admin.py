from django.contrib import admin

from .models import Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ar", "name_en", "unit", "is_active"]
    list_filter = ["is_active", "unit"]
    search_fields = ["code", "name_ar", "name_en"]
    list_select_related = ["unit"]
