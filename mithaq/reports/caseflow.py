"""Which cases were open, received, carried over and completed in report windows, read from
the cases and their closing events in one set-based pass for several windows at once (a
pack's period, the previous period and the same period a year before).

A case's state at a moment is read from its events, not from its current state, so that a
past period's figures do not move when a case moves today: it was closed at a moment when
its last closing event before it is later than its last event taking it out of closed.
Each case's last such events before every bound of every window are one grouped pass over
the events (MAX(...) per bound), joined to the cases; the counts per unit are one GROUP BY
with a CASE per (window, figure). Before this, each case took five correlated subqueries
per window (39 s for a pack at 100,000 cases).
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction

from mithaq.accounts.models import OrgUnit
from mithaq.cases.models import Case, CaseEvent
from mithaq.cases.states import EventKind, State

FIELDS = (
    "received",
    "carried_over",
    "completed",
    "open_at_end",
    "reopened",
    "grievances",
    "entered_external",
    "missing_external",
)

# A citizen's grievance reopens the case as a reopening by staff does: both are "reopened";
# "grievances" counts the cases a citizen filed one on.
_REOPENING = (EventKind.REOPENED.value, EventKind.GRIEVANCE.value)


def _unit_ids(unit: OrgUnit | None) -> list[int] | None:
    if unit is None:
        return None
    return list(OrgUnit.objects.filter(path__startswith=unit.path).values_list("id", flat=True))


class _Sql:
    """Named parameters collected as the SQL is written (in any order)."""

    def __init__(self):
        self.params: dict[str, Any] = {}

    def p(self, value: Any) -> str:
        if isinstance(value, datetime.datetime):
            value = connection.ops.adapt_datetimefield_value(value)
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"%({name})s"

    def many(self, values: Sequence[Any]) -> str:
        return ", ".join(self.p(v) for v in values)


def _candidates(
    q: _Sql,
    windows: Sequence[tuple[datetime.datetime, datetime.datetime]],
    units: list[int] | None,
) -> str:
    """The cases that may count in any of the windows: not merged, received before its end,
    and not closed before its start and never since (those are neither carried over,
    received nor completed). Read from the index case_report_window (cases migration 0017)
    alone on PostgreSQL."""
    closed = q.p(State.CLOSED.value)
    any_window = " OR ".join(
        f"(c.created_at < {q.p(end)} AND (c.state <> {closed} OR c.closed_at IS NULL "
        f"OR c.closed_at >= {q.p(start)}))"
        for start, end in windows
    )
    sql = (
        f"SELECT c.id, c.unit_id, c.created_at, c.state, c.closed_at, c.external_reference, "  # noqa: S608
        f"c.code, c.kind FROM {Case._meta.db_table} c "
        f"WHERE c.merged_into_id IS NULL AND c.created_at < {q.p(max(e for _s, e in windows))} "
        f"AND ({any_window})"
    )
    if units is not None:
        sql += f" AND c.unit_id IN ({q.many(units) if units else 'NULL'})"
    return sql


def run_job_query(sql: str, params: dict | list) -> list[tuple]:
    """Run one report query. On PostgreSQL without JIT (compiling these wide CASE lists took
    9 of the pack's seconds at 1,000,000 cases, for a query run once) and with room to group
    the cases in memory: a job's query, never a page's."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)
        return cursor.fetchall()


def _closing_events(q: _Sql, moments: Sequence[datetime.datetime], extra: list[str]) -> str:
    """Per candidate case (`cand`), the last closing event and the last event leaving closed
    before each moment (closed_i, left_i), and the `extra` aggregate columns."""
    closed, empty = State.CLOSED.value, ""
    columns = []
    for i, moment in enumerate(moments):
        columns.append(
            f"MAX(CASE WHEN e.to_state = {q.p(closed)} AND e.at < {q.p(moment)} "
            f"THEN e.at END) AS closed_{i}"
        )
        columns.append(
            f"MAX(CASE WHEN e.from_state = {q.p(closed)} "
            f"AND e.to_state NOT IN ({q.p(empty)}, {q.p(closed)}) "
            f"AND e.at < {q.p(moment)} THEN e.at END) AS left_{i}"
        )
    columns.extend(extra)
    last = max(moments)
    return (
        f"SELECT e.case_id, {', '.join(columns)} FROM {CaseEvent._meta.db_table} e "  # noqa: S608
        # A join, not IN (SELECT id FROM cand): the candidates are cases, one row each, so
        # PostgreSQL need not make them distinct first (0.5 s of 2.4 at 1,000,000 cases).
        f"JOIN cand ON cand.id = e.case_id WHERE e.at < {q.p(last)} "
        f"AND (e.to_state = {q.p(closed)} OR e.from_state = {q.p(closed)} "
        f"OR e.kind IN ({q.many(_REOPENING)})) GROUP BY e.case_id"
    )


def _open_at(i: int) -> str:
    return f"(ev.closed_{i} IS NULL OR (ev.left_{i} IS NOT NULL AND ev.left_{i} > ev.closed_{i}))"


def volumes(
    windows: Sequence[tuple[datetime.datetime, datetime.datetime]], unit: OrgUnit | None
) -> list[dict[int, dict[str, int]]]:
    """For each (start, end) window, each unit's counts of FIELDS (the case's own unit;
    units with no case left out): one query for every window."""
    if not windows:
        return []
    moments = sorted({m for w in windows for m in w})
    index = {m: i for i, m in enumerate(moments)}
    q = _Sql()
    cand = _candidates(q, windows, _unit_ids(unit))
    extra = []
    for j, (start, end) in enumerate(windows):
        extra.append(
            f"MAX(CASE WHEN e.kind IN ({q.many(_REOPENING)}) AND e.at >= {q.p(start)} "
            f"AND e.at < {q.p(end)} THEN 1 ELSE 0 END) AS reopened_{j}"
        )
        extra.append(
            f"MAX(CASE WHEN e.kind = {q.p(EventKind.GRIEVANCE.value)} AND e.at >= {q.p(start)} "
            f"AND e.at < {q.p(end)} THEN 1 ELSE 0 END) AS grievance_{j}"
        )
    events = _closing_events(q, moments, extra)
    sums: list[str] = []
    for j, (start, end) in enumerate(windows):
        s, e = index[start], index[end]
        inside = (
            f"t.created_at < {q.p(end)} AND (t.state <> {q.p(State.CLOSED.value)} "
            f"OR t.closed_at IS NULL OR t.closed_at >= {q.p(start)})"
        )
        completed = f"ev.closed_{e} >= {q.p(start)} AND NOT {_open_at(e)}"
        conditions = {
            "received": f"t.created_at >= {q.p(start)}",
            "carried_over": f"t.created_at < {q.p(start)} AND {_open_at(s)}",
            "completed": completed,
            "open_at_end": _open_at(e),
            "reopened": f"ev.reopened_{j} = 1",
            "grievances": f"ev.grievance_{j} = 1",
            "entered_external": f"{completed} AND t.external_reference <> {q.p('')}",
            "missing_external": f"{completed} AND t.external_reference = {q.p('')}",
        }
        sums.extend(
            f"SUM(CASE WHEN {inside} AND {condition} THEN 1 ELSE 0 END)"
            for condition in conditions.values()
        )
    sql = (
        f"WITH cand AS ({cand}), ev AS ({events}) "  # noqa: S608 (values are parameters)
        f"SELECT t.unit_id, {', '.join(sums)} FROM cand t "
        "LEFT JOIN ev ON ev.case_id = t.id GROUP BY t.unit_id"
    )
    rows = run_job_query(sql, q.params)
    result: list[dict[int, dict[str, int]]] = [{} for _ in windows]
    width = len(FIELDS)
    for row in rows:
        for j in range(len(windows)):
            got = row[1 + j * width : 1 + (j + 1) * width]
            if any(got):
                result[j][row[0]] = {f: int(v or 0) for f, v in zip(FIELDS, got, strict=True)}
    return result


def completed_without_reference(
    start: datetime.datetime, end: datetime.datetime, unit: OrgUnit | None
) -> list[tuple]:
    """The cases completed in the window (closed at its end by a closing inside it) with no
    reference in the external government system: (code, kind, unit code, unit names, when
    last closed), by when they were closed and their reference. One query.

    Such a case has a closing event inside the window, so the candidates are the cases of
    the window's closing events (the index event_closed_at, cases migration 0019), not
    every case open or closed since the window began (a second pass over 300,000 cases at
    1,000,000, 2.4 s of the pack's figures)."""
    q = _Sql()
    closed = q.p(State.CLOSED.value)
    units = _unit_ids(unit)
    cand = (
        f"SELECT c.id, c.unit_id, c.code, c.kind FROM {Case._meta.db_table} c "  # noqa: S608
        f"WHERE c.merged_into_id IS NULL AND c.external_reference = {q.p('')} "
        f"AND c.created_at < {q.p(end)} "
        f"AND c.id IN (SELECT k.case_id FROM {CaseEvent._meta.db_table} k "
        f"WHERE k.to_state = {closed} AND k.at >= {q.p(start)} AND k.at < {q.p(end)})"
    )
    if units is not None:
        cand += f" AND c.unit_id IN ({q.many(units) if units else 'NULL'})"
    events = _closing_events(q, [end], [])
    sql = (
        f"WITH cand AS ({cand}), ev AS ({events}) "  # noqa: S608
        f"SELECT t.code, t.kind, u.code, u.name_ar, u.name_en, ev.closed_0 FROM cand t "
        f"JOIN ev ON ev.case_id = t.id JOIN {OrgUnit._meta.db_table} u ON u.id = t.unit_id "
        f"WHERE ev.closed_0 >= {q.p(start)} AND NOT {_open_at(0)} "
        "ORDER BY ev.closed_0, t.code"
    )
    return run_job_query(sql, q.params)
