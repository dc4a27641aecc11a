from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterviewsConfig(AppConfig):
    name = "mithaq.interviews"
    verbose_name = _("Interviews")

    def ready(self):
        from mithaq.notifications import attachments
        from mithaq.notifications.states import CitizenEvent
        from mithaq.walkin import agenda

        from . import desk, ics

        # The day's interviews on the hall's desk (the hall sits below the interviews).
        agenda.register(desk.day_interviews)

        # The booking's email carries the interview as a calendar file.
        attachments.register(CitizenEvent.INTERVIEW_SCHEDULED, ics.booking_attachments)
