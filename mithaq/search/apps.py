from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "mithaq.search"
    label = "search"
    verbose_name = _("Search, saved filters and exports")

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        user_logged_out.connect(_forget_searches, dispatch_uid="mithaq.search.forget")


def _forget_searches(sender, request, **kwargs):
    # Sent before the session is flushed: its id still names the searches to drop.
    if request is not None and hasattr(request, "session"):
        from mithaq.search import recent

        recent.forget(request)
