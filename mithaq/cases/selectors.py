"""Reads of cases: the timeline, the public view of a case."""

from django.db.models import Exists, OuterRef

from .models import Attachment, Case, CaseEvent

# What a timeline shows of the people and units an event names.
_PERSON = ("username", "full_name", "first_name", "last_name")
_UNIT = ("name_ar", "name_en", "path")


def timeline(case: Case, *, public_only: bool = False):
    """The case's events, oldest first, with their actors and units (only the columns shown)
    and their files as `event.files`, in one query, or two when there are files."""
    events = (
        CaseEvent.objects.filter(case=case)
        .select_related("actor", "from_unit", "to_unit", "assignee")
        .only(
            *(f.name for f in CaseEvent._meta.concrete_fields),
            *(f"{person}__{field}" for person in ("actor", "assignee") for field in _PERSON),
            *(f"{unit}__{field}" for unit in ("from_unit", "to_unit") for field in _UNIT),
        )
    )
    files = Attachment.objects.filter(case=case).exclude(event=None)
    if public_only:
        events = events.filter(is_public=True)
        files = files.filter(is_public=True)
    # Most cases carry no file: ask for them only when an event has one.
    events = list(events.annotate(has_files=Exists(files.filter(event=OuterRef("pk")))))
    by_event: dict[int, list] = {}
    if any(event.has_files for event in events):
        for f in files.defer("sha256"):
            by_event.setdefault(f.event_id, []).append(f)
    for event in events:
        event.files = by_event.get(event.pk, [])
    return events
