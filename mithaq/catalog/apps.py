from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "mithaq.catalog"
    label = "catalog"
    verbose_name = _("Service catalogue")

    def ready(self):
        # Its per-process copies registered in every process (web, worker, scheduler), so
        # that a write made in any of them drops them everywhere (common.cache.rows_changed).
        from . import choices  # noqa: F401
