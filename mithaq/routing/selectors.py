"""Reads of the clocks: a case's current clocks, and inbox filters and sorts on them."""

import datetime
from typing import TypeVar

from django.db.models import Exists, F, Model, OuterRef, Q, QuerySet

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


def clock_condition(which: str, *, now: datetime.datetime) -> Q | None:
    """The condition on a case's deadline (its next unmet target) for each ClockFilter
    value: overdue, due within one working day, due before the day ends, or paused; None for
    any other. The inbox filters by it and the dashboard counts by it."""
    if which == ClockFilter.OVERDUE:
        return Q(deadline__due_at__lt=now)
    if which == ClockFilter.DUE_SOON:
        calendar = working.active_calendar()
        until = calendar.add_seconds(now, calendar.day_seconds or 8 * 3600)
        return Q(deadline__due_at__gte=now, deadline__due_at__lte=until)
    if which == ClockFilter.DUE_TODAY:
        # Due from now to the end of the institution's day: the same clock the column reads.
        calendar = working.active_calendar()
        local = now.astimezone(calendar.tz)
        midnight = datetime.datetime.combine(
            local.date() + datetime.timedelta(days=1), datetime.time(), tzinfo=calendar.tz
        )
        return Q(deadline__due_at__gte=now, deadline__due_at__lt=midnight)
    if which == ClockFilter.PAUSED:
        return Q(deadline__paused=True)
    return None


def filter_by_clock(cases: _Q, which: str, *, now: datetime.datetime) -> _Q:
    """Cases whose next unmet target is overdue, due within one working day, due before the
    day ends, or paused."""
    condition = clock_condition(which, now=now)
    return cases if condition is None else cases.filter(condition)


class PromiseFilter:
    """The charter's promises that fell due this month, up to now, by how they stand now:
    the dashboard's compliance columns (reports.dashboard), the report's rule
    (reports.figures.compliance: a clock paused while the case waits for the citizen is not
    judged)."""

    ON_TIME = "on_time"
    LATE = "late"
    PAST_DUE = "past_due"


def promise_outcome(which: str, *, now: datetime.datetime) -> Q | None:
    """The condition on a clock for each PromiseFilter value; None for any other."""
    return {
        PromiseFilter.ON_TIME: Q(met_at__lte=F("due_at")),
        PromiseFilter.LATE: Q(met_at__gt=F("due_at"), met_at__lt=now),
        PromiseFilter.PAST_DUE: Q(met_at__isnull=True) | Q(met_at__gte=now),
    }.get(which)


def start_of_month(now: datetime.datetime) -> datetime.datetime:
    """Midnight of the first day of `now`'s month in the institution's time zone."""
    tz = working.active_calendar().tz
    first = now.astimezone(tz).date().replace(day=1)
    return datetime.datetime.combine(first, datetime.time(), tzinfo=tz)


def promises_due_this_month(*, now: datetime.datetime) -> QuerySet[CaseClock]:
    """The clocks judged this month so far: due from the month's start to now, and not
    paused while unmet."""
    return CaseClock.objects.filter(due_at__gte=start_of_month(now), due_at__lt=now).exclude(
        met_at__isnull=True, paused_at__isnull=False
    )


def filter_by_promise(cases: _Q, which: str, *, now: datetime.datetime) -> _Q:
    """Cases (not merged) with a promise due this month that stands as `which` says."""
    outcome = promise_outcome(which, now=now)
    if outcome is None:
        return cases
    clocks = promises_due_this_month(now=now).filter(outcome, case=OuterRef("pk"))
    return cases.filter(Exists(clocks), merged_into__isnull=True)


def order_by_due(cases: _Q) -> _Q:
    """Soonest due first; cases without a running clock last."""
    return cases.order_by(F("deadline__due_at").asc(nulls_last=True), "id")
