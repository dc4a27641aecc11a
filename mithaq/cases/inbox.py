"""The inbox's rows, rendered in one pass.

The inbox is the page staff read all day, over a million cases; Django's template engine
costs about as much per row as the whole query. So the rows are plain dicts from one query
(`CaseQuerySet.inbox_rows`) and their HTML is put together here, every value escaped. The
page around them (`cases/staff/inbox.html`, `_inbox_results.html`) stays a template."""

from functools import lru_cache
from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from mithaq.routing import calendar as working
from mithaq.routing.display import deadline_view

from .states import OPEN_STATES, Channel, Kind, State


def _assignee_name(row) -> str:
    if not row["assignee_id"]:
        return "—"
    full = " ".join(p for p in (row["assignee__first_name"], row["assignee__last_name"]) if p)
    return row["assignee__full_name"] or full or row["assignee__username"]


_LABELS: dict[str, dict] = {}


def _labels() -> dict:
    """The escaped labels of states, kinds and channels in the current language."""
    language = get_language() or "ar"
    if language not in _LABELS:
        _LABELS[language] = {
            name: {value: escape(str(label)) for value, label in choices}
            for name, choices in (
                ("state", State.choices),
                ("kind", Kind.choices),
                ("channel", Channel.choices),
            )
        } | {"urgent": escape(gettext("Urgent"))}
    return _LABELS[language]


def _label(labels: dict, value: str) -> str:
    """The escaped label of `value`, or the value itself (escaped) when the table lacks it: a
    kind, state or channel added to the data before its label must not take the inbox down."""
    return labels.get(value) or escape(value)


@lru_cache(maxsize=4096)
def _short_date(day, language: str) -> str:
    # A page's rows are mostly from a few days, and so are the next pages': each day is
    # formatted once per language and process (date_format reads the active language).
    return escape(date_format(day, get_format("SHORT_DATE_FORMAT")))


def render_rows(rows, *, now, pick: bool = False) -> SafeString:
    """The <tr> elements of the inbox table for `rows` (dicts from `inbox_rows()`); with
    `pick`, each starts with a box that selects it for a bulk action (mithaq.search)."""
    labels = _labels()
    language = get_language() or "ar"
    unit_name = "unit__name_ar" if language.startswith("ar") else "unit__name_en"
    case_url = reverse("cases:detail", args=["CODE"]).replace("CODE", "{}")
    calendar = working.active_calendar()
    urgent = labels["urgent"]
    select_label = gettext("Select %(code)s")

    zone = timezone.get_current_timezone()

    def day(moment) -> str:
        return _short_date(moment.astimezone(zone).date(), language)

    out = []
    for row in rows:
        url = escape(case_url.format(row["code"]))
        badges = ""
        if row["is_urgent"]:
            badges += f' <span class="badge badge-urgent">{urgent}</span>'
        if row["is_collective"]:
            n = row["head_count"]
            people = ngettext("%(n)s person", "%(n)s people", n) % {"n": n}
            badges += f' <span class="badge">{escape(people)}</span>'
        clock = None
        if row["state"] in OPEN_STATES:
            clock = deadline_view(row["deadline__due_at"], row["deadline__paused"], now, calendar)
        # The date and the countdown come from one clock: the next unmet target's, while one
        # runs (before, a resolution date stood beside the acknowledgement's countdown); the
        # date the citizen was given otherwise.
        shown = row["deadline__due_at"] if clock and clock["status"] != "paused" else row["due_at"]
        clock_cell = f"<bdi>{day(shown)}</bdi>" if shown else ""
        overdue = ""
        if clock is not None:
            overdue = " overdue" if clock["status"] == "overdue" else ""
            muted = " muted" if clock["status"] == "paused" else ""
            clock_cell += f'<br><span class="small{muted}">{escape(clock["text"])}</span>'
        box = ""
        if pick:
            code = escape(row["code"])
            box = (
                f'<td class="pick"><input type="checkbox" name="bulk-cases" value="{code}" '
                f'form="bulk-form" aria-label="{escape(select_label % {"code": row["code"]})}">'
                "</td>"
            )
        out.append(
            f"<tr>{box}"
            f'<td class="nowrap"><a class="code" href="{url}"><bdi>{escape(row["code"])}</bdi></a></td>'
            f'<td><a class="case-row-subject" href="{url}">{escape(row["subject"])}</a>{badges}'
            f'<div class="muted small">{_label(labels["kind"], row["kind"])} · '
            f"{_label(labels['channel'], row['channel'])}</div></td>"
            f'<td class="nowrap"><span class="badge state-{escape(row["state"])}">'
            f"{_label(labels['state'], row['state'])}</span></td>"
            f"<td>{escape(row[unit_name] or row['unit__name_ar'])}</td>"
            f"<td>{escape(_assignee_name(row))}</td>"
            f'<td class="date-cell"><bdi>{day(row["created_at"])}</bdi></td>'
            f'<td class="date-cell clock-cell{overdue}">{clock_cell}</td>'
            "</tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped
