from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "mithaq.notifications"
    label = "notifications"
    verbose_name = _("Messages")

    def ready(self):
        # Its per-process copies registered in every process (web, worker, scheduler), so
        # that a write made in any of them drops them everywhere (common.cache.rows_changed).
        from . import services  # noqa: F401
