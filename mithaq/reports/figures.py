"""The figures of a report pack, one section a function over one window (a period and a
scope), computed by aggregate queries (a handful per window, never one per case).

The rules (issue 13): the period is read in the institution's time zone; a case reopened in
the period counts once; a merged case counts in its survivor (the merged one is left out);
no citizen is ever named. Which state a case was in at a moment is read from its events (the
last event that closed it against the last that took it out of closed), not from its
current state, so that a past period's figures do not move when a case moves today.

A section is one entry of SECTIONS: a function of a Window returning plain JSON values.
Satisfaction comes from mithaq.surveys (its rule of at least five answers kept), interviews
and field visits from mithaq.interviews; a section whose records are not kept says so
(no_data_yet), as packs built before those were wired do.
"""

import copy
import datetime
import math
import operator
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.db import connection
from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from mithaq.accounts.models import OrgUnit
from mithaq.cases.models import Case
from mithaq.cases.states import Channel, Kind
from mithaq.interviews.models import Decision, InterviewEvent, InterviewRequest, RecordedInterview
from mithaq.interviews.models_visits import Finding, Visit, VisitScore
from mithaq.interviews.states import EventKind as InterviewEventKind
from mithaq.interviews.states import RequestState
from mithaq.routing import calendar as working
from mithaq.routing.models import CaseClock, Target
from mithaq.routing.working_line import WorkingLine
from mithaq.routing.worktime import Calendar
from mithaq.surveys import selectors as surveys
from mithaq.walkin.models import Rating, Ticket
from mithaq.walkin.states import Face, TicketState

from . import caseflow
from .periods import Period


@dataclass(frozen=True)
class Window:
    """What one set of figures is computed over."""

    period: Period
    # None: the whole institution; else this unit and every unit under it.
    unit: OrgUnit | None
    start: datetime.datetime
    end: datetime.datetime
    # Clocks are judged as they stood at the end of the period, or now if it has not ended.
    cutoff: datetime.datetime
    calendar: Calendar

    def case_scope(self, prefix: str = "") -> Q:
        q = Q(**{f"{prefix}merged_into__isnull": True})
        if self.unit is not None:
            q &= Q(**{f"{prefix}unit__path__startswith": self.unit.path})
        return q

    def clock_scope(self) -> Q:
        """case_scope for a clock, without joining the (wide) case row for the whole
        institution: the merged cases, a handful, are left out by their ids."""
        if self.unit is not None:
            return Q(case__in=Case.objects.filter(self.case_scope()).values("pk"))
        return ~Q(case__in=Case.objects.filter(merged_into__isnull=False).values("pk"))


def make_window(
    period: Period,
    unit: OrgUnit | None,
    *,
    now: datetime.datetime | None = None,
    calendar: Calendar | None = None,
) -> Window:
    # A job computes from the database's calendar, never an old copy (routing.calendar).
    calendar = calendar or working.fresh_config().calendar
    start, end = period.bounds(calendar.time_zone)
    now = now or timezone.now()
    return Window(period, unit, start, end, min(end, now), calendar)


# Statistics ------------------------------------------------------------------------------


def median_and_p90(values: Iterable[float]) -> dict:
    """The median (the mean of the two middle values for an even count) and the 90th
    percentile by nearest rank (the value at rank ⌈0.9·n⌉), rounded to two decimals."""
    ordered = sorted(values)
    if not ordered:
        return {"count": 0, "median": None, "p90": None}
    rank = math.ceil(0.9 * len(ordered))
    return {
        "count": len(ordered),
        "median": round(statistics.median(ordered), 2),
        "p90": round(ordered[rank - 1], 2),
    }


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


_VOLUME_FIELDS = caseflow.FIELDS


def _unit_rows(w: Window, per_unit: dict[int, dict], fields: Iterable[str]) -> list[dict]:
    """Each unit of the scope that has a figure, in the tree's order, with its own figures
    and those of its subtree (a college with its departments beneath)."""
    fields = list(fields)
    units = OrgUnit.objects.all()
    if w.unit is not None:
        units = units.filter(path__startswith=w.unit.path)
    listed = sorted(
        units.values("id", "code", "name_ar", "name_en", "path"),
        # The tree's order by the ids along the path, not the path as text ("/1/10/" would
        # come before "/1/9/", and PostgreSQL's collation may ignore the slashes).
        key=lambda u: [int(part) for part in u["path"].strip("/").split("/")],
    )
    path_of = {u["id"]: u["path"] for u in listed}
    rows = []
    for unit in listed:
        inside = [v for uid, v in per_unit.items() if path_of.get(uid, "").startswith(unit["path"])]
        if not inside:
            continue
        rows.append(
            {
                "unit_id": unit["id"],
                "code": unit["code"],
                "name_ar": unit["name_ar"],
                "name_en": unit["name_en"],
                "depth": unit["path"].count("/") - 2,
                "own": {f: per_unit.get(unit["id"], {}).get(f, 0) for f in fields},
                "subtree": {f: sum(v.get(f, 0) for v in inside) for f in fields},
            }
        )
    return rows


# Sections --------------------------------------------------------------------------------


def volume(w: Window, counted: dict[int, dict[str, int]] | None = None) -> dict:
    """Received, carried over, completed, open at the end, reopened (by staff or on a
    citizen's grievance) and the grievances filed; the completion index = completed /
    (received + carried over); the external system's entries (the re-entry count). By unit
    and in total, from caseflow's one pass (`counted`, when the pack computed it for all its
    windows at once)."""
    per_unit = counted if counted is not None else caseflow.volumes([(w.start, w.end)], w.unit)[0]
    total = {f: sum(r[f] for r in per_unit.values()) for f in _VOLUME_FIELDS}
    units = _unit_rows(w, per_unit, _VOLUME_FIELDS)
    for row in [total, *(u["subtree"] for u in units)]:
        row["completion_index"] = ratio(row["completed"], row["received"] + row["carried_over"])
    return {"total": total, "units": units}


def received(w: Window) -> dict:
    """The cases received in the period by kind × channel × unit, with the urgent appeals
    and the collective cases and their head counts: one grouped query."""
    rows = (
        Case.objects.filter(w.case_scope(), created_at__gte=w.start, created_at__lt=w.end)
        .values("unit_id", "kind", "channel")
        .annotate(
            n=Count("pk"),
            urgent=Count("pk", filter=Q(is_urgent=True)),
            collective=Count("pk", filter=Q(is_collective=True)),
            heads=Sum("head_count", filter=Q(is_collective=True)),
        )
        .order_by()
    )
    by_kind = {k: 0 for k in Kind.values}
    by_channel = {c: 0 for c in Channel.values}
    kind_channel = {k: {c: 0 for c in Channel.values} for k in Kind.values}
    per_unit: dict[int, dict] = {}
    urgent = collective = heads = 0
    for r in rows:
        by_kind[r["kind"]] += r["n"]
        by_channel[r["channel"]] += r["n"]
        kind_channel[r["kind"]][r["channel"]] += r["n"]
        unit = per_unit.setdefault(r["unit_id"], {k: 0 for k in Kind.values})
        unit[r["kind"]] += r["n"]
        urgent += r["urgent"]
        collective += r["collective"]
        heads += r["heads"] or 0
    return {
        "total": sum(by_kind.values()),
        "by_kind": by_kind,
        "by_channel": by_channel,
        "kind_channel": kind_channel,
        "units": _unit_rows(w, per_unit, Kind.values),
        "urgent": urgent,
        "collective": collective,
        "collective_head_count": heads,
    }


class EpochSeconds(Func):
    """A moment as seconds since 1970 (a float): tens of thousands of moments load several
    times faster as numbers than as aware datetimes through Django's psycopg loader."""

    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::float8"
        )

    def as_sqlite(self, compiler, connection, **extra):
        # Stored as UTC text: the Julian day, less 1970's, in seconds.
        return self.as_sql(
            compiler, connection, template="(julianday(%(expressions)s) - 2440587.5) * 86400.0"
        )


_TIME_TARGETS = (Target.ACKNOWLEDGEMENT, Target.FIRST_REPLY, Target.DECISION, Target.RESOLUTION)


def times(w: Window) -> dict:
    """Working days from the start of a round (the submission, or a reopening) to each
    target, for the targets met in the period: median and 90th percentile, from the clocks
    (times_of)."""
    return times_of([w])[0]


def times_of(windows: list[Window]) -> list[dict]:
    """times() of each window (one scope and one calendar; an annual pack's previous year is
    also its year before), the clocks of all of them read in one query. A pair's working time is
    the calendar's arithmetic in constant time (routing.working_line): on PostgreSQL in SQL,
    over the working line's table of days, with the median and the 90th percentile taken
    there (decision 0019: 250,000 pairs in a monthly pack at 1,000,000 cases cost 0.9 s of
    Python); elsewhere in Python. Both take the statistics over whole seconds, then divide
    by the working day."""
    if not windows:
        return []
    calendar = windows[0].calendar
    # One range of the met clocks' index a window (index-only: an OR of the three ranges
    # would read the table's pages), the windows' rows one after the other.
    per_window = [
        CaseClock.objects.filter(
            windows[0].clock_scope(),
            target__in=_TIME_TARGETS,
            met_at__gte=w.start,
            met_at__lt=w.end,
        )
        .annotate(window_index=Value(i, output_field=IntegerField()))
        # Unordered: the clocks' default order is their case's, which joins the case rows.
        .order_by()
        for i, w in enumerate(windows)
    ]
    counted: dict[tuple[int, str], dict] = {}
    if connection.vendor == "postgresql":
        last = calendar.local_date(max(w.end for w in windows))
        counted = _seconds_in_sql(per_window, calendar, last)
    else:
        for pairs in per_window:
            counted.update(_seconds_in_python(pairs, calendar))
    day = calendar.day_seconds or 1

    def in_days(seconds: float | None) -> float | None:
        return None if seconds is None else round(seconds / day, 2)

    none = {"count": 0, "median": None, "p90": None}
    return [
        {
            target: {
                "count": (got := counted.get((i, target), none))["count"],
                "median": in_days(got["median"]),
                "p90": in_days(got["p90"]),
            }
            for target in _TIME_TARGETS
        }
        for i in range(len(windows))
    ]


def _seconds_in_python(pairs, calendar: Calendar) -> dict[tuple[int, str], dict]:
    line = WorkingLine(calendar)
    seconds: dict[tuple[int, str], list[int]] = {}
    at = datetime.datetime.fromtimestamp
    rows = pairs.values_list(
        "window_index", "target", EpochSeconds("started_at"), EpochSeconds("met_at")
    )
    for window, target, started, met in rows:
        got = line.seconds_between(at(started, datetime.UTC), at(met, datetime.UTC))
        seconds.setdefault((window, target), []).append(got)
    # Whole seconds: median_and_p90's rounding leaves them as they are.
    return {key: median_and_p90(values) for key, values in seconds.items()}


# A moment's working microseconds on the working line (routing.working_line): those before
# its local day, and the part of that day's working interval before it (a day off has an
# interval of none). The days are arrays indexed from the table's first day.
_ON_LINE = (
    "((%s::int8[])[q.{m}i] + LEAST(GREATEST(q.{m}u - (%s::int8[])[q.{m}i], 0), "
    "(%s::int8[])[q.{m}i]))"
)
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_US = datetime.timedelta(microseconds=1)


def _seconds_in_sql(
    per_window: list, calendar: Calendar, last: datetime.date
) -> dict[tuple[int, str], dict]:
    """Per (window, target): the count, the median (of the two middle values for an even
    count: percentile_cont) and the nearest-rank 90th percentile (percentile_disc, the value
    at rank ⌈0.9·n⌉) of the pairs' whole working seconds, truncated as seconds_between does.
    The days' table runs from the earliest round's start; a pair outside it (met after that
    was read) is seen by its missing seconds and the table read again."""
    tz = calendar.time_zone
    selects = [
        pairs.values("window_index", "target", "started_at", "met_at") for pairs in per_window
    ]
    sql, params = (
        selects[0].union(*selects[1:], all=True) if len(selects) > 1 else selects[0]
    ).query.sql_with_params()
    first = caseflow.run_job_query(f"SELECT MIN(p.started_at) FROM ({sql}) p", params)[0][0]  # noqa: S608
    if first is None:
        return {}
    line = WorkingLine(calendar)
    statement = (
        f"WITH p AS ({sql}), "  # noqa: S608 (the values are parameters; sql is the ORM's)
        # OFFSET 0 keeps the day indexes computed once a row, not once a use.
        "q AS (SELECT p.window_index, p.target, p.started_at, "
        "(p.met_at AT TIME ZONE %s)::date - %s::date + 1 AS mi, "
        "(EXTRACT(EPOCH FROM p.met_at) * 1000000)::int8 AS mu, "
        "(p.started_at AT TIME ZONE %s)::date - %s::date + 1 AS bi, "
        "(EXTRACT(EPOCH FROM p.started_at) * 1000000)::int8 AS bu FROM p OFFSET 0), "
        "s AS (SELECT q.window_index, q.target, q.started_at, "
        f"({_ON_LINE.format(m='m')} - {_ON_LINE.format(m='b')}) / 1000000 AS seconds FROM q) "
        "SELECT s.window_index, s.target, COUNT(*), COUNT(s.seconds), MIN(s.started_at), "
        "percentile_cont(0.5) WITHIN GROUP (ORDER BY s.seconds), "
        "percentile_disc(0.9) WITHIN GROUP (ORDER BY s.seconds) "
        "FROM s GROUP BY s.window_index, s.target"
    )
    last = max(last, calendar.local_date(first))
    for _attempt in range(3):
        day = calendar.local_date(first)
        days = line.days(day, last)
        before = [b for _d, _o, _s, b in days]
        opens = [0 if o is None else (o - _EPOCH) // _US for _d, o, _s, _b in days]
        spans = [s for _d, _o, s, _b in days]
        arrays = [before, opens, spans]
        rows = caseflow.run_job_query(statement, [*params, tz, day, tz, day, *arrays, *arrays])
        if all(n == known for _w, _t, n, known, *_rest in rows):
            return {
                (w, t): {"count": n, "median": median, "p90": p90}
                for w, t, n, _known, _first, median, p90 in rows
            }
        first = min(started for *_head, started, _m, _p in rows)
    raise RuntimeError("clocks kept being met before the working line's first day")


_COMPLIANCE_FIELDS = ("on_time", "late", "past_due")


def compliance(w: Window) -> dict:
    """The charter's promises that fell due in the period, as they stood at its end: met on
    time, met late, still unmet and past due; per target and per unit (the case's unit).
    A clock paused while the case waits for the citizen is not judged (its due moment moves
    when the citizen answers). One grouped query (compliance_of)."""
    return compliance_of([w])[0]


def compliance_of(windows: list[Window]) -> list[dict]:
    """compliance() of each window (one scope; windows that do not overlap, as a pack's
    three), in one grouped query for all of them: each
    clock is placed in the window it fell due in, and judged at that window's cutoff. The
    case rows (for the unit, and to leave merged cases out) are then read once, not once a
    window (a pack's three windows took three scans of 1,000,000 cases)."""
    if not windows:
        return []
    # An annual pack's previous year is also its year before: one window counted for both
    # (a clock is placed in the first window it falls in, so a second would count none).
    distinct: dict[tuple, Window] = {}
    for w in windows:
        distinct.setdefault((w.start, w.cutoff), w)
    if len(distinct) < len(windows):
        once = dict(zip(distinct, compliance_of(list(distinct.values())), strict=True))
        return [copy.deepcopy(once[(w.start, w.cutoff)]) for w in windows]
    scope = windows[0].case_scope("case__")
    inside = [Q(due_at__gte=w.start, due_at__lt=w.cutoff) for w in windows]
    which = CaseWhen(
        *(When(q, then=Value(i)) for i, q in enumerate(inside)), output_field=IntegerField()
    )
    cutoff = CaseWhen(
        *(When(q, then=Value(w.cutoff)) for q, w in zip(inside, windows, strict=True)),
        output_field=DateTimeField(),
    )
    rows = (
        CaseClock.objects.filter(scope)
        .filter(reduce(operator.or_, inside))
        .exclude(met_at__isnull=True, paused_at__isnull=False)
        .annotate(window=which, cutoff=cutoff)
        .values("window", "case__unit_id", "target")
        .annotate(
            on_time=Count("pk", filter=Q(met_at__lte=F("due_at"))),
            late=Count("pk", filter=Q(met_at__gt=F("due_at"), met_at__lt=F("cutoff"))),
            past_due=Count("pk", filter=Q(met_at__isnull=True) | Q(met_at__gte=F("cutoff"))),
        )
        .order_by()
    )
    by_target = [{t: dict.fromkeys(_COMPLIANCE_FIELDS, 0) for t in Target.values} for _ in windows]
    per_unit: list[dict[int, dict]] = [{} for _ in windows]
    for values in rows:
        r: dict[str, Any] = dict(values)
        i = r["window"]
        unit = per_unit[i].setdefault(r["case__unit_id"], dict.fromkeys(_COMPLIANCE_FIELDS, 0))
        for f in _COMPLIANCE_FIELDS:
            by_target[i][r["target"]][f] += r[f]
            unit[f] += r[f]
    result = []
    for w, targets, units_of in zip(windows, by_target, per_unit, strict=True):
        total = {f: sum(t[f] for t in targets.values()) for f in _COMPLIANCE_FIELDS}
        units = _unit_rows(w, units_of, _COMPLIANCE_FIELDS)
        for row in [total, *targets.values(), *(u["subtree"] for u in units)]:
            row["rate"] = ratio(row["on_time"], row["on_time"] + row["late"] + row["past_due"])
        result.append({"total": total, "by_target": targets, "units": units})
    return result


def _utc(value) -> datetime.datetime:
    # A raw query on SQLite gives the stored text, naive and in UTC.
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def reentry(w: Window) -> dict:
    """Cases completed in the period still without a reference in the external government
    system: the list to enter, by reference (never a name), and the count entered."""
    cases = [
        {
            "code": code,
            "kind": kind,
            "unit_code": unit_code,
            "unit_name_ar": name_ar,
            "unit_name_en": name_en,
            "closed_on": timezone.localtime(_utc(closed), w.calendar.tz).date().isoformat(),
        }
        for code, kind, unit_code, name_ar, name_en, closed in (
            caseflow.completed_without_reference(w.start, w.end, w.unit)
        )
    ]
    return {"missing": len(cases), "cases": cases}


def hall(w: Window) -> dict:
    """The walk-in halls of the scope: tickets issued in the period, served, no-shows, the
    wait until first called (minutes, median and 90th percentile, and the share within the
    service's target), the priority window's share, and the visitors' ratings."""
    tickets = Ticket.objects.filter(issued_at__gte=w.start, issued_at__lt=w.end)
    if w.unit is not None:
        tickets = tickets.filter(hall__unit__path__startswith=w.unit.path)
    counts = tickets.aggregate(
        tickets=Count("pk"),
        served=Count("pk", filter=Q(state=TicketState.DONE)),
        no_shows=Count("pk", filter=Q(state=TicketState.NO_SHOW)),
        priority=Count("pk", filter=Q(is_priority=True)),
    )
    waits, within = [], 0
    for queued, called, target in tickets.filter(first_called_at__isnull=False).values_list(
        "issued_at", "first_called_at", "issued_service__target_wait_minutes"
    ):
        if called is None:
            continue
        minutes = (called - queued).total_seconds() / 60
        waits.append(minutes)
        within += minutes <= target
    faces = dict(
        Rating.objects.filter(ticket__in=tickets)
        .values_list("face")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        **counts,
        "priority_share": ratio(counts["priority"], counts["tickets"]),
        "wait_minutes": median_and_p90(waits),
        "within_target_share": ratio(within, len(waits)),
        "ratings": {f: faces.get(f, 0) for f in Face.values},
    }


def _trend_months(w: Window) -> list[tuple[int, int]]:
    """The twelve months that end with the period's last month, oldest first."""
    last = w.period.last_day
    months = []
    year, month = last.year, last.month
    for _i in range(12):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    months.reverse()
    return months


def _trend_start(w: Window) -> datetime.datetime:
    return datetime.datetime(*_trend_months(w)[0], 1, tzinfo=w.calendar.tz)


def received_by_month(
    w: Window, start: datetime.datetime, end: datetime.datetime
) -> dict[tuple[int, int], int]:
    """Cases of w's scope received from `start` to `end`, per month of the institution
    (months without a case left out): one statement of one count a month (UNION ALL), each
    a range of the index on when a case was received, rather than grouping every case by
    its moment truncated to its month (at 1,000,000 cases 0.18 s instead of 0.59 s for
    twelve months)."""
    tz = w.calendar.tz
    first = timezone.localtime(start, tz)
    year, month = first.year, first.month
    months: list[tuple[int, int]] = []
    counts = []
    while (low := max(datetime.datetime(year, month, 1, tzinfo=tz), start)) < end:
        year_after, month_after = (year + 1, 1) if month == 12 else (year, month + 1)
        high = min(datetime.datetime(year_after, month_after, 1, tzinfo=tz), end)
        counts.append(
            Case.objects.filter(w.case_scope(), created_at__gte=low, created_at__lt=high)
            .annotate(month=Value(len(months)))
            .values("month")
            .annotate(n=Count("pk"))
            .order_by()
        )
        months.append((year, month))
        year, month = year_after, month_after
    if not counts:
        return {}
    rows = counts[0].union(*counts[1:], all=True) if len(counts) > 1 else counts[0]
    return {months[r["month"]]: r["n"] for r in rows if r["n"]}


def trend(w: Window, counts: dict[tuple[int, int], int] | None = None) -> dict:
    """Cases received in each of the twelve months that end with the period's last month
    (the institution's months): one grouped query, or `counts` when the pack counted the
    months of all its windows at once."""
    if counts is None:
        counts = received_by_month(w, _trend_start(w), w.end)
    return {
        "months": [
            {"month": f"{y:04d}-{m:02d}", "received": counts.get((y, m), 0)}
            for y, m in _trend_months(w)
        ]
    }


def satisfaction(w: Window) -> dict:
    """The survey answers given in the period on the scope's cases and hall visits
    (mithaq.surveys): their count, and the share satisfied (4 or 5), the mean ease and the
    share resolved, each None when fewer than surveys.MIN_ANSWERS answers make it."""
    units = Q() if w.unit is None else Q(unit__path__startswith=w.unit.path)
    got = surveys.overall(surveys.answers_in(units, start=w.start, end=w.end))
    return {
        "available": True,
        "answers": got.count,
        "min_answers": surveys.MIN_ANSWERS,
        "satisfied_share": None if got.satisfied is None else round(got.satisfied, 4),
        "mean_ease": None if got.effort is None else round(got.effort, 2),
        "resolved_share": None if got.resolved is None else round(got.resolved, 4),
    }


def interviews(w: Window) -> dict:
    """Interviews with officials (mithaq.interviews) of the scope (the official's unit under
    it): requests received in the period; interviews whose slot fell in it, held and the
    citizen's no-shows; requests sent to a unit as a case, and decisions of a meeting opened
    as cases, in the period; interviews the officials recorded after the fact (their monthly
    records), by the day they were held. Held and no-show are final states: a past period's
    figures do not move."""
    scope = Q() if w.unit is None else Q(unit__path__startswith=w.unit.path)
    requests = InterviewRequest.objects.filter(scope)
    received = requests.filter(created_at__gte=w.start, created_at__lt=w.end).count()
    slots = requests.filter(
        booking__starts_at__gte=w.start, booking__starts_at__lt=w.end
    ).aggregate(
        held=Count("pk", filter=Q(state=RequestState.HELD)),
        no_shows=Count("pk", filter=Q(state=RequestState.NO_SHOW)),
    )
    referred = InterviewEvent.objects.filter(
        kind=InterviewEventKind.REFERRED,
        at__gte=w.start,
        at__lt=w.end,
        request__in=requests,
    ).count()
    decisions = Decision.objects.filter(
        case__created_at__gte=w.start, case__created_at__lt=w.end, request__in=requests
    ).count()
    first, last = w.period.first_day, w.period.last_day
    recorded = RecordedInterview.objects.filter(
        held_on__gte=first,
        held_on__lte=last,
        **({} if w.unit is None else {"record__unit__path__startswith": w.unit.path}),
    ).count()
    return {
        "available": True,
        "received": received,
        **slots,
        "no_show_share": ratio(slots["no_shows"], slots["held"] + slots["no_shows"]),
        "referred_as_cases": referred,
        "decisions_opened_as_cases": decisions,
        "recorded_after_the_fact": recorded,
    }


def field_visits(w: Window) -> dict:
    """Field visits (mithaq.interviews) to units of the scope, by their date in the period:
    visits, those scored, the average of their scored items (0 to 5), and their findings
    opened as cases."""
    visits = Visit.objects.filter(
        planned_for__gte=w.period.first_day, planned_for__lte=w.period.last_day
    )
    if w.unit is not None:
        visits = visits.filter(unit__path__startswith=w.unit.path)
    counts = visits.aggregate(
        visits=Count("pk"), scored=Count("pk", filter=Q(scored_at__isnull=False))
    )
    mean = VisitScore.objects.filter(visit__in=visits, score__isnull=False).aggregate(
        mean=Avg("score")
    )["mean"]
    return {
        "available": True,
        **counts,
        "average_score": None if mean is None else round(float(mean), 2),
        "findings": Finding.objects.filter(visit__in=visits).count(),
    }


def no_data_yet(w: Window) -> dict:
    """A section whose records are not kept yet: it says so, it never shows a number."""
    return {"available": False}


Section = Callable[[Window], dict]

# The pack's sections in their order. A section whose records are not kept is no_data_yet.
SECTIONS: dict[str, Section] = {
    "volume": volume,
    "received": received,
    "times": times,
    "compliance": compliance,
    "reentry": reentry,
    "hall": hall,
    "trend": trend,
    "satisfaction": satisfaction,
    "interviews": interviews,
    "field_visits": field_visits,
}


def compute(
    w: Window,
    *,
    counted: dict[int, dict[str, int]] | None = None,
    months: dict[tuple[int, int], int] | None = None,
    complied: dict | None = None,
    timed: dict | None = None,
    listed: bool = True,
) -> dict:
    """Every section over `w`; `counted`, `months`, `complied` and `timed`: its volume
    figures, the months' received cases, its compliance and its working times when already
    counted; without `listed`, the re-entry section keeps the count and not the list of
    cases (the pack shows the list for its own period only)."""
    figures: dict[str, Any] = {}
    for name, section in SECTIONS.items():
        if name == "volume":
            figures[name] = volume(w, counted)
        elif name == "trend":
            figures[name] = trend(w, months)
        elif name == "compliance" and complied is not None:
            figures[name] = complied
        elif name == "times" and timed is not None:
            figures[name] = timed
        elif name == "reentry" and not listed:
            figures[name] = {"missing": figures["volume"]["total"]["missing_external"]}
        else:
            figures[name] = section(w)
    return figures


def pack_figures(
    period: Period,
    unit: OrgUnit | None,
    *,
    now: datetime.datetime | None = None,
    calendar: Calendar | None = None,
) -> dict:
    """A pack's figures: the period's, beside the previous period's and those of the same
    period a year before (every figure of each, so any may be compared; the list of cases
    still to enter in the external system for the period itself only). The three windows'
    volumes are counted in one pass (caseflow), their compliance in one grouped query, their
    months' received cases in one query, their working times in another."""
    now = now or timezone.now()
    calendar = calendar or working.fresh_config().calendar
    windows = {
        "current": make_window(period, unit, now=now, calendar=calendar),
        "previous": make_window(period.previous(), unit, now=now, calendar=calendar),
        "year_before": make_window(period.year_before(), unit, now=now, calendar=calendar),
    }
    # The three windows' twelve months overlap: counted once, from the earliest.
    months = received_by_month(
        windows["current"],
        min(_trend_start(w) for w in windows.values()),
        max(w.end for w in windows.values()),
    )
    return {
        "period": period.key,
        "first_day": period.first_day.isoformat(),
        "last_day": period.last_day.isoformat(),
        "time_zone": calendar.time_zone,
        "unit": unit.code if unit is not None else None,
        "computed_at": now.isoformat(),
        **{
            name: compute(
                w,
                counted=counted,
                months=months,
                complied=complied,
                timed=timed,
                listed=name == "current",
            )
            for (name, w), counted, complied, timed in zip(
                windows.items(),
                caseflow.volumes([(w.start, w.end) for w in windows.values()], unit),
                compliance_of(list(windows.values())),
                times_of(list(windows.values())),
                strict=True,
            )
        },
    }
