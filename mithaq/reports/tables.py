"""A pack's figures as the tables a reader sees, in the active language: the PDF, the
spreadsheet and the pages all show these, so they say the same."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from mithaq.cases.states import Channel, Kind
from mithaq.routing.models import Target
from mithaq.walkin.states import Face


@dataclass
class Column:
    label: str
    # text, int, num (two decimals), pct (a share), date
    format: str = "int"


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    # Indentation of each row's first cell (units beneath their college), when it has one.
    depths: list[int] = field(default_factory=list)
    note: str = ""
    # A row whose figures read in another format than their columns' (index: format).
    row_formats: dict[int, str] = field(default_factory=dict)

    def format_of(self, row: int, column: int) -> str:
        if column > 0 and row in self.row_formats:
            return self.row_formats[row]
        return self.columns[column].format


def _unit_name(row: dict) -> str:
    return row["name_ar"] if (get_language() or "ar").startswith("ar") else row["name_en"]


def _comparison(label: str, _fmt: str, get, figures: dict) -> list[Any]:
    return [label, *(get(figures[w]) for w in ("current", "previous", "year_before"))]


def _compare_columns(first: str, fmt: str = "int") -> list[Column]:
    return [
        Column(first, "text"),
        Column(_("This period"), fmt),
        Column(_("Previous period"), fmt),
        Column(_("Same period last year"), fmt),
    ]


def summary(f: dict) -> Table:
    rows = [
        (_("Received in the period"), lambda w: w["volume"]["total"]["received"]),
        (_("Carried over"), lambda w: w["volume"]["total"]["carried_over"]),
        (_("Completed"), lambda w: w["volume"]["total"]["completed"]),
        (_("Open at the end"), lambda w: w["volume"]["total"]["open_at_end"]),
        (_("Reopened cases"), lambda w: w["volume"]["total"]["reopened"]),
        # Packs frozen before grievances were counted apart have no such figure.
        (_("Grievances filed by citizens"), lambda w: w["volume"]["total"].get("grievances")),
        (_("Urgent appeals"), lambda w: w["received"]["urgent"]),
        (_("Collective cases"), lambda w: w["received"]["collective"]),
        (_("People in collective cases"), lambda w: w["received"]["collective_head_count"]),
        (_("Entered in the external system"), lambda w: w["volume"]["total"]["entered_external"]),
        (_("Still to enter"), lambda w: w["volume"]["total"]["missing_external"]),
    ]
    table = Table("summary", _("Cases at a glance"), _compare_columns(_("Figure")))
    table.rows = [_comparison(label, "int", get, f) for label, get in rows]
    table.row_formats[len(table.rows)] = "pct"
    table.rows.append(
        _comparison(
            _("Completion index"), "pct", lambda w: w["volume"]["total"]["completion_index"], f
        )
    )
    return table


def by_kind_and_channel(f: dict) -> Table:
    got = f["current"]["received"]
    channels = [c for c in Channel.values if got["by_channel"][c]] or Channel.values[:1]
    table = Table(
        "kind_channel",
        _("Cases received by kind and channel"),
        [
            Column(_("Kind"), "text"),
            *(Column(str(Channel(c).label)) for c in channels),
            Column(_("Total")),
        ],
    )
    for kind in Kind.values:
        row = got["kind_channel"][kind]
        table.rows.append(
            [str(Kind(kind).label), *(row[c] for c in channels), got["by_kind"][kind]]
        )
    table.rows.append([_("Total"), *(got["by_channel"][c] for c in channels), got["total"]])
    return table


def by_unit(f: dict) -> Table:
    table = Table(
        "units",
        _("Cases by unit"),
        [
            Column(_("Unit"), "text"),
            Column(_("Received in the period")),
            Column(_("Carried over")),
            Column(_("Completed")),
            Column(_("Open at the end")),
            Column(_("Completion index"), "pct"),
        ],
    )
    for row in f["current"]["volume"]["units"]:
        s = row["subtree"]
        table.rows.append(
            [
                _unit_name(row),
                s["received"],
                s["carried_over"],
                s["completed"],
                s["open_at_end"],
                s["completion_index"],
            ]
        )
        table.depths.append(row["depth"])
    return table


def target_label(target: str) -> str:
    return str(Target(target).label)


def times(f: dict) -> Table:
    table = Table(
        "times",
        _("Working days to each target"),
        [
            Column(_("Target"), "text"),
            Column(_("Cases")),
            Column(_("Median"), "num"),
            Column(_("90th percentile"), "num"),
            Column(_("Median, previous period"), "num"),
            Column(_("Median, same period last year"), "num"),
        ],
    )
    for target, got in f["current"]["times"].items():
        table.rows.append(
            [
                target_label(target),
                got["count"],
                got["median"],
                got["p90"],
                f["previous"]["times"][target]["median"],
                f["year_before"]["times"][target]["median"],
            ]
        )
    return table


def _compliance_columns(first: str) -> list[Column]:
    return [
        Column(first, "text"),
        Column(_("Met on time")),
        Column(_("Met late")),
        Column(_("Open and past due")),
        Column(_("Share met on time"), "pct"),
    ]


def compliance_by_target(f: dict) -> Table:
    table = Table(
        "compliance",
        _("The charter's compliance per target"),
        [
            *_compliance_columns(_("Target")),
            Column(_("Previous period"), "pct"),
            Column(_("Same period last year"), "pct"),
        ],
    )
    for target, got in f["current"]["compliance"]["by_target"].items():
        if not (got["on_time"] or got["late"] or got["past_due"]):
            continue
        table.rows.append(
            [
                target_label(target),
                got["on_time"],
                got["late"],
                got["past_due"],
                got["rate"],
                f["previous"]["compliance"]["by_target"][target]["rate"],
                f["year_before"]["compliance"]["by_target"][target]["rate"],
            ]
        )
    total = f["current"]["compliance"]["total"]
    table.rows.append(
        [
            _("All targets"),
            total["on_time"],
            total["late"],
            total["past_due"],
            total["rate"],
            f["previous"]["compliance"]["total"]["rate"],
            f["year_before"]["compliance"]["total"]["rate"],
        ]
    )
    return table


def compliance_by_unit(f: dict) -> Table:
    table = Table("compliance_units", _("Compliance per unit"), _compliance_columns(_("Unit")))
    for row in f["current"]["compliance"]["units"]:
        s = row["subtree"]
        table.rows.append([_unit_name(row), s["on_time"], s["late"], s["past_due"], s["rate"]])
        table.depths.append(row["depth"])
    return table


def reentry(f: dict) -> Table:
    got = f["current"]["reentry"]
    table = Table(
        "reentry",
        _("Closed cases still to enter in the external system"),
        [
            Column(_("Reference"), "text"),
            Column(_("Kind"), "text"),
            Column(_("Unit"), "text"),
            Column(_("Closed on"), "date"),
        ],
    )
    arabic = (get_language() or "ar").startswith("ar")
    for case in got["cases"]:
        table.rows.append(
            [
                case["code"],
                str(Kind(case["kind"]).label),
                case["unit_name_ar"] if arabic else case["unit_name_en"],
                datetime.date.fromisoformat(case["closed_on"]),
            ]
        )
    if not table.rows:
        table.note = _("Every case closed in the period is entered.")
    return table


# The PDF and the pack's page list at most this many cases still to enter; the workbook
# lists every one (at a large office that list runs to thousands: 96 PDF pages at 3,352).
LISTED_ROWS = 100


def shortened(table: Table, limit: int | None = None) -> Table:
    """`table` with at most `limit` (LISTED_ROWS) rows of a case list, saying how many it
    leaves out."""
    limit = LISTED_ROWS if limit is None else limit
    if table.key != "reentry" or len(table.rows) <= limit:
        return table
    total = len(table.rows)
    note = ngettext(
        "The first %(shown)s of %(n)s case; the workbook lists them all.",
        "The first %(shown)s of %(n)s cases; the workbook lists them all.",
        total,
    ) % {"shown": limit, "n": total}
    return Table(table.key, table.title, table.columns, table.rows[:limit], note=note)


def hall(f: dict) -> Table:
    table = Table("hall", _("The walk-in hall"), _compare_columns(_("Figure"), "num"))
    rows = [
        (_("Tickets"), lambda w: w["hall"]["tickets"]),
        (_("Served"), lambda w: w["hall"]["served"]),
        (_("Did not come"), lambda w: w["hall"]["no_shows"]),
        (_("Wait in minutes, median"), lambda w: w["hall"]["wait_minutes"]["median"]),
        (_("Wait in minutes, 90th percentile"), lambda w: w["hall"]["wait_minutes"]["p90"]),
        (_("Share called within the target wait"), lambda w: w["hall"]["within_target_share"]),
        (_("Share of the priority window"), lambda w: w["hall"]["priority_share"]),
        *(
            (str(Face(face).label), lambda w, face=face: w["hall"]["ratings"][face])
            for face in Face.values
        ),
    ]
    table.rows = [_comparison(label, "num", get, f) for label, get in rows]
    table.row_formats = {
        0: "int",
        1: "int",
        2: "int",
        5: "pct",
        6: "pct",
        7: "int",
        8: "int",
        9: "int",
    }
    return table


def interviews(f: dict) -> Table | None:
    if f["current"].get("interviews", {}).get("available") is not True:
        return None
    table = Table("interviews", _("Interviews"), _compare_columns(_("Figure")))
    rows = [
        (_("Requests received"), lambda w: w["interviews"]["received"]),
        (_("Interviews held"), lambda w: w["interviews"]["held"]),
        (_("The citizen did not come"), lambda w: w["interviews"]["no_shows"]),
        (_("Share of no-shows"), lambda w: w["interviews"]["no_show_share"]),
        (_("Requests sent to a unit as a case"), lambda w: w["interviews"]["referred_as_cases"]),
        (
            _("Meeting decisions opened as cases"),
            lambda w: w["interviews"]["decisions_opened_as_cases"],
        ),
        (
            _("Interviews recorded after the fact"),
            lambda w: w["interviews"]["recorded_after_the_fact"],
        ),
    ]
    table.rows = [_comparison(label, "int", get, f) for label, get in rows]
    table.row_formats = {3: "pct"}
    return table


def field_visits(f: dict) -> Table | None:
    if f["current"].get("field_visits", {}).get("available") is not True:
        return None
    table = Table("field_visits", _("Field visits"), _compare_columns(_("Figure")))
    rows = [
        (_("Visits"), lambda w: w["field_visits"]["visits"]),
        (_("Visits scored"), lambda w: w["field_visits"]["scored"]),
        (_("Average score (0 to 5)"), lambda w: w["field_visits"]["average_score"]),
        (_("Findings opened as cases"), lambda w: w["field_visits"]["findings"]),
    ]
    table.rows = [_comparison(label, "int", get, f) for label, get in rows]
    table.row_formats = {2: "num"}
    return table


def satisfaction(f: dict) -> Table:
    """The survey's figures beside the previous period and the year before; a figure made
    by fewer than the survey's minimum of answers is left blank (for improvement, not
    punishment: mithaq.surveys)."""
    table = Table("satisfaction", _("Satisfaction"), _compare_columns(_("Figure"), "num"))
    rows = [
        (_("Answers"), lambda w: w["satisfaction"]["answers"]),
        (_("Share satisfied (4 or 5 of 5)"), lambda w: w["satisfaction"]["satisfied_share"]),
        (_("Ease, mean of 1 to 5"), lambda w: w["satisfaction"]["mean_ease"]),
        (_("Share resolved"), lambda w: w["satisfaction"]["resolved_share"]),
    ]
    table.rows = [_comparison(label, "num", get, f) for label, get in rows]
    table.row_formats = {0: "int", 1: "pct", 3: "pct"}
    minimum = f["current"]["satisfaction"]["min_answers"]
    table.note = ngettext(
        "A figure is shown only where at least %(n)s answer makes it.",
        "A figure is shown only where at least %(n)s answers make it.",
        minimum,
    ) % {"n": minimum}
    return table


_PENDING = {
    # Packs built before these sections were wired kept them as "no data".
    "satisfaction": lambda: _("Satisfaction"),
    "interviews": lambda: _("Interviews"),
    "field_visits": lambda: _("Field visits"),
}


def pending(f: dict) -> list[Table]:
    """A section whose records are not kept yet says so; it never shows a number."""
    return [
        Table(
            key,
            title(),
            [],
            note=_("No data yet: Mithaq does not record this yet."),
        )
        for key, title in _PENDING.items()
        if f["current"].get(key, {}).get("available") is False
    ]


def pack_tables(f: dict) -> list[Table]:
    return [
        summary(f),
        by_kind_and_channel(f),
        by_unit(f),
        times(f),
        compliance_by_target(f),
        compliance_by_unit(f),
        reentry(f),
        hall(f),
        *(
            table
            for key, build in (
                ("satisfaction", satisfaction),
                ("interviews", interviews),
                ("field_visits", field_visits),
            )
            if f["current"].get(key, {}).get("available") and (table := build(f)) is not None
        ),
        *pending(f),
    ]
