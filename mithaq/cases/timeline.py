"""A case's timeline on the staff case page, read in one query and rendered in one pass.

Every staff member opens case pages all day; with Django's template engine each event cost
as much as a query. The events come as plain rows (their people, units and files joined in
the same query) and their HTML is put together here, every value escaped. What each event
shows is the same as before: its kind, whether the citizen sees it, who and when, the units
of a referral, the officer of an assignment, the change of state, the outcome it gave (a
decision, a closure code and external reference), the text and the files."""

from functools import lru_cache
from html import escape
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from mithaq.accounts.models import OrgUnit
from mithaq.common.baked import Baked
from mithaq.common.sizes import file_size

from .models import CaseEvent
from .states import ClosureCode, Decision, EventKind, ExternalSystem, State

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
    "decision",
    "closure_code",
    "external_system",
    "external_reference",
    *(
        f"{person}__{f}"
        for person in _PEOPLE
        for f in ("full_name", "first_name", "last_name", "username")
    ),
    *(f"{unit}_id" for unit in _UNITS),
    "attachments__id",
    "attachments__original_name",
    "attachments__size",
)

# A paper clip drawn inline (Feather's, MIT): an emoji 📎 shows as an empty box without an
# emoji font.
_CLIP = (
    '<svg class="icon" aria-hidden="true" viewBox="0 0 24 24" width="16" height="16">'
    '<path d="M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66'
    'l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48" fill="none" stroke="currentColor"'
    ' stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/></svg>'
)


_event_rows = Baked(
    lambda case_id: (
        CaseEvent.objects.filter(case_id=case_id)
        .order_by("at", "id", "attachments__id")
        .values(*_COLUMNS)
    ),
    int,
)


def _person(row, prefix) -> str:
    if not row[f"{prefix}__username"]:
        return ""
    full = " ".join(p for p in (row[f"{prefix}__first_name"], row[f"{prefix}__last_name"]) if p)
    return row[f"{prefix}__full_name"] or full or row[f"{prefix}__username"]


def _events(case):
    """The case's events, oldest first, each a dict with its `files` (id, name, size), and the
    names of the units they mention: {id: (name_ar, name_en)}."""
    rows = _event_rows(case.pk)
    events: list[dict] = []
    unit_ids: set[Any] = set()
    for row in rows:
        if not events or events[-1]["id"] != row["id"]:
            row["files"] = []
            events.append(row)
            unit_ids.update(row[f"{unit}_id"] for unit in _UNITS)
        if row["attachments__id"] is not None:
            events[-1]["files"].append(
                (
                    row["attachments__id"],
                    row["attachments__original_name"],
                    row["attachments__size"],
                )
            )
    unit_ids.discard(None)
    # The case's own unit is in hand (get_case_for_user reads it); the others are read apart,
    # by primary key, and only when there are some: two more joins of the same table cost
    # PostgreSQL more to plan than this second query costs both sides.
    units = {}
    if type(case).unit.is_cached(case):
        units[case.unit_id] = (case.unit.name_ar, case.unit.name_en)
    others = unit_ids - units.keys()
    if others:
        units |= {
            pk: (name_ar, name_en)
            for pk, name_ar, name_en in OrgUnit.objects.filter(pk__in=others).values_list(
                "pk", "name_ar", "name_en"
            )
        }
    return events, units


@lru_cache(maxsize=16)
def _labels(language: str) -> tuple:
    """The labels of kinds, states and outcomes in `language` (the active one), escaped where
    they go into HTML as they are: the same for every page, so worked out once."""
    return (
        {value: escape(str(label)) for value, label in EventKind.choices},
        {value: str(label) for value, label in State.choices},
        {value: escape(str(label)) for value, label in Decision.choices},
        {value: escape(str(label)) for value, label in ClosureCode.choices},
        {value: escape(str(label)) for value, label in ExternalSystem.choices},
        escape(gettext("staff only")),
        escape(gettext("seen by the citizen")),
        escape(gettext("the citizen")),
    )


def render_timeline(case) -> SafeString:
    """The <li> elements of the staff timeline of `case`."""
    language = get_language() or "ar"
    arabic = language.startswith("ar")
    kinds, states, decisions, closures, systems, staff_only, seen, the_citizen = _labels(language)
    file_base = reverse("cases:attachment", args=[case.code, 0]).removesuffix("0/")

    events, units = _events(case)

    def unit(row, prefix) -> str:
        name_ar, name_en = units.get(row[f"{prefix}_id"], ("", ""))
        return (name_ar if arabic else name_en) or name_ar

    out = []
    for ev in events:
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
        elif kind == EventKind.SUBMITTED and ev["to_unit_id"]:
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
        # The outcome as this event gave it: the case holds only the latest one.
        outcome = ""
        if kind == EventKind.DECIDED and ev["decision"]:
            outcome = f"<strong>{decisions.get(ev['decision'], escape(ev['decision']))}</strong>"
        elif kind in (EventKind.CLOSED, EventKind.MERGED) and ev["closure_code"]:
            code = ev["closure_code"]
            outcome = f"<strong>{closures.get(code, escape(code))}</strong>"
            if ev["external_reference"]:
                system = ev["external_system"]
                outcome += (
                    f' · <span class="muted">{systems.get(system, escape(system))}</span>'
                    f" <bdi>{escape(ev['external_reference'])}</bdi>"
                )
        elif kind == EventKind.EXTERNAL_RECORDED and ev["external_reference"]:
            # An entry in an external system while open (cases.services.external).
            system = ev["external_system"]
            outcome = (
                f'<span class="muted">{systems.get(system, escape(system))}</span>'
                f" <bdi>{escape(ev['external_reference'])}</bdi>"
            )
        if outcome:
            value = escape(ev["decision"] or ev["closure_code"])
            parts.append(f'<div class="ev-outcome outcome-{value}">{outcome}</div>')
        if ev["body"]:
            parts.append(f'<div class="ev-body" dir="auto">{escape(ev["body"])}</div>')
        if ev["files"]:
            items = "".join(
                f'<li><a href="{escape(file_base)}{pk}/" download>{_CLIP} <bdi>{escape(name)}</bdi>'
                f' <span class="muted">({escape(file_size(size))})</span></a></li>'
                for pk, name, size in ev["files"]
            )
            parts.append(f'<ul class="files">{items}</ul>')
        parts.append("</li>")
        out.append("".join(parts))
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped
