from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalkinConfig(AppConfig):
    name = "mithaq.walkin"
    label = "walkin"
    verbose_name = _("Walk-in hall")
