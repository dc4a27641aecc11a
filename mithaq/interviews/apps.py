from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterviewsConfig(AppConfig):
    name = "mithaq.interviews"
    verbose_name = _("Interviews")

    def ready(self):
        from mithaq.notifications import attachments
        from mithaq.notifications.states import CitizenEvent

        from . import ics

        # The booking's email carries the interview as a calendar file.
        attachments.register(CitizenEvent.INTERVIEW_SCHEDULED, ics.booking_attachments)
