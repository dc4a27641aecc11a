from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "mithaq.search"
    label = "search"
    verbose_name = _("Search, saved filters and exports")
