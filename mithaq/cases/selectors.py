"""Reads of cases: the timeline, the public view of a case."""

from .models import Attachment, Case, CaseEvent


def timeline(case: Case, *, public_only: bool = False):
    """The case's events, oldest first, with their actors, units and files in few queries."""
    events = CaseEvent.objects.filter(case=case).select_related(
        "actor", "from_unit", "to_unit", "assignee"
    )
    if public_only:
        events = events.filter(is_public=True)
    return list(events.prefetch_related(_files_prefetch(public_only)))


def _files_prefetch(public_only: bool):
    from django.db.models import Prefetch

    files = Attachment.objects.all()
    if public_only:
        files = files.filter(is_public=True)
    return Prefetch("attachments", queryset=files)
