"""The day's interviews on the walk-in hall's desk and reception pages (mithaq.walkin.agenda):
the same list as the office's "today" page, for whoever may read it."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from mithaq.accounts import access
from mithaq.walkin.agenda import AgendaRow, AgendaSection
from mithaq.walkin.models import Hall

from .models import InterviewRequest


def day_interviews(request, hall: Hall, day: datetime.date) -> AgendaSection | None:
    if not access.sees_interviews(request):
        return None
    start = datetime.datetime.combine(day, datetime.time(0), hall.tzinfo)
    rows = InterviewRequest.objects.on_day(start, start + datetime.timedelta(days=1))
    # Reception sees the whole day's list at its desk; officials their own.
    if not access.registers_interviews(request):
        rows = rows.filter(access.interview_filter(request) or Q(pk__in=[]))
    return AgendaSection(
        title=_("Today's interviews with officials"),
        rows=[
            AgendaRow(
                at=row.booking.starts_at,
                reference=row.code,
                title=row.official.display_name,
                detail=row.subject,
                state=row.get_state_display(),
            )
            for row in rows.select_related("official", "booking").order_by("booking__starts_at")
            if row.booking is not None
        ],
        url=reverse("interview_office:today"),
        empty=_("No interview today."),
        column=_("Official"),
    )
