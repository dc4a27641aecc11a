"""How a clock reads to staff: time left or overdue, in working time."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import CaseClock, Target


@dataclass(frozen=True)
class ClockView:
    target: str
    label: str
    due_at: datetime.datetime
    expected_at: datetime.datetime
    met_at: datetime.datetime | None
    status: str  # met, met_late, paused, overdue, running
    text: str


def working_time_left(calendar, now: datetime.datetime, due: datetime.datetime) -> tuple[bool, str]:
    """(overdue?, "2 working days left" / "overdue by 5 working hours")."""
    seconds = calendar.seconds_between(now, due)
    overdue = seconds < 0 or (seconds == 0 and now >= due)
    amount = abs(seconds)
    if overdue and amount < 60:
        # Past due after closing time: no working time has been lost yet.
        return True, _("Overdue")
    day = calendar.day_seconds or 8 * 3600
    if amount >= day:
        n = amount // day
        if overdue:
            return True, ngettext(
                "overdue by %(n)s working day", "overdue by %(n)s working days", n
            ) % {"n": n}
        return False, ngettext("%(n)s working day left", "%(n)s working days left", n) % {"n": n}
    if amount >= 3600:
        n = amount // 3600
        if overdue:
            return True, ngettext(
                "overdue by %(n)s working hour", "overdue by %(n)s working hours", n
            ) % {"n": n}
        return False, ngettext("%(n)s working hour left", "%(n)s working hours left", n) % {"n": n}
    n = max(1, -(-amount // 60))
    if overdue:
        return True, ngettext(
            "overdue by %(n)s working minute", "overdue by %(n)s working minutes", n
        ) % {"n": n}
    return False, ngettext("%(n)s working minute left", "%(n)s working minutes left", n) % {"n": n}


def deadline_view(due_at, paused, now: datetime.datetime, calendar) -> dict | None:
    """For an inbox row: {"status", "text"} of an open case's next unmet target (its
    `deadline` row's `due_at` and `paused`), or None when no clock runs."""
    if paused:
        return {"status": "paused", "text": _("Paused")}
    if due_at is None:
        return None
    overdue, text = working_time_left(calendar, now, due_at)
    return {"status": "overdue" if overdue else "running", "text": text}


# The clocks a service may hold until its file is complete (cases.services.clocks).
HELD_FOR_FILE = frozenset({Target.DECISION, Target.RESOLUTION})


def view_clock(
    clock: CaseClock, calendar, now: datetime.datetime, *, held_for_file: bool = False
) -> ClockView:
    if clock.met_at is not None:
        status = "met" if clock.met_at <= clock.due_at else "met_late"
        text = _("Met in time") if status == "met" else _("Met late")
    elif clock.paused_at is not None and held_for_file and clock.target in HELD_FOR_FILE:
        status = "paused"
        text = _("Starts when the file is complete")
    elif clock.paused_at is not None:
        status = "paused"
        _overdue, left = working_time_left(calendar, clock.paused_at, clock.due_at)
        text = _("Paused while waiting for the citizen (%(left)s)") % {"left": left}
    else:
        overdue, text = working_time_left(calendar, now, clock.due_at)
        status = "overdue" if overdue else "running"
    return ClockView(
        target=clock.target,
        label=str(Target(clock.target).label),
        due_at=clock.due_at.astimezone(calendar.tz),
        expected_at=clock.expected_at.astimezone(calendar.tz),
        met_at=clock.met_at.astimezone(calendar.tz) if clock.met_at else None,
        status=status,
        text=text,
    )
