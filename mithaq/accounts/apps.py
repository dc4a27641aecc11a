from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "mithaq.accounts"
    label = "accounts"
    verbose_name = _("People and organisation")

    def ready(self):
        # Its per-process copies registered in every process (web, worker, scheduler), so
        # that a write made in any of them drops them everywhere (common.cache.rows_changed).
        from . import access, institution  # noqa: F401


class MithaqAdminConfig(admin_apps.AdminConfig):
    # Named in INSTALLED_APPS in place of django.contrib.admin; not this module's default.
    default = False
    default_site = "mithaq.accounts.admin_site.MithaqAdminSite"
