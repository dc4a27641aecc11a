from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "mithaq.accounts"
    label = "accounts"
    verbose_name = _("People and organisation")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .access import memberships_changed
        from .models import Membership, OrgUnit

        for model in (Membership, OrgUnit):
            for signal in (post_save, post_delete):
                signal.connect(
                    memberships_changed,
                    sender=model,
                    dispatch_uid=f"memberships-{model.__name__}-{signal is post_save}",
                )


class MithaqAdminConfig(admin_apps.AdminConfig):
    # Named in INSTALLED_APPS in place of django.contrib.admin; not this module's default.
    default = False
    default_site = "mithaq.accounts.admin_site.MithaqAdminSite"
