from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "mithaq.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from mithaq.accounts.access import set_open_consultations, set_restricted_cases
        from mithaq.routing.services import clock_config_saved

        # selectors: its per-process copy registered in every process (see accounts.apps).
        from . import access, selectors, tasks  # noqa: F401

        # The two ways the layers below hear of cases: explicit, and only here.
        clock_config_saved.connect(tasks.recompute_after_commit, dispatch_uid="cases.recompute")
        set_open_consultations(access.open_consultation_case_ids)
        set_restricted_cases(access.restricted_case_ids)
