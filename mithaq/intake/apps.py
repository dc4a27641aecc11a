from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mithaq.intake"
    verbose_name = _("Intake from other systems")

    def ready(self):
        from mithaq.notifications.transports.whatsapp import set_service_window

        from . import whatsapp

        # The one way the notifications layer hears of inbound WhatsApp messages: whether a
        # number is inside the 24-hour window, asked when a message is sent.
        set_service_window(whatsapp.service_window_open)
