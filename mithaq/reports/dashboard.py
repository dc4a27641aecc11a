"""The managers' dashboard: today's open, overdue, due-today and soon-due cases by unit, the
cases received today, and this month's compliance per unit (each number is the inbox's own
filter, so its link shows exactly those cases), the last twelve months, and the halls right
now (each number links to the hall's supervision page, which lists them)."""

import datetime
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from mithaq.accounts.models import OrgUnit
from mithaq.cases.forms.staff import INBOX_OPEN, RECEIVED_TODAY, start_of_today
from mithaq.cases.models import Case
from mithaq.cases.states import OPEN_STATES, State
from mithaq.routing import calendar as working
from mithaq.routing.selectors import (
    ClockFilter,
    PromiseFilter,
    clock_condition,
    promise_outcome,
    promises_due_this_month,
)
from mithaq.walkin.models import Hall, Ticket
from mithaq.walkin.states import TicketState

from . import figures, periods


def inbox_link(unit_id: int, **filters: str) -> str:
    return f"{reverse('cases:inbox')}?{urlencode({'unit': unit_id, **filters})}"


DEADLINE_COLUMNS = (ClockFilter.OVERDUE, ClockFilter.DUE_TODAY, ClockFilter.DUE_SOON)


def open_by_unit(cases: QuerySet, *, now: datetime.datetime, everywhere: bool) -> QuerySet:
    """The open cases per unit with their deadline joined once: open, and a filtered count
    for each deadline column. The open cases are the inbox's "all open" (cases.open(): every
    state but closed); `everywhere` (the whole institution's), said as `state <> 'closed'`,
    the predicate of their index (case_open_unit, cases migration 0020) for _merge_joined.
    A subtree's are found by unit and state (case_state_unit): reading every open case's
    entry and keeping the subtree's would cost more."""
    return (
        (cases.exclude(state=State.CLOSED) if everywhere else cases.filter(state__in=OPEN_STATES))
        .values("unit_id")
        .annotate(
            open=Count("pk"),
            **{c: Count("pk", filter=clock_condition(c, now=now)) for c in DEADLINE_COLUMNS},
        )
        .order_by()
    )


def by_unit(scope: Q, *, now: datetime.datetime) -> list[dict]:
    """Per unit (the case's own unit, as the inbox filters it): open, overdue, due today and
    due within one working day (the inbox's deadline filters, their words its words), and
    received today (its "received" filter). Two grouped queries: the open cases with their
    deadline joined once, each deadline column a filtered count by the inbox's own condition
    (routing.selectors.clock_condition), and the cases received today."""
    today_start = start_of_today(now)
    cases = Case.objects.filter(scope)
    everywhere = scope == Q()
    open_rows = open_by_unit(cases, now=now, everywhere=everywhere)
    columns: dict[str, dict[int, int]] = {c: {} for c in ("open", *DEADLINE_COLUMNS)}
    for r in _merge_joined(open_rows) if everywhere else open_rows:
        for c in columns:
            columns[c][r["unit_id"]] = r[c]
    columns["new_today"] = dict(
        cases.filter(created_at__gte=today_start, created_at__lte=now)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
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


def _merge_joined(rows: QuerySet) -> list[dict]:
    """The institution's open cases joined to their deadline rows by a merge join: both in
    the order of the case's id, the cases from their index alone (case_open_unit, cases
    migration 0020), in one process. PostgreSQL's planner, left to itself, hashes the
    124,000 deadline rows on every request (at 1,000,000 cases), in three processes: about
    twice the CPU (decision 0018-dashboard-open-counts-merge-join)."""
    return _planned(rows, enable_hashjoin="off", max_parallel_workers_per_gather="0")


def _planned(rows: QuerySet, **planner: str) -> list[dict]:
    """`rows` read with these PostgreSQL planner settings, for this query's transaction only
    (SET LOCAL); inside a caller's transaction they are put back after it. Elsewhere `rows`
    as they are."""
    if connection.vendor != "postgresql":
        return list(rows)
    names = list(planner)
    nested = connection.in_atomic_block  # the caller's transaction goes on after this one
    with transaction.atomic(), connection.cursor() as cursor:
        before = None
        if nested:
            cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
            before = cursor.fetchone()
        cursor.execute(_set_local(len(names)), [x for n in names for x in (n, planner[n])])
        found = list(rows)
        if before is not None:
            cursor.execute(
                _set_local(len(names)),
                [x for n, v in zip(names, before, strict=True) for x in (n, v)],
            )
        return found


def _set_local(count: int) -> str:
    return "SELECT " + ", ".join(["set_config(%s, %s, true)"] * count)


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
            # Counted by case_id (never null), not pk: every column read is then in the
            # clocks' covering index (routing 0004, clock_due_report), so PostgreSQL reads
            # the index alone rather than each clock's row (0.11 s instead of 0.20 s).
            judged=Count("case_id"),
            met_on_time=Count("case_id", filter=Q(met_at__lte=F("due_at"))),
            **{o: Count("case_id", distinct=True, filter=q) for o, q in conditions.items()},
        )
        .order_by()
    )
    # In one process: the 25,000 to 100,000 clocks of a month each find their case's unit
    # by an index probe, which parallel workers share out for no quicker answer (76 ms in
    # one process, 79 ms in three at 1,000,000 cases) and three times the CPU, the dashboard's
    # p95 with two managers at once (decision 0018).
    found: dict[int, dict[str, Any]] = {
        r["case__unit_id"]: dict(r) for r in _planned(counts, max_parallel_workers_per_gather="0")
    }
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


TREND_KEEP_SECONDS = 6 * 3600


def trend(unit: OrgUnit | None, *, now: datetime.datetime) -> dict:
    """The twelve months' trend (the report's own section, up to this month). The eleven
    past months are kept in the cache up to TREND_KEEP_SECONDS, per day and scope (a closed
    month's count moves only by a merge or an erasure), with when they were counted; this
    month is counted live. Decision 0016."""
    calendar = working.active_calendar()
    today = timezone.localdate(now, calendar.tz)
    window = figures.make_window(
        periods.monthly(today.year, today.month), unit, now=now, calendar=calendar
    )
    this_month = window.start
    months = []
    year, month = today.year, today.month
    for _i in range(12):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    months.reverse()
    first = datetime.datetime(*months[0], 1, tzinfo=calendar.tz)

    def past() -> dict:
        counts = figures.received_by_month(window, first, this_month)
        return {"counted_at": now, "counts": [[y, m, n] for (y, m), n in counts.items()]}

    key = f"reports:dashboard:trend:{today.isoformat()}:{unit.pk if unit else 'all'}"
    kept = cache.get_or_set(key, past, TREND_KEEP_SECONDS) or past()
    counts = {(y, m): n for y, m, n in kept["counts"]}
    counts.update(figures.received_by_month(window, this_month, window.end))
    return {
        "months": [
            {"month": f"{y:04d}-{m:02d}", "received": counts.get((y, m), 0)} for y, m in months
        ],
        "past_counted_at": kept["counted_at"],
    }
