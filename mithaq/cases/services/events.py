"""What every write to a case shares: the lock, the transition check, the event that each
change writes in its own transaction (and what reacts to it there: the clocks, the messages,
the citizens of merged cases) and the files that come with an event.

Lock order, for every write (docs/architecture.md): the case row first (`lock_case`), then
its clocks, then its messages. Nothing locks a clock and then its case."""

import datetime
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mithaq.accounts.models import User
from mithaq.common.uploads import check_upload
from mithaq.notifications import services as messages

from ..models import Attachment, Case, CaseEvent
from ..states import TRANSITIONS, Action, EventKind
from . import clocks


class CaseStateError(ValidationError):
    """The action is not allowed in the case's current state."""


def lock_case(case: Case) -> Case:
    # of=("self",): lock the case row only, not its unit's, or every change to a case would
    # hold up the unit's other cases (and two crossing referrals would deadlock).
    return Case.objects.select_for_update(of=("self",)).select_related("unit").get(pk=case.pk)


def check_action(action: Action, case: Case) -> None:
    if case.state not in TRANSITIONS[action].sources:
        raise CaseStateError(
            _("This case cannot be changed this way while it is “%(state)s”.")
            % {"state": case.get_state_display()},
            code="bad_state",
        )


def record_event(
    case: Case,
    *,
    kind: EventKind,
    actor: User | None = None,
    now: datetime.datetime,
    from_state: str = "",
    to_state: str | None = None,
    **fields: Any,
) -> CaseEvent:
    """Write one event and let the clocks and the messages react to it, all in the caller's
    transaction (the one way any app records a case event; call it with the case locked by
    `lock_case`): a rolled-back change leaves no event, no clock change and no message."""
    if to_state is None:
        to_state = case.state if from_state else ""
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        at=now,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        **fields,
    )
    clocks.case_event_recorded(case=case, event=event)
    messages.case_event_recorded(case=case, event=event)
    # The citizens of cases merged into this one hear its answers too (duplicates).
    notify_followers(case=case, event=event)
    return event


@contextmanager
def _files_kept_only_on_commit() -> Iterator[list[Attachment]]:
    """Files are written inside the transaction; if it fails they are removed again, so
    that a failed change leaves neither rows nor files behind."""
    written: list[Attachment] = []
    try:
        yield written
    except BaseException:
        for attachment in written:
            attachment.file.storage.delete(cast(str, attachment.file.name))  # saved: named
        raise


def _store_files(
    case: Case,
    event: CaseEvent,
    files: Iterable[Any] | None,  # uploaded files (Django types their name and size Optional)
    *,
    by_citizen: bool,
    uploaded_by: User | None,
    is_public: bool,
    now: datetime.datetime,
    written: list[Attachment],
) -> None:
    for upload in files or ():
        kind, digest = check_upload(upload)
        attachment = Attachment(
            case=case,
            event=event,
            original_name=upload.name[:200],
            content_type=kind.content_type,
            extension=kind.extension,
            size=upload.size,
            sha256=digest,
            is_public=is_public,
            by_citizen=by_citizen,
            uploaded_by=uploaded_by,
            created_at=now,
        )
        attachment.file.save("upload", upload, save=False)
        written.append(attachment)
        attachment.save()


# What a merged case's citizen hears of the survivor: its public answers and its outcome.
FOLLOWED_EVENTS = frozenset({"replied", "decided", "resolved", "closed"})


def notify_followers(*, case: Case, event: CaseEvent) -> None:
    """Called with every event (record_event): the citizens of the cases
    merged into `case` hear its public answers on their own case's reference, channels and
    current contact details (the follower is the merged case itself, so a citizen who
    changes their phone on the merged case's tracking page keeps hearing)."""
    if not event.is_public or str(event.kind) not in FOLLOWED_EVENTS:
        return
    for follower in Case.objects.filter(merged_into=case).select_related("unit"):
        messages.notify_citizen(
            case=follower,
            event_key=messages.CITIZEN_EVENTS[str(event.kind)],
            context={"text": event.body},
            dedupe=f"event:{event.pk}:follower:{follower.pk}",
        )
