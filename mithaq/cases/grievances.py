"""The grievance's window (تظلم): until when the citizen may ask for a decided, resolved or
closed case to be reviewed again, in working days of the institution's calendar
(mithaq.routing), set per kind (MITHAQ_GRIEVANCE_DAYS_BY_KIND, else MITHAQ_GRIEVANCE_DAYS).
Filing one is cases.services.file_grievance."""

import datetime

from django.conf import settings

from mithaq.routing.calendar import add_working

from .models import Case
from .states import CITIZEN_GRIEVANCE, EventKind, State


def grievance_days(kind: str) -> int:
    return int(settings.MITHAQ_GRIEVANCE_DAYS_BY_KIND.get(kind, settings.MITHAQ_GRIEVANCE_DAYS))


def answered_at(case: Case) -> datetime.datetime | None:
    """When the case got the answer a grievance is against: its closing, or the latest
    decision or resolution while it is decided or resolved; None in any other state."""
    if case.state not in CITIZEN_GRIEVANCE.sources:
        return None
    if case.state == State.CLOSED and case.closed_at is not None:
        return case.closed_at
    kind = EventKind.DECIDED if case.state == State.DECIDED else EventKind.RESOLVED
    return case.events.filter(kind=kind).order_by("-at", "-id").values_list("at", flat=True).first()


def deadline_after(kind: str, answered: datetime.datetime) -> datetime.datetime:
    """The last moment of the window that opened at `answered`: the close of its last
    working day."""
    return add_working(answered, days=grievance_days(kind))


def grievance_deadline(case: Case) -> datetime.datetime | None:
    """Until when a grievance may be filed on `case` now; None when its state allows none."""
    answered = answered_at(case)
    return None if answered is None else deadline_after(case.kind, answered)
