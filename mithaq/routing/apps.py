from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "mithaq.routing"
    label = "routing"
    verbose_name = _("The charter's clocks")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from mithaq.accounts.models import Membership, OrgUnit

        from . import rules

        for model in (OrgUnit, Membership):
            for signal in (post_save, post_delete):
                signal.connect(
                    rules.unit_or_membership_changed,
                    sender=model,
                    dispatch_uid=f"routing-cache-{model.__name__}-{signal is post_save}",
                )
