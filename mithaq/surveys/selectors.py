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
from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mithaq.accounts.models import OrgUnit, User
from mithaq.cases.states import Channel, Kind
from mithaq.catalog.models import Service

from .models import FollowUp, SurveyAnswer
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


def all_breakdowns(answers: QuerySet[SurveyAnswer]) -> tuple[Figures, dict[str, list[Row]]]:
    """The overall figures and every dimension's rows (as `overall` and `breakdown` give
    them), from one reading of the answers. On PostgreSQL one query groups them by GROUPING
    SETS (one scan of the period's answers instead of six), then the services' and units'
    names are read for the ids found; elsewhere (SQLite) each is its own grouped query."""
    if connection.vendor != "postgresql":
        return overall(answers), {key: breakdown(answers, key) for key in DIMENSIONS}
    inner = (
        answers.annotate(month=TruncMonth("answered_at"))
        .values(*_KEYS.values(), "satisfaction", "effort", "resolved")
        .order_by()
    )
    inner_sql, params = inner.query.get_compiler(using=answers.db).as_sql()
    keys = list(_KEYS.values())
    satisfied = ", ".join(str(int(score)) for score in SATISFIED_SCORES)
    sql = (
        f"SELECT {', '.join(keys)}, GROUPING({', '.join(keys)}) AS level, COUNT(*) AS n, "  # noqa: S608 - column names from _KEYS, Django's own SQL
        f"COUNT(*) FILTER (WHERE satisfaction IN ({satisfied})) AS n_satisfied, "
        "AVG(effort) AS mean_effort, "
        "COUNT(*) FILTER (WHERE resolved = %s) AS n_resolved "
        f"FROM ({inner_sql}) AS answers "
        f"GROUP BY GROUPING SETS ({', '.join(f'({key})' for key in keys)}, ())"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, Resolved.YES.value))
        columns = [c.name for c in cursor.description]
        found = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    # GROUPING(...) has one bit per key, the first key highest; a bit is 1 where that key is
    # not grouped on: the rows of key i have every bit set but its own.
    full = (1 << len(keys)) - 1
    by_level = {full ^ (1 << (len(keys) - 1 - i)): dimension for i, dimension in enumerate(_KEYS)}
    grouped: dict[str, list[dict]] = {dimension: [] for dimension in _KEYS}
    total: dict = {"n": 0}
    for row in found:
        if row["level"] == full:
            total = row
        else:
            grouped[by_level[row["level"]]].append(row)
    services = {
        row["id"]: row
        for row in Service.objects.filter(
            pk__in=[r["service_id"] for r in grouped["service"] if r["service_id"]]
        ).values("id", "name_ar", "name_en")
    }
    units = {
        row["id"]: row
        for row in OrgUnit.objects.filter(pk__in=[r["unit_id"] for r in grouped["unit"]]).values(
            "id", "name_ar", "name_en", "path"
        )
    }
    for row in grouped["service"]:
        named = services.get(row["service_id"], {})
        row["service__name_ar"], row["service__name_en"] = (
            named.get("name_ar"),
            named.get("name_en"),
        )
    zone = timezone.get_current_timezone()
    for row in grouped["month"]:
        # The month as TruncMonth gives it: midnight of its first day, in the current zone.
        if row["month"] is not None and timezone.is_naive(row["month"]):
            row["month"] = timezone.make_aware(row["month"], zone)
    for row in grouped["unit"]:
        named = units[row["unit_id"]]
        row["unit__name_ar"], row["unit__name_en"] = named["name_ar"], named["name_en"]
        row["unit__path"] = named["path"]

    def steady(dimension: str, row: dict) -> tuple:
        # The order `breakdown` asks PostgreSQL for (NULLs last, as it sorts them).
        return tuple(
            (row[f] is None, row[f] if row[f] is not None else 0) for f in _GROUPS[dimension][1]
        )

    rows = {}
    for dimension, (_fields, _order, label) in _GROUPS.items():
        ordered = sorted(grouped[dimension], key=lambda row, d=dimension: steady(d, row))
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
