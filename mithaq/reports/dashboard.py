"""The managers' dashboard: today's open, overdue and soon-due cases by unit (each number is
the inbox's own filter, so its link shows exactly those cases), the cases received today,
the last twelve months, this month's compliance per unit, and the halls right now."""

import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone

from mithaq.accounts.models import OrgUnit
from mithaq.cases.forms.staff import INBOX_OPEN, RECEIVED_TODAY, start_of_today
from mithaq.cases.models import Case
from mithaq.routing import calendar as working
from mithaq.routing.selectors import ClockFilter, filter_by_clock
from mithaq.walkin.models import Hall, Ticket
from mithaq.walkin.states import TicketState

from . import figures, periods


def inbox_link(unit_id: int, **filters: str) -> str:
    return f"{reverse('cases:inbox')}?{urlencode({'unit': unit_id, **filters})}"


def by_unit(scope: Q, *, now: datetime.datetime) -> list[dict]:
    """Per unit (the case's own unit, as the inbox filters it): open, overdue and due within
    a working day (the inbox's deadline filters), and received today (its "received" filter).
    Four grouped queries."""
    today_start = start_of_today(now)
    cases = Case.objects.filter(scope)
    open_cases = cases.open()

    def counted(qs) -> dict[int, int]:
        return dict(qs.values_list("unit_id").annotate(n=Count("pk")).order_by())

    columns = {
        "open": counted(open_cases),
        "overdue": counted(filter_by_clock(open_cases, ClockFilter.OVERDUE, now=now)),
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
                "due_soon": columns["due_soon"].get(unit_id, 0),
                "new_today": columns["new_today"].get(unit_id, 0),
                "links": {
                    "new_today": inbox_link(unit_id, received=RECEIVED_TODAY),
                    "open": inbox_link(unit_id, state=INBOX_OPEN),
                    "overdue": inbox_link(unit_id, state=INBOX_OPEN, clock=ClockFilter.OVERDUE),
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
                "waiting": r.get("waiting", 0),
                "called": r.get("called", 0),
                "served": r.get("served", 0),
                "longest_wait_minutes": int((now - oldest).total_seconds() // 60)
                if oldest
                else None,
            }
        )
    return result


def month_figures(unit: OrgUnit | None, *, now: datetime.datetime) -> dict:
    """This month's compliance per unit and the twelve months' trend (the report's own
    sections over the current month, judged as of now)."""
    calendar = working.active_calendar()
    today = timezone.localdate(now, calendar.tz)
    window = figures.make_window(
        periods.monthly(today.year, today.month), unit, now=now, calendar=calendar
    )
    return {"compliance": figures.compliance(window), "trend": figures.trend(window)}
