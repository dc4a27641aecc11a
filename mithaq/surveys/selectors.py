"""Reads of the survey answers: the figures (share satisfied, ease, resolution rate) of a
period, overall and by service, unit, channel, kind and month, with their counts.

For improvement, not punishment: a figure is given only when at least MIN_ANSWERS answers
make it (a unit's, a service's, a month's, a person's alike); below that only the count.
Nothing here ranks people: a person's figures are read for that person alone (own_figures).
`satisfaction_figures` is what the report packs call."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Avg, Count, DateField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models import Case as DbCase
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mithaq.accounts.models import OrgUnit, User
from mithaq.cases.states import Channel, Kind
from mithaq.catalog.models import Service

from .models import FollowUp, MonthlyFigures, SurveyAnswer
from .states import HALL_CHANNEL, SATISFIED_SCORES, Resolved

MIN_ANSWERS = 5

DIMENSIONS = {
    "service": _("By service"),
    "unit": _("By unit"),
    "channel": _("By channel"),
    "kind": _("By kind"),
    "month": _("By month"),
}


@dataclass(frozen=True)
class Figures:
    """A group's figures; None each when fewer than MIN_ANSWERS answers make them."""

    count: int
    satisfied: float | None = None  # share of 4 and 5, from 0 to 1
    effort: float | None = None  # mean ease, from 1 to 5
    resolved: float | None = None  # share answering "yes", from 0 to 1

    @property
    def shown(self) -> bool:
        return self.count >= MIN_ANSWERS


def _totals() -> dict[str, Any]:
    return {
        "n": Count("id"),
        "n_satisfied": Count("id", filter=Q(satisfaction__in=SATISFIED_SCORES)),
        "mean_effort": Avg("effort"),
        "n_resolved": Count("id", filter=Q(resolved=Resolved.YES)),
    }


def _figures(row: dict) -> Figures:
    count = row["n"] or 0
    if count < MIN_ANSWERS:
        return Figures(count=count)
    return Figures(
        count=count,
        satisfied=row["n_satisfied"] / count,
        effort=float(row["mean_effort"]),
        resolved=row["n_resolved"] / count,
    )


def answers_in(
    units: Q, *, start: datetime.datetime, end: datetime.datetime
) -> QuerySet[SurveyAnswer]:
    """The answers given in [start, end) on the units `units` (a filter over `unit`)."""
    return SurveyAnswer.objects.filter(units, answered_at__gte=start, answered_at__lt=end)


def overall(answers: QuerySet[SurveyAnswer]) -> Figures:
    return _figures(answers.aggregate(**_totals()))


@dataclass(frozen=True)
class Row:
    label: Any
    figures: Figures


def _channel_label(value: str) -> Any:
    return _("Walk-in hall") if value == HALL_CHANNEL else Channel(value).label


def _kind_label(value: str) -> Any:
    return _("Hall visit") if not value else Kind(value).label


def _named(prefix: str) -> Callable[[dict], Any]:
    def label(row: dict) -> Any:
        if row[f"{prefix}_id"] is None:
            return _("No service")
        arabic = (get_language() or "ar").startswith("ar")
        return row[f"{prefix}__name_ar"] if arabic else row[f"{prefix}__name_en"]

    return label


# Each dimension: the values it groups by, their order, and a row's label.
_GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...], Callable[[dict], Any]]] = {
    "service": (
        ("service_id", "service__name_ar", "service__name_en"),
        ("service__name_en", "service_id"),
        _named("service"),
    ),
    "unit": (
        ("unit_id", "unit__name_ar", "unit__name_en", "unit__path"),
        ("unit__path",),
        _named("unit"),
    ),
    "channel": (("channel",), ("channel",), lambda r: _channel_label(r["channel"])),
    "kind": (("kind",), ("kind",), lambda r: _kind_label(r["kind"])),
    "month": (("month",), ("month",), lambda r: r["month"]),
}


def breakdown(answers: QuerySet[SurveyAnswer], dimension: str) -> list[Row]:
    """One row per value of `dimension` (a key of DIMENSIONS), in a steady order: one
    grouped query. (The results page reads every dimension at once: all_breakdowns.)"""
    fields, order, label = _GROUPS[dimension]
    if dimension == "month":
        answers = answers.annotate(month=TruncMonth("answered_at"))
    rows: Iterable[dict[str, Any]] = answers.values(*fields).annotate(**_totals()).order_by(*order)
    return [Row(label(row), _figures(row)) for row in rows]


# The columns each dimension groups by in all_breakdowns' one query.
_KEYS = {
    "service": "service_id",
    "unit": "unit_id",
    "channel": "channel",
    "kind": "kind",
    "month": "month",
}


def _whole_months(
    start: datetime.datetime, end: datetime.datetime
) -> tuple[datetime.date, datetime.date] | None:
    """The first days of the first whole month in [start, end) and of the month after the
    last one, in the current zone; None when the period holds no whole month."""
    zone = timezone.get_current_timezone()
    first, last = timezone.localtime(start, zone), timezone.localtime(end, zone)
    begin = first.date().replace(day=1)
    if first != datetime.datetime.combine(begin, datetime.time.min, tzinfo=zone):
        begin = (begin + datetime.timedelta(days=31)).replace(day=1)
    stop = last.date().replace(day=1)
    return (begin, stop) if begin < stop else None


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, tuple(params)


_COLUMNS = "service_id, unit_id, channel, kind, month, n, n_satisfied, sum_effort, n_resolved"


def _edge(answers: QuerySet[SurveyAnswer], one: Value) -> tuple[str, tuple]:
    """Answers as rows of the monthly table's columns, one answer each."""
    return _sql(
        answers.annotate(
            month=TruncMonth("answered_at", output_field=DateField()),
            n=one,
            n_satisfied=DbCase(
                When(satisfaction__in=SATISFIED_SCORES, then=one),
                default=Value(0),
                output_field=IntegerField(),
            ),
            sum_effort=F("effort"),
            n_resolved=DbCase(
                When(resolved=Resolved.YES, then=one), default=Value(0), output_field=IntegerField()
            ),
        )
        .values(*_COLUMNS.split(", "))
        .order_by()
    )


def all_breakdowns(
    units: Q, *, start: datetime.datetime, end: datetime.datetime
) -> tuple[Figures, dict[str, list[Row]]]:
    """The overall figures and every dimension's rows of the answers given in [start, end)
    on `units` (as `overall` and `breakdown` give them).

    On PostgreSQL one query: the whole months of the period from MonthlyFigures (kept by a
    trigger on the answers, docs/decisions/0015-satisfaction-figures.md), the days at
    either end from the answers, grouped by GROUPING SETS; then the services' and units'
    names for the ids found. Elsewhere (SQLite) each is its own grouped query."""
    if connection.vendor != "postgresql":
        answers = answers_in(units, start=start, end=end)
        return overall(answers), {key: breakdown(answers, key) for key in DIMENSIONS}
    zone = timezone.get_current_timezone()
    months = _whole_months(start, end)
    # The days before the first whole month and after the last, each its own range (two
    # plain ranges are estimated right: one range with an OR was taken for 70 times its
    # rows, and the plan's cost then paid for PostgreSQL's JIT, a hundred milliseconds).
    edges = [(start, end)]
    if months is not None:
        begin, stop = (datetime.datetime.combine(d, datetime.time.min, tzinfo=zone) for d in months)
        edges = [(start, begin), (stop, end)]
    one = Value(1, output_field=IntegerField())
    parts: list[str] = []
    params: tuple = ()
    for since, until in edges:
        if since >= until:
            continue
        raw = _edge(answers_in(units, start=since, end=until), one)
        # Each answer of the edges counts once for each dimension, as the monthly rows do.
        parts.append(
            "SELECT d.by, d.service_id, e.unit_id, d.channel, d.kind, e.month, e.n, "  # noqa: S608 - Django's own SQL
            "e.n_satisfied, e.sum_effort, e.n_resolved "
            f"FROM ({raw[0]}) AS e CROSS JOIN LATERAL (VALUES ('service', e.service_id, '', ''), "
            "('channel', NULL, e.channel, ''), ('kind', NULL, '', e.kind)) "
            "AS d (by, service_id, channel, kind)"
        )
        params += raw[1]
    if months is not None:
        summed = _sql(
            MonthlyFigures.objects.filter(units, month__gte=months[0], month__lt=months[1])
            .values("by", *_COLUMNS.split(", "))
            .order_by()
        )
        parts.append(f"SELECT by, {_COLUMNS} FROM ({summed[0]}) AS whole")  # noqa: S608
        params += summed[1]
    if not parts:
        return _figures({"n": 0}), {dimension: [] for dimension in DIMENSIONS}
    keys = list(_KEYS.values())
    # Each dimension grouped over its own rows only (the service, channel and kind sums);
    # unit, month and the whole over the channel rows (every answer has one channel).
    # GROUPING(channel, unit_id, month) has a bit set for each one not grouped on.
    which = (
        "CASE GROUPING(channel, unit_id, month) WHEN 3 THEN 'channel' WHEN 5 THEN 'unit' "
        "WHEN 6 THEN 'month' ELSE 'total' END"
    )
    branches = {
        "service": ("'service'", "(service_id)", {"service_id"}),
        "kind": ("'kind'", "(kind)", {"kind"}),
        "channel": (which, "(channel), (unit_id), (month), ()", {"channel", "unit_id", "month"}),
    }
    nothing = {
        "service_id": "NULL::bigint",
        "unit_id": "NULL::bigint",
        "channel": "NULL::varchar",
        "kind": "NULL::varchar",
        "month": "NULL::date",
    }
    sums = (
        "SUM(n) AS n, SUM(n_satisfied) AS n_satisfied, "
        "SUM(sum_effort)::numeric / SUM(n) AS mean_effort, SUM(n_resolved) AS n_resolved"
    )
    sql = (
        f"WITH answers AS MATERIALIZED ({' UNION ALL '.join(parts)}) "  # noqa: S608 - Django's own SQL, names from _KEYS
        + " UNION ALL ".join(  # noqa: S608 - Django's own SQL
            f"SELECT {dim} AS dim, "  # noqa: S608 - names from _KEYS
            + ", ".join(key if key in used else f"{nothing[key]} AS {key}" for key in keys)
            + f", {sums} FROM answers "
            f"WHERE by = '{by}' GROUP BY GROUPING SETS ({grouping}) HAVING SUM(n) > 0"
            for by, (dim, grouping, used) in branches.items()
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [c.name for c in cursor.description]
        found = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    grouped: dict[str, list[dict]] = {dimension: [] for dimension in _KEYS}
    total: dict = {"n": 0}
    for row in found:
        if row["dim"] == "total":
            total = row
        else:
            grouped[row["dim"]].append(row)
    # Names, and the order breakdown() gives (the database's collation), for the ids found.
    service_rows: dict[int, tuple[int, Any]] = {
        row["id"]: (rank, row)
        for rank, row in enumerate(
            Service.objects.filter(
                pk__in=[r["service_id"] for r in grouped["service"] if r["service_id"]]
            )
            .order_by("name_en", "id")
            .values("id", "name_ar", "name_en")
        )
    }
    unit_rows: dict[int, tuple[int, Any]] = {
        row["id"]: (rank, row)
        for rank, row in enumerate(
            OrgUnit.objects.filter(pk__in=[r["unit_id"] for r in grouped["unit"]])
            .order_by("path")
            .values("id", "name_ar", "name_en", "path")
        )
    }
    last = len(service_rows)
    for row in grouped["service"]:
        rank, named = service_rows.get(row["service_id"], (last, {}))  # no service: last
        row["service__name_ar"], row["service__name_en"] = (
            named.get("name_ar"),
            named.get("name_en"),
        )
        row["rank"] = rank
    for row in grouped["unit"]:
        rank, named = unit_rows[row["unit_id"]]
        row["unit__name_ar"], row["unit__name_en"] = named["name_ar"], named["name_en"]
        row["rank"] = rank
    for row in grouped["month"]:
        # The month as TruncMonth gives it: midnight of its first day, in the current zone.
        row["month"] = datetime.datetime.combine(row["month"], datetime.time.min, tzinfo=zone)
        row["rank"] = row["month"]
    for dimension in ("channel", "kind"):
        for row in grouped[dimension]:
            row["rank"] = row[dimension]  # plain codes: the same order anywhere

    rows = {}
    for dimension, (_fields, _order, label) in _GROUPS.items():
        ordered = sorted(grouped[dimension], key=lambda row: row["rank"])
        rows[dimension] = [Row(label(row), _figures(row)) for row in ordered]
    return _figures(total), rows


def satisfaction_figures(
    *, unit: OrgUnit, start: datetime.datetime, end: datetime.datetime
) -> Figures:
    """The figures of `unit` and every unit under it for answers given in [start, end):
    the report packs' satisfaction section. Figures are None below MIN_ANSWERS answers."""
    return overall(answers_in(Q(unit__path__startswith=unit.path), start=start, end=end))


def own_figures(user: User, *, start: datetime.datetime, end: datetime.datetime) -> Figures:
    """The figures of the cases `user` was assigned: shown to that person alone."""
    return overall(
        SurveyAnswer.objects.filter(person=user, answered_at__gte=start, answered_at__lt=end)
    )


def comments(units: Q, *, include_hidden: bool) -> QuerySet[SurveyAnswer]:
    """Answers with a comment on `units`, newest first; hidden ones only for moderators."""
    found = SurveyAnswer.objects.filter(units).exclude(comment="").select_related("unit")
    if not include_hidden:
        found = found.filter(comment_hidden=False)
    return found.order_by("-answered_at", "-id")


def follow_ups(units: Q, *, done: bool = False) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.filter(units, done_at__isnull=not done)
        .select_related("unit", "answer__case", "answer__ticket")
        .order_by("-created_at", "-id")
    )
