from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo university (`manage.py load_demo`): it stands above every other app, since it
    fills them all."""

    name = "mithaq.demo"
    label = "demo"
    verbose_name = _("Demo institution")
