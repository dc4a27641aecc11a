from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "mithaq.common"
    label = "common"
    verbose_name = _("Shared tools")

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from . import checks  # noqa: F401 - registers the deploy check of the field keys

        user_logged_out.connect(_forget_searches, dispatch_uid="mithaq.common.forget-searches")


def _forget_searches(sender, request, **kwargs):
    # Sent before the session is flushed: its id still names the searches to drop.
    if request is not None and hasattr(request, "session"):
        from . import recent

        recent.forget(request)
