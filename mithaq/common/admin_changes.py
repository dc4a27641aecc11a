"""The admin's share of keeping per-process copies true (mithaq.common.cache.ProcessCopy):
an admin class whose rows some copy is made of says so after each save, inline save and
delete, as a service function does. No signal is listened to."""

from django.contrib import admin

from .cache import rows_changed


class RowsChangedAdmin(admin.ModelAdmin):
    """`changes`: the models ("app_label.Model") a save or a delete here writes, cascades
    included (a deleted unit takes its memberships and services with it)."""

    changes: tuple[str, ...] = ()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        rows_changed(*self.changes)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        rows_changed(*self.changes)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        rows_changed(*self.changes)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        rows_changed(*self.changes)
