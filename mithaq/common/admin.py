"""Admin pages of configurations that every process keeps (mithaq.common.cache.ProcessCopy)."""

from django.contrib import admin


class ChangedAdmin(admin.ModelAdmin):
    """Calls `changed()` after every save or delete made here, rows of inlines included."""

    def changed(self) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self.changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self.changed()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.changed()
