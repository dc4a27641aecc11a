"""The managers' dashboard: today's open, overdue, due-today and soon-due cases by unit, the
cases received today, and this month's compliance per unit (each number is the inbox's own
filter, so its link shows exactly those cases), the last twelve months, and the halls right
now (each number links to the hall's supervision page, which lists them)."""

import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, Min, Q
from django.urls import reverse
from django.utils import timezone

from mithaq.accounts.models import OrgUnit
from mithaq.cases.forms.staff import INBOX_OPEN, RECEIVED_TODAY, start_of_today
from mithaq.cases.models import Case
from mithaq.routing import calendar as working
from mithaq.routing.selectors import (
    ClockFilter,
    PromiseFilter,
    filter_by_clock,
    promise_outcome,
    promises_due_this_month,
)
from mithaq.walkin.models import Hall, Ticket
from mithaq.walkin.states import TicketState

from . import figures, periods


def inbox_link(unit_id: int, **filters: str) -> str:
    return f"{reverse('cases:inbox')}?{urlencode({'unit': unit_id, **filters})}"


def by_unit(scope: Q, *, now: datetime.datetime) -> list[dict]:
    """Per unit (the case's own unit, as the inbox filters it): open, overdue, due today and
    due within one working day (the inbox's deadline filters, their words its words), and
    received today (its "received" filter). Five grouped queries."""
    today_start = start_of_today(now)
    cases = Case.objects.filter(scope)
    open_cases = cases.open()

    def counted(qs) -> dict[int, int]:
        return dict(qs.values_list("unit_id").annotate(n=Count("pk")).order_by())

    columns = {
        "open": counted(open_cases),
        "overdue": counted(filter_by_clock(open_cases, ClockFilter.OVERDUE, now=now)),
        "due_today": counted(filter_by_clock(open_cases, ClockFilter.DUE_TODAY, now=now)),
        "due_soon": counted(filter_by_clock(open_cases, ClockFilter.DUE_SOON, now=now)),
        "new_today": counted(cases.filter(created_at__gte=today_start, created_at__lte=now)),
    }
    unit_ids = set().union(*columns.values())
    units = {
        u["id"]: u
        for u in OrgUnit.objects.filter(pk__in=unit_ids).values("id", "name_ar", "name_en", "path")
    }
    rows = []
    for unit_id in sorted(
        units, key=lambda i: [int(p) for p in units[i]["path"].strip("/").split("/")]
    ):
        unit = units[unit_id]
        rows.append(
            {
                "unit": unit,
                "depth": unit["path"].count("/") - 2,
                "open": columns["open"].get(unit_id, 0),
                "overdue": columns["overdue"].get(unit_id, 0),
                "due_today": columns["due_today"].get(unit_id, 0),
                "due_soon": columns["due_soon"].get(unit_id, 0),
                "new_today": columns["new_today"].get(unit_id, 0),
                "links": {
                    "new_today": inbox_link(unit_id, received=RECEIVED_TODAY),
                    "open": inbox_link(unit_id, state=INBOX_OPEN),
                    "overdue": inbox_link(unit_id, state=INBOX_OPEN, clock=ClockFilter.OVERDUE),
                    "due_today": inbox_link(unit_id, state=INBOX_OPEN, clock=ClockFilter.DUE_TODAY),
                    "due_soon": inbox_link(unit_id, state=INBOX_OPEN, clock=ClockFilter.DUE_SOON),
                },
            }
        )
    return rows


def halls_now(paths: list[str] | None, *, now: datetime.datetime) -> list[dict]:
    """Each hall of the scope: waiting now, at a window now, served today, the longest wait."""
    halls = Hall.objects.filter(is_active=True)
    if paths is not None:
        q = Q(pk__in=[])
        for path in paths:
            q |= Q(unit__path__startswith=path)
        halls = halls.filter(q)
    calendar = working.active_calendar()
    today = timezone.localdate(now, calendar.tz)
    rows = (
        Ticket.objects.filter(hall__in=halls, day=today)
        .values("hall_id")
        .annotate(
            waiting=Count("pk", filter=Q(state=TicketState.WAITING)),
            called=Count("pk", filter=Q(state=TicketState.CALLED)),
            served=Count("pk", filter=Q(state=TicketState.DONE)),
            oldest=Min("queued_at", filter=Q(state=TicketState.WAITING)),
        )
        .order_by()
    )
    found: dict[int, dict[str, Any]] = {r["hall_id"]: dict(r) for r in rows}
    result = []
    for hall in halls.order_by("code"):
        r: dict[str, Any] = found.get(hall.pk, {})
        oldest = r.get("oldest")
        result.append(
            {
                "hall": hall,
                "day": today,
                "waiting": r.get("waiting", 0),
                "called": r.get("called", 0),
                "served": r.get("served", 0),
                "longest_wait_minutes": int((now - oldest).total_seconds() // 60)
                if oldest
                else None,
            }
        )
    return result


_OUTCOMES = (PromiseFilter.ON_TIME, PromiseFilter.LATE, PromiseFilter.PAST_DUE)


def compliance_by_unit(scope: Q, *, now: datetime.datetime) -> list[dict]:
    """This month's promises per unit (the case's own unit) as they stand now: the cases
    with a promise met on time, met late, and open and past due (each the inbox's "promise"
    filter, so its link shows exactly those cases; a case with two such promises is one
    case), and the share of the promises met on time (the report's rate, per promise).
    One grouped query."""
    clocks = promises_due_this_month(now=now).filter(case__merged_into__isnull=True)
    if scope != Q():
        # The whole institution needs no second pass over the cases to match them.
        clocks = clocks.filter(case__in=Case.objects.filter(scope))
    conditions = {o: promise_outcome(o, now=now) for o in _OUTCOMES}
    counts = (
        clocks.values("case__unit_id")
        .annotate(
            judged=Count("pk"),
            met_on_time=Count("pk", filter=Q(met_at__lte=F("due_at"))),
            **{o: Count("case_id", distinct=True, filter=q) for o, q in conditions.items()},
        )
        .order_by()
    )
    found: dict[int, dict[str, Any]] = {r["case__unit_id"]: dict(r) for r in counts}
    units = {
        u["id"]: u
        for u in OrgUnit.objects.filter(pk__in=found).values("id", "name_ar", "name_en", "path")
    }
    rows = []
    for unit_id in sorted(
        units, key=lambda i: [int(p) for p in units[i]["path"].strip("/").split("/")]
    ):
        r = found[unit_id]
        rows.append(
            {
                "unit": units[unit_id],
                "depth": units[unit_id]["path"].count("/") - 2,
                **{o: r[o] for o in _OUTCOMES},
                "rate": figures.ratio(r["met_on_time"], r["judged"]),
                "links": {o: inbox_link(unit_id, promise=o) for o in _OUTCOMES},
            }
        )
    return rows


def trend(unit: OrgUnit | None, *, now: datetime.datetime) -> dict:
    """The twelve months' trend (the report's own section, up to this month)."""
    calendar = working.active_calendar()
    today = timezone.localdate(now, calendar.tz)
    window = figures.make_window(
        periods.monthly(today.year, today.month), unit, now=now, calendar=calendar
    )
    return figures.trend(window)
