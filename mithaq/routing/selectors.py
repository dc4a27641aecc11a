"""Reads of the clocks: a case's current clocks, and inbox filters and sorts on them."""

import datetime
from typing import TypeVar

from django.db.models import F, Model, QuerySet

from mithaq.common.baked import Baked

from . import calendar as working
from .models import CaseClock

# Cases, or the inbox's rows of them (values()).
_Q = TypeVar("_Q", bound=QuerySet)

_clocks_of = Baked(
    lambda case_id: CaseClock.objects.filter(case_id=case_id).order_by("-round"), int
)


def current_clocks(case: Model) -> list[CaseClock]:
    """The clocks of the case's latest round, in the order of the charter's targets."""
    from .models import TARGET_ORDER

    clocks: list[CaseClock] = _clocks_of(case.pk)
    latest = clocks[0].round if clocks else 0
    current = [c for c in clocks if c.round == latest]
    return sorted(current, key=lambda c: TARGET_ORDER.index(c.target))


class ClockFilter:
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    DUE_TODAY = "due_today"
    PAUSED = "paused"


def filter_by_clock(cases: _Q, which: str, *, now: datetime.datetime) -> _Q:
    """Cases whose next unmet target is overdue, due within one working day, due before the
    day ends, or paused."""
    if which == ClockFilter.OVERDUE:
        return cases.filter(deadline__due_at__lt=now)
    if which == ClockFilter.DUE_SOON:
        calendar = working.active_calendar()
        until = calendar.add_seconds(now, calendar.day_seconds or 8 * 3600)
        return cases.filter(deadline__due_at__gte=now, deadline__due_at__lte=until)
    if which == ClockFilter.DUE_TODAY:
        # Due from now to the end of the institution's day: the same clock the column reads.
        calendar = working.active_calendar()
        local = now.astimezone(calendar.tz)
        midnight = datetime.datetime.combine(
            local.date() + datetime.timedelta(days=1), datetime.time(), tzinfo=calendar.tz
        )
        return cases.filter(deadline__due_at__gte=now, deadline__due_at__lt=midnight)
    if which == ClockFilter.PAUSED:
        return cases.filter(deadline__paused=True)
    return cases


def order_by_due(cases: _Q) -> _Q:
    """Soonest due first; cases without a running clock last."""
    return cases.order_by(F("deadline__due_at").asc(nulls_last=True), "id")
