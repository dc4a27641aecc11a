"""What every write to a case shares: the lock, the transition check, the event that each
change writes in its own transaction (and what reacts to it there: the clocks, the messages,
the citizens of merged cases) and the files that come with an event.

Lock order, for every write (docs/architecture.md): the case row first (`lock_case`), then
its clocks, then its messages. Nothing locks a clock and then its case."""

import datetime
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mithaq.accounts.models import Membership, OrgUnit, Role, User
from mithaq.common import links
from mithaq.common.inserts import insert
from mithaq.common.uploads import check_upload
from mithaq.notifications import services as messages

from ..grievances import deadline_after
from ..messages import CITIZEN_MESSAGES, COALESCED, STAFF_MESSAGES
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
    message_context: dict | None = None,
    **fields: Any,
) -> CaseEvent:
    """Write one event and let the clocks and the messages react to it, all in the caller's
    transaction (the one way any app records a case event; call it with the case locked by
    `lock_case`): a rolled-back change leaves no event, no clock change and no message.
    `message_context` adds plain values to the citizen's message (messages.CITIZEN_MESSAGES)."""
    if to_state is None:
        to_state = case.state if from_state else ""
    event = CaseEvent(
        case=case,
        kind=kind,
        at=now,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        **fields,
    )
    insert([event], returning=("id",))
    clocks.case_event_recorded(case=case, event=event)
    _send_messages(case=case, event=event, context=message_context or {})
    # The citizens of cases merged into this one hear its answers too (duplicates).
    notify_followers(case=case, event=event)
    return event


def _unit_staff(unit: OrgUnit) -> QuerySet[User]:
    ids = Membership.objects.filter(unit=unit, role__in=[Role.OFFICER, Role.UNIT_MANAGER]).values(
        "user_id"
    )
    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk")


def _staff_told(case: Case, event: CaseEvent) -> list:
    """Who of the staff hears of `event` by its STAFF_MESSAGES message. A reminder's and an
    escalation's people are the clock step's, told by escalation itself."""
    if event.kind == EventKind.ASSIGNED:
        if event.assignee_id and event.assignee_id != event.actor_id:
            return [event.assignee]
    elif event.kind == EventKind.REFERRED:
        if event.to_unit is not None:
            return list(_unit_staff(event.to_unit))
    elif event.kind == EventKind.CITIZEN_RESPONDED and case.assignee_id:
        return [case.assignee]
    return []


def only_named(case: Case, people: list[User]) -> list[User]:
    """Those of `people` who may hear of `case`: all of them, or, for a case restricted to
    named people, only the ones named on it (an event's messages, escalation's reminders)."""
    if not case.is_restricted or not people:
        return people
    named = set(case.restricted_to.values_list("pk", flat=True))
    return [person for person in people if person.pk in named]


def _send_messages(*, case: Case, event: CaseEvent, context: dict) -> None:
    """The messages one event causes (messages.py), in its transaction: the messages app
    renders each from its template, so nothing here is a sentence."""
    dedupe = f"event:{event.pk}"
    citizen = CITIZEN_MESSAGES.get(EventKind(event.kind))
    if citizen is not None:
        if event.kind == EventKind.CLOSED:
            # The personal survey link (mithaq.surveys), valid for MITHAQ_SURVEY_LINK_DAYS,
            # and the last day of a grievance (cases.grievances).
            context = {
                "survey_url": links.survey_url("c", case.pk, now=event.at),
                "grievance_until": deadline_after(case.kind, event.at),
            } | context
        messages.notify_citizen(
            case=case,
            event_key=citizen,
            context={"text": event.body if event.is_public else ""} | context,
            dedupe=dedupe,
            coalesce=event.kind in COALESCED,
        )
    staff = STAFF_MESSAGES.get(EventKind(event.kind))
    if staff is None:
        return
    for person in only_named(case, _staff_told(case, event)):
        messages.notify_staff(
            user=person,
            event_key=staff,
            case=case,
            # The referral's reason; the other staff messages carry no text of the event.
            context={"text": event.body} if event.kind == EventKind.REFERRED else {},
            dedupe=dedupe,
        )


@contextmanager
def files_kept_only_on_commit() -> Iterator[list[Attachment]]:
    """Files are written inside the transaction; if it fails they are removed again, so
    that a failed change leaves neither rows nor files behind."""
    written: list[Attachment] = []
    try:
        yield written
    except BaseException:
        for attachment in written:
            attachment.file.storage.delete(cast(str, attachment.file.name))  # saved: named
        raise


def store_files(
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
        checked = check_upload(upload)
        attachment = Attachment(
            case=case,
            event=event,
            original_name=checked.name,
            content_type=checked.kind.content_type,
            extension=checked.kind.extension,
            size=checked.size,
            sha256=checked.sha256,
            is_public=is_public,
            by_citizen=by_citizen,
            uploaded_by=uploaded_by,
            created_at=now,
        )
        attachment.file.save("upload", checked.content, save=False)
        written.append(attachment)
        attachment.save()


# What a merged case's citizen hears of the survivor: its public answers and its outcome.
FOLLOWED_EVENTS = frozenset(
    {EventKind.REPLIED, EventKind.DECIDED, EventKind.RESOLVED, EventKind.CLOSED}
)


def notify_followers(*, case: Case, event: CaseEvent) -> None:
    """Called with every event (record_event): the citizens of the cases
    merged into `case` hear its public answers on their own case's reference, channels and
    current contact details (the follower is the merged case itself, so a citizen who
    changes their phone on the merged case's tracking page keeps hearing)."""
    if not event.is_public or event.kind not in FOLLOWED_EVENTS:
        return
    for follower in Case.objects.filter(merged_into=case).select_related("unit"):
        messages.notify_citizen(
            case=follower,
            event_key=CITIZEN_MESSAGES[EventKind(event.kind)],
            context={"text": event.body}
            | (
                {
                    "survey_url": links.survey_url("c", follower.pk, now=event.at),
                    "grievance_until": deadline_after(follower.kind, event.at),
                }
                if event.kind == EventKind.CLOSED
                else {}
            ),
            dedupe=f"event:{event.pk}:follower:{follower.pk}",
        )
