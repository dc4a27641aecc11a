from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "mithaq.routing"
    label = "routing"
    verbose_name = _("The charter's clocks")

    def ready(self):
        # Its per-process copies registered in every process (web, worker, scheduler), so
        # that a write made in any of them drops them everywhere (common.cache.rows_changed).
        from . import calendar, rules  # noqa: F401
