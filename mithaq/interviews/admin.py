"""The field visits' checklist templates, edited by the office in Django's admin."""

from django.contrib import admin

from .models_visits import ChecklistItem, ChecklistTemplate


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active")
    inlines = [ChecklistItemInline]
