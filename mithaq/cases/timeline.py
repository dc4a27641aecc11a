"""A case's timeline on the staff case page, read in one query and rendered in one pass.

Every staff member opens case pages all day; with Django's template engine each event cost
as much as a query. The events come as plain rows (their people, units and files joined in
the same query) and their HTML is put together here, every value escaped. What each event
shows is the same as before: its kind, whether the citizen sees it, who and when, the units
of a referral, the officer of an assignment, the change of state, the text and the files."""

from html import escape

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from .models import CaseEvent
from .states import EventKind, State

_PEOPLE = ("actor", "assignee")
_UNITS = ("from_unit", "to_unit")
_COLUMNS = (
    "id",
    "kind",
    "at",
    "by_citizen",
    "from_state",
    "to_state",
    "body",
    "is_public",
    *(
        f"{person}__{f}"
        for person in _PEOPLE
        for f in ("full_name", "first_name", "last_name", "username")
    ),
    *(f"{unit}__{f}" for unit in _UNITS for f in ("name_ar", "name_en")),
    "attachments__id",
    "attachments__original_name",
    "attachments__size",
)


def _person(row, prefix) -> str:
    if not row[f"{prefix}__username"]:
        return ""
    full = " ".join(p for p in (row[f"{prefix}__first_name"], row[f"{prefix}__last_name"]) if p)
    return row[f"{prefix}__full_name"] or full or row[f"{prefix}__username"]


def _events(case):
    """The case's events, oldest first, each a dict with its `files` (id, name, size)."""
    rows = (
        CaseEvent.objects.filter(case=case)
        .order_by("at", "id", "attachments__id")
        .values(*_COLUMNS)
    )
    events: list[dict] = []
    for row in rows:
        if not events or events[-1]["id"] != row["id"]:
            row["files"] = []
            events.append(row)
        if row["attachments__id"] is not None:
            events[-1]["files"].append(
                (
                    row["attachments__id"],
                    row["attachments__original_name"],
                    row["attachments__size"],
                )
            )
    return events


def render_timeline(case) -> SafeString:
    """The <li> elements of the staff timeline of `case`."""
    arabic = (get_language() or "ar").startswith("ar")
    unit_name = "name_ar" if arabic else "name_en"
    kinds = {value: escape(str(label)) for value, label in EventKind.choices}
    states = {value: str(label) for value, label in State.choices}
    staff_only = escape(gettext("staff only"))
    seen = escape(gettext("seen by the citizen"))
    the_citizen = escape(gettext("the citizen"))
    file_base = reverse("cases:attachment", args=[case.code, 0]).removesuffix("0/")

    def unit(row, prefix) -> str:
        return row[f"{prefix}__{unit_name}"] or row[f"{prefix}__name_ar"] or ""

    out = []
    for ev in _events(case):
        kind = ev["kind"]
        css = f"ev-{escape(kind)}"
        if kind == EventKind.NOTE:
            css += " ev-note"
            badge = f' <span class="badge">{staff_only}</span>'
        elif ev["by_citizen"]:
            css += " ev-citizen"
            badge = f' <span class="badge state-resolved">{seen}</span>' if ev["is_public"] else ""
        elif ev["is_public"]:
            css += " ev-public"
            badge = f' <span class="badge state-resolved">{seen}</span>'
        else:
            badge = ""
        who = the_citizen if ev["by_citizen"] else escape(_person(ev, "actor"))
        at = timezone.localtime(ev["at"])
        parts = [
            f'<li class="{css}" id="event-{ev["id"]}"><div class="ev-head">'
            f'<span class="ev-kind">{kinds.get(kind, escape(kind))}</span>{badge}'
            f' <span class="ev-meta">{who} · <time datetime="{at.isoformat()}">'
            f"<bdi>{escape(date_format(at, 'DATETIME_FORMAT'))}</bdi></time></span></div>"
        ]
        meta = ""
        if kind == EventKind.REFERRED:
            meta = gettext("From %(from)s to %(to)s") % {
                "from": unit(ev, "from_unit"),
                "to": unit(ev, "to_unit"),
            }
        elif kind == EventKind.ASSIGNED:
            meta = gettext("To %(name)s") % {"name": _person(ev, "assignee")}
        elif kind == EventKind.SUBMITTED and ev["to_unit__name_ar"]:
            meta = gettext("Addressed to %(to)s") % {"to": unit(ev, "to_unit")}
        if meta:
            parts.append(f'<div class="ev-meta">{escape(meta)}</div>')
        before, after = ev["from_state"], ev["to_state"]
        if before and after and before != after:
            change = gettext("%(before)s → %(after)s") % {
                "before": states.get(before, before),
                "after": states.get(after, after),
            }
            parts.append(f'<div class="ev-meta">{escape(change)}</div>')
        if ev["body"]:
            parts.append(f'<div class="ev-body" dir="auto">{escape(ev["body"])}</div>')
        if ev["files"]:
            items = "".join(
                f'<li><a href="{escape(file_base)}{pk}/" download>📎 <bdi>{escape(name)}</bdi>'
                f' <span class="muted">({escape(str(filesizeformat(size)))})</span></a></li>'
                for pk, name, size in ev["files"]
            )
            parts.append(f'<ul class="files">{items}</ul>')
        parts.append("</li>")
        out.append("".join(parts))
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped
