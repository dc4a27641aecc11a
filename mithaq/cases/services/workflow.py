"""Every change to a case. Each function runs in one transaction, locks the case, checks the
transition table, and writes its CaseEvent in the same transaction."""

import datetime
import uuid
from collections.abc import Callable, Sequence
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from mithaq.accounts.access import assignable_officers
from mithaq.accounts.models import OrgUnit, User
from mithaq.catalog.models import RequiredDocument, Service
from mithaq.citizens import services as citizen_registry
from mithaq.common import search_text as search_index
from mithaq.common.inserts import insert
from mithaq.common.phones import parse_phone
from mithaq.routing import rules as routing_rules

from ..grievances import answered_at, deadline_after
from ..models import Attachment, Case, CaseEvent, ConfidentialRead, new_tracking_code
from ..states import (
    CITIZEN_GRIEVANCE,
    CITIZEN_RESPONSE,
    TRANSITIONS,
    Action,
    Channel,
    ClosureCode,
    Decision,
    EventKind,
    ExternalSystem,
    Kind,
    State,
)
from . import assignment, clocks, referrals
from .checklist import check_minimum_time, record_checklist
from .events import (
    CaseStateError,
    check_action,
    files_kept_only_on_commit,
    lock_case,
    record_event,
    store_files,
)


def submit_case(
    *,
    kind: str,
    unit: OrgUnit | None = None,
    channel: str,
    subject: str,
    body: str,
    citizen_name: str,
    citizen_phone: str,
    service: Service | None = None,
    remedy_sought: str = "",
    citizen_email: str = "",
    citizen_national_id: str = "",
    citizen_group: str = "community",
    citizen_language: str = "ar",
    identity_confidential: bool = False,
    is_urgent: bool = False,
    is_collective: bool = False,
    head_count: int = 1,
    received_by: User | None = None,
    letter_number: str = "",
    letter_date: datetime.date | None = None,
    files: Sequence = (),
    checklist: Sequence[tuple[RequiredDocument, Any]] = (),
    declaration: str = "",
    submission_token: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
    savepoint: bool = True,
) -> Case:
    """Register a new case from any channel. The same submission token returns the case
    already made for it, so a double click or a resent form makes one case.

    Inside a caller's transaction, `savepoint=False` spares the SAVEPOINT and its RELEASE
    (two round trips): for a caller that writes its own row in the same transaction and
    lets any failure here roll the whole of it back (the API's submission, an email's row).

    Where it goes: the first routing rule that matches (mithaq.routing.rules); else the
    chosen service's unit; else the chosen unit; else the citizens' affairs office's triage
    queue. The unit's assignment mode (or the rule's officer) may give it an assignee.

    The unique reference and the unique token decide, not a look beforehand: the case is
    written under a fresh reference, and a clash is seen when the INSERT fails (the whole
    transaction rolled back): a token already used answers with its case, a reference
    already taken (about one draw in a million at a million cases) is drawn again. Only
    where a failed INSERT would break the caller's transaction (`savepoint=False` inside
    one) does one SELECT look for both first."""
    references: list[str] = []
    # A failed INSERT would break the caller's transaction: nothing to answer it with after.
    looks_first = not savepoint and transaction.get_connection().in_atomic_block
    if looks_first:
        references = [new_tracking_code() for _ in range(3)]
        seen = Q(code__in=references)
        if submission_token is not None:
            seen |= Q(submission_token=submission_token)
        taken = list(Case.objects.filter(seen).values_list("pk", "code", "submission_token"))
        for pk, _code, token in taken:
            if submission_token is not None and token == submission_token:
                return Case.objects.get(pk=pk)
        # Three taken at once (one chance in 10^17) leaves a fresh draw unlooked at.
        references = [code for code in references if code not in {c for _pk, c, _t in taken}]
    try:
        if kind not in Kind.values:
            raise ValidationError(_("Choose what kind of case this is."), code="kind")
        if channel not in Channel.values:
            raise ValidationError(_("Choose the channel the case came by."), code="channel")
        if service is not None and unit is not None and service.unit_id != unit.pk:
            raise ValidationError(
                _("This service is not offered by the chosen unit."), code="service"
            )
        rule = routing_rules.first_match(
            kind=kind,
            channel=channel,
            service_id=service.pk if service is not None else None,
            citizen_group=citizen_group,
            subject=subject,
            body=body,
        )
        if rule is not None:
            unit = rule.unit
        elif service is not None:
            unit = unit or service.unit
        elif unit is None:
            unit = routing_rules.citizens_office()
            if unit is None:
                raise ValidationError(_("Choose the unit concerned."), code="unit")
        if not unit.is_active or not unit.accepts_cases:
            raise ValidationError(_("This unit does not take cases."), code="unit")
        if (channel == Channel.WEB) != (received_by is None):
            raise ValidationError(
                _(
                    "Web cases come from citizens; every other channel needs the receiving employee."
                ),
                code="channel",
            )
        # Callers pass E.164 already; parsing again guards every other way in.
        citizen_phone = parse_phone(citizen_phone)
        if is_collective and head_count < 2:
            raise ValidationError(
                _("A collective case is brought by two people or more."), code="head_count"
            )
        now = now or timezone.now()
        version = service.version_on(timezone.localdate(now)) if service else None
        if checklist and (
            version is None or any(document.version_id != version.pk for document, _f in checklist)
        ):
            raise ValidationError(
                _("These documents are not the ones this service asks for."), code="checklist"
            )
        case = Case(
            kind=kind,
            channel=channel,
            unit=unit,
            service=service,
            service_version=version,
            declaration=declaration.strip(),
            subject=subject.strip(),
            body=body.strip(),
            remedy_sought=remedy_sought.strip(),
            citizen_name=citizen_name.strip(),
            citizen_phone=citizen_phone,
            citizen_email=citizen_email.strip().lower(),
            citizen_national_id=citizen_national_id.strip(),
            citizen_group=citizen_group,
            citizen_language=citizen_language,
            identity_confidential=identity_confidential,
            is_urgent=is_urgent,
            is_collective=is_collective,
            head_count=head_count if is_collective else 1,
            received_by=received_by,
            letter_number=letter_number.strip(),
            letter_date=letter_date,
            due_at=clocks.expected_answer(kind=kind, service=service, urgent=is_urgent, now=now),
            created_at=now,
            updated_at=now,
            submission_token=submission_token,
        )
    except ValidationError:
        # A resent form is answered with the case it made, even if it would now be refused.
        if not looks_first and (existing := _case_of_token(submission_token)) is not None:
            return existing
        raise
    for attempt in range(REFERENCE_DRAWS):
        case.code = references[attempt] if attempt < len(references) else new_tracking_code()
        try:
            _write_new_case(case, rule=rule, files=files, checklist=checklist, savepoint=savepoint)
        except IntegrityError:
            # Two requests with one token raced, or this form was sent before: the other one
            # made the case. (Without a savepoint the caller's transaction is broken: the
            # caller looks.)
            if looks_first:
                raise
            if (existing := _case_of_token(submission_token)) is not None:
                return existing
            if not Case.objects.filter(code=case.code).exists():
                raise  # another constraint: not a clash of references
            continue  # the reference was taken meanwhile: draw another
        return case
    raise IntegrityError(f"no free case reference in {REFERENCE_DRAWS} draws")


def _case_of_token(token: uuid.UUID | None) -> Case | None:
    """The case a form with this submission token made, if one did."""
    return None if token is None else Case.objects.filter(submission_token=token).first()


# Draws of a reference before giving up: one clashes about once in a million draws at a
# million cases (30^8 references).
REFERENCE_DRAWS = 5


def _write_new_case(
    case: Case,
    *,
    rule: routing_rules.CompiledRule | None,
    files: Sequence,
    checklist: Sequence[tuple[RequiredDocument, Any]],
    savepoint: bool,
) -> None:
    """The new case's rows (its citizen's record when new, the case, its events, files and
    checklist) in one transaction, or none of them and no file."""
    now, received_by, unit = case.created_at, case.received_by, case.unit
    with files_kept_only_on_commit() as written, transaction.atomic(savepoint=savepoint):
        # The person behind the case in the registry: one SELECT, one write when new.
        case.citizen = citizen_registry.citizen_for_submission(
            phone=case.citizen_phone,
            national_id=case.citizen_national_id,
            name=case.citizen_name,
            email=case.citizen_email,
            group=case.citizen_group,
            language=case.citizen_language,
            now=now,
            by_staff=received_by is not None,
            by_whatsapp=case.channel == Channel.WHATSAPP,
        )
        # Part of the INSERT: search reads it (mithaq.search).
        case.search_text = search_index.case_search_text(case)
        case.assignee = assignment.assignee_for_new_case(unit, rule=rule)
        insert([case], returning=("id",))
        event = record_event(
            case,
            kind=EventKind.SUBMITTED,
            actor=received_by,
            now=now,
            to_state=State.RECEIVED,
            to_unit=unit,
            is_public=True,
            by_citizen=received_by is None,
        )
        store_files(
            case,
            event,
            files,
            by_citizen=received_by is None,
            uploaded_by=received_by,
            is_public=True,
            now=now,
            written=written,
        )
        if checklist:
            record_checklist(case, event, checklist, now=now, written=written)
        if rule is not None:
            record_event(case, kind=EventKind.ROUTED, now=now, to_unit=unit, body=rule.name)
        if case.assignee_id:
            record_event(case, kind=EventKind.ASSIGNED, now=now, assignee_id=case.assignee_id)


def _simple_transition(
    *,
    case: Case,
    actor: User,
    action: Action,
    event: EventKind,
    body: str = "",
    is_public: bool = False,
    now: datetime.datetime | None = None,
    derive: Callable[[Case], dict[str, Any]] | None = None,
    outcome: Callable[[Case], dict[str, Any]] | None = None,
    **changes: Any,
) -> Case:
    """Move the case by `action`, set `changes` (and `derive(locked_case)`'s, for values
    that depend on the row as locked), and record the event, with `outcome(locked_case)`'s
    fields (the decision or closure it gave, as the case now holds it)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_case(case)
        check_action(action, locked)
        before = locked.state
        target = TRANSITIONS[action].target
        if target is not None:
            locked.state = target
        if derive is not None:
            changes = changes | derive(locked)
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.updated_at = now
        locked.save()
        record_event(
            locked,
            kind=event,
            actor=actor,
            now=now,
            from_state=before if target is not None else "",
            body=body,
            is_public=is_public,
            **(outcome(locked) if outcome is not None else {}),
        )
    return locked


def acknowledge_case(*, case: Case, actor: User, now: datetime.datetime | None = None) -> Case:
    return _simple_transition(
        case=case,
        actor=actor,
        action=Action.ACKNOWLEDGE,
        event=EventKind.ACKNOWLEDGED,
        is_public=True,
        now=now,
    )


def _earlier_reviewers(case: Case) -> set[int]:
    """Who decided or resolved the case before its last reopening: a grievance is reviewed
    by someone else."""
    reopened = (
        case.events.filter(kind__in=[EventKind.REOPENED, EventKind.GRIEVANCE])
        .order_by("-at", "-id")
        .first()
    )
    if reopened is None:
        return set()
    return set(
        case.events.filter(kind__in=[EventKind.DECIDED, EventKind.RESOLVED], at__lte=reopened.at)
        .exclude(actor=None)
        .values_list("actor_id", flat=True)
    )


def assign_case(
    *, case: Case, actor: User, assignee: User, now: datetime.datetime | None = None
) -> Case:
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_case(case)
        check_action(Action.ASSIGN, locked)
        if not assignable_officers(locked.unit).filter(pk=assignee.pk).exists():
            raise ValidationError(
                _("%(name)s does not work in the unit handling this case.") % {"name": assignee},
                code="assignee",
            )
        if locked.assignee_id == assignee.pk:
            return locked
        if assignee.pk in _earlier_reviewers(locked):
            raise ValidationError(
                _("A reopened case is reviewed by someone other than who decided it before."),
                code="same_reviewer",
            )
        locked.assignee = assignee
        locked.updated_at = now
        locked.save(update_fields=["assignee", "updated_at"])
        record_event(locked, kind=EventKind.ASSIGNED, actor=actor, now=now, assignee=assignee)
    return locked


def refer_case(
    *, case: Case, actor: User, to_unit: OrgUnit, reason: str, now: datetime.datetime | None = None
) -> Case:
    if not reason.strip():
        raise ValidationError(_("Give the reason for the referral."), code="reason")
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_case(case)
        check_action(Action.REFER, locked)
        if to_unit.pk == locked.unit_id:
            raise ValidationError(_("The case is already with this unit."), code="same_unit")
        if not (to_unit.is_active and to_unit.accepts_cases):
            raise ValidationError(_("This unit does not take cases."), code="unit")
        before, from_unit = locked.state, locked.unit
        locked.state = cast(State, TRANSITIONS[Action.REFER].target)  # a moving transition
        locked.unit = to_unit
        # The receiving unit decides who works on it.
        locked.assignee = None
        if locked.service_id and cast(Service, locked.service).unit_id != to_unit.pk:
            locked.service = None
        locked.updated_at = now
        locked.save()
        record_event(
            locked,
            kind=EventKind.REFERRED,
            actor=actor,
            now=now,
            from_state=before,
            from_unit=from_unit,
            to_unit=to_unit,
            body=reason.strip(),
            is_public=False,
        )
        # The receiving unit accepts it or returns it (referrals).
        referrals.record_referral(
            case=locked, from_unit=from_unit, to_unit=to_unit, actor=actor, reason=reason, now=now
        )
    return locked


def request_information(
    *, case: Case, actor: User, question: str, now: datetime.datetime | None = None
) -> Case:
    if not question.strip():
        raise ValidationError(_("Write what the citizen should send."), code="question")
    return _simple_transition(
        case=case,
        actor=actor,
        action=Action.REQUEST_INFO,
        event=EventKind.INFO_REQUESTED,
        body=question.strip(),
        is_public=True,
        now=now,
    )


def record_citizen_response(
    *, case: Case, body: str, files: Sequence = (), now: datetime.datetime | None = None
) -> Case:
    """The citizen answers a request for information from the tracking page."""
    if not body.strip() and not files:
        raise ValidationError(_("Write your answer or attach a document."), code="empty")
    now = now or timezone.now()
    with files_kept_only_on_commit() as written, transaction.atomic():
        locked = lock_case(case)
        if locked.state not in CITIZEN_RESPONSE.sources:
            raise CaseStateError(
                _("The office is not waiting for information on this case."), code="bad_state"
            )
        before = locked.state
        locked.state = cast(State, CITIZEN_RESPONSE.target)  # a moving transition
        locked.updated_at = now
        locked.search_text = search_index.with_text_added(locked.search_text, body)
        locked.save(update_fields=["state", "updated_at", "search_text"])
        event = record_event(
            locked,
            kind=EventKind.CITIZEN_RESPONDED,
            now=now,
            from_state=before,
            body=body.strip(),
            is_public=True,
            by_citizen=True,
        )
        store_files(
            locked,
            event,
            files,
            by_citizen=True,
            uploaded_by=None,
            is_public=True,
            now=now,
            written=written,
        )
    return locked


def add_file_to_event(
    *, event: CaseEvent, upload: Any, now: datetime.datetime | None = None
) -> Attachment:
    """A file that came with a message already recorded, fetched afterwards (WhatsApp's
    media, downloaded by a job), kept on that message's event as it would have been had it
    come with it. The upload rules decide (ValidationError: nothing is written)."""
    now = now or timezone.now()
    with files_kept_only_on_commit() as written, transaction.atomic():
        locked = lock_case(event.case)
        store_files(
            locked,
            event,
            [upload],
            by_citizen=event.by_citizen,
            uploaded_by=event.actor,
            is_public=event.is_public,
            now=now,
            written=written,
        )
    return written[0]


class GrievanceClosed(CaseStateError):
    """The grievance's window is over (or never opened): `until` says when it closed."""

    def __init__(self, message: str, *, until: datetime.datetime | None) -> None:
        super().__init__(message, code="grievance_closed")
        self.until = until


def file_grievance(
    *, case: Case, grounds: str, files: Sequence = (), now: datetime.datetime | None = None
) -> Case:
    """The citizen's grievance (تظلم) from the tracking page, within the working days its
    kind allows after the answer (cases.grievances): the case is reopened, with a new
    expected date and clocks of their own, no assignee, and whoever decided or resolved it
    before may not review it again (assign_case, _earlier_reviewers). After the window, or
    on a case not decided, resolved or closed, GrievanceClosed with the window's end."""
    if not grounds.strip():
        raise ValidationError(_("Give the grounds of your grievance."), code="grounds")
    now = now or timezone.now()
    with files_kept_only_on_commit() as written, transaction.atomic():
        locked = lock_case(case)
        answered = answered_at(locked)
        until = deadline_after(locked.kind, answered) if answered is not None else None
        if until is None or locked.state not in CITIZEN_GRIEVANCE.sources:
            raise GrievanceClosed(
                _("A grievance can be filed once your case is decided or closed."), until=None
            )
        if now > until:
            last_day = formats.date_format(timezone.localtime(until).date(), "DATE_FORMAT")
            raise GrievanceClosed(
                _("The time for a grievance on this case ended on %(date)s.") % {"date": last_day},
                until=until,
            )
        before = locked.state
        locked.state = cast(State, CITIZEN_GRIEVANCE.target)
        locked.closed_at = None
        locked.closure_code = ""
        locked.decision = ""
        locked.decision_reasons = ""
        locked.assignee = None
        locked.due_at = clocks.expected_answer(
            kind=locked.kind, service=locked.service, urgent=locked.is_urgent, now=now
        )
        locked.updated_at = now
        locked.search_text = search_index.with_text_added(locked.search_text, grounds)
        locked.save()
        event = record_event(
            locked,
            kind=EventKind.GRIEVANCE,
            now=now,
            from_state=before,
            body=grounds.strip(),
            is_public=True,
            by_citizen=True,
        )
        store_files(
            locked,
            event,
            files,
            by_citizen=True,
            uploaded_by=None,
            is_public=True,
            now=now,
            written=written,
        )
    return locked


def _message(
    *,
    case: Case,
    actor: User,
    action: Action,
    kind: EventKind,
    body: str,
    files: Sequence,
    is_public: bool,
    now: datetime.datetime | None = None,
) -> Case:
    if not body.strip():
        raise ValidationError(_("The text cannot be empty."), code="empty")
    now = now or timezone.now()
    with files_kept_only_on_commit() as written, transaction.atomic():
        locked = lock_case(case)
        check_action(action, locked)
        locked.updated_at = now
        fields = ["updated_at"]
        if kind == EventKind.REPLIED:  # public replies are searched, internal notes are not
            locked.search_text = search_index.with_text_added(locked.search_text, body)
            fields.append("search_text")
        locked.save(update_fields=fields)
        event = record_event(
            locked, kind=kind, actor=actor, now=now, body=body.strip(), is_public=is_public
        )
        store_files(
            locked,
            event,
            files,
            by_citizen=False,
            uploaded_by=actor,
            is_public=is_public,
            now=now,
            written=written,
        )
    return locked


def reply_to_citizen(
    *,
    case: Case,
    actor: User,
    body: str,
    files: Sequence = (),
    now: datetime.datetime | None = None,
) -> Case:
    return _message(
        case=case,
        actor=actor,
        action=Action.REPLY,
        kind=EventKind.REPLIED,
        body=body,
        files=files,
        is_public=True,
        now=now,
    )


def add_note(
    *,
    case: Case,
    actor: User,
    body: str,
    files: Sequence = (),
    now: datetime.datetime | None = None,
) -> Case:
    """An internal note: never shown to the citizen."""
    return _message(
        case=case,
        actor=actor,
        action=Action.NOTE,
        kind=EventKind.NOTE,
        body=body,
        files=files,
        is_public=False,
        now=now,
    )


# What "send and set the state" may do after a reply, and the event that carries the text.
ANSWER_THEN: dict[Action, EventKind] = {
    Action.RESOLVE: EventKind.RESOLVED,
    Action.REQUEST_INFO: EventKind.INFO_REQUESTED,
}


def answer_case(
    *,
    case: Case,
    actor: User,
    body: str,
    files: Sequence = (),
    internal: bool = False,
    then: Action | None = None,
    now: datetime.datetime | None = None,
) -> Case:
    """The staff case page's composer: an internal note, a reply to the citizen, or a reply
    that also moves the case ("send and resolve", "send and ask for information"). A reply
    that moves the case is one event, the resolution or the question, carrying the text and
    the files: the citizen gets one message, not a reply followed by a resolution."""
    if internal:
        if then is not None:
            raise ValidationError(
                _("An internal note cannot change the case's state; send it as a reply."),
                code="then",
            )
        return add_note(case=case, actor=actor, body=body, files=files, now=now)
    if then is None:
        return reply_to_citizen(case=case, actor=actor, body=body, files=files, now=now)
    if then not in ANSWER_THEN:
        raise ValidationError(_("Choose what happens to the case."), code="then")
    if not body.strip():
        raise ValidationError(_("The text cannot be empty."), code="empty")
    now = now or timezone.now()
    with files_kept_only_on_commit() as written, transaction.atomic():
        locked = lock_case(case)
        check_action(Action.REPLY, locked)
        check_action(then, locked)
        before = locked.state
        locked.state = cast(State, TRANSITIONS[then].target)  # both ANSWER_THEN actions move it
        locked.updated_at = now
        locked.search_text = search_index.with_text_added(locked.search_text, body)
        locked.save()
        event = record_event(
            locked,
            kind=ANSWER_THEN[then],
            actor=actor,
            now=now,
            from_state=before,
            body=body.strip(),
            is_public=True,
        )
        store_files(
            locked,
            event,
            files,
            by_citizen=False,
            uploaded_by=actor,
            is_public=True,
            now=now,
            written=written,
        )
    return locked


def decide_case(
    *,
    case: Case,
    actor: User,
    decision: str,
    reasons: str,
    override_reason: str = "",
    may_override: bool = False,
    now: datetime.datetime | None = None,
) -> Case:
    """Decide. A service's minimum time before a decision (seed 003: "no less than two
    weeks") refuses an earlier one unless the office manager (`may_override`, decided by
    accounts.access) gives a reason, which is recorded as an event before the decision."""
    if decision not in Decision.values:
        raise ValidationError(_("Choose accept or reject."), code="decision")
    if not reasons.strip():
        raise ValidationError(_("Give the reasons for the decision."), code="reasons")
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_case(case)
        overridden = check_minimum_time(
            case=locked,
            actor=actor,
            override_reason=override_reason,
            may_override=may_override,
            now=now,
        )
        if overridden:
            check_action(Action.DECIDE, locked)
            record_event(
                locked, kind=EventKind.WAIT_OVERRIDDEN, actor=actor, now=now, body=overridden
            )
        return _simple_transition(
            case=locked,
            actor=actor,
            action=Action.DECIDE,
            event=EventKind.DECIDED,
            body=reasons.strip(),
            is_public=True,
            now=now,
            decision=decision,
            decision_reasons=reasons.strip(),
            # The event keeps the decision: a reopening clears the case's (reopen_case).
            outcome=lambda locked: {"decision": locked.decision},
        )


def resolve_case(
    *, case: Case, actor: User, summary: str, now: datetime.datetime | None = None
) -> Case:
    if not summary.strip():
        raise ValidationError(_("Say how the case was resolved."), code="summary")
    return _simple_transition(
        case=case,
        actor=actor,
        action=Action.RESOLVE,
        event=EventKind.RESOLVED,
        body=summary.strip(),
        is_public=True,
        now=now,
    )


def close_case(
    *,
    case: Case,
    actor: User,
    closure_code: str,
    external_system: str = "",
    external_reference: str = "",
    note: str = "",
    now: datetime.datetime | None = None,
) -> Case:
    if closure_code not in ClosureCode.values:
        raise ValidationError(_("Choose a closure code."), code="closure_code")
    if bool(external_system) != bool(external_reference.strip()):
        raise ValidationError(
            _("Give both the external system and its reference, or neither."), code="external"
        )
    if external_system and external_system not in ExternalSystem.values:
        raise ValidationError(_("Choose a known external system."), code="external")
    now = now or timezone.now()
    changes: dict[str, Any] = {"closure_code": closure_code, "closed_at": now}
    # Closing again after a grievance keeps the external reference given the first time.
    if external_system:
        changes.update(
            external_system=external_system, external_reference=external_reference.strip()
        )

    def searchable(locked: Case) -> dict[str, Any]:
        # The external system's reference is found by the inbox's search, as the code is.
        if not external_system:
            return {}
        return {
            "search_text": search_index.with_text_added(
                locked.search_text, external_reference.strip()
            )
        }

    return _simple_transition(
        case=case,
        actor=actor,
        action=Action.CLOSE,
        event=EventKind.CLOSED,
        body=note.strip(),
        is_public=True,
        now=now,
        derive=searchable,
        # The event keeps the closure as the case now holds it, the external reference kept
        # from an earlier closing too: a reopening clears the case's code (reopen_case).
        outcome=lambda locked: {
            "closure_code": locked.closure_code,
            "external_system": locked.external_system,
            "external_reference": locked.external_reference,
        },
        **changes,
    )


def reopen_case(
    *, case: Case, actor: User, reason: str, now: datetime.datetime | None = None
) -> Case:
    """Reopen a resolved or closed case (for example on a grievance, تظلم): it starts a new
    review with a new expected date and no assignee; the earlier decision and closure stay in
    the timeline, on their events (decide_case, close_case), and whoever made the decision may
    not review it again (see assign_case)."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for reopening."), code="reason")
    now = now or timezone.now()
    return _simple_transition(
        case=case,
        actor=actor,
        action=Action.REOPEN,
        event=EventKind.REOPENED,
        body=reason.strip(),
        is_public=True,
        now=now,
        closed_at=None,
        closure_code="",
        decision="",
        decision_reasons="",
        assignee=None,
        derive=lambda locked: {
            "due_at": clocks.expected_answer(
                kind=locked.kind, service=locked.service, urgent=locked.is_urgent, now=now
            )
        },
    )


def _citizen_contact_changed(
    *, citizen_id: int | None, phone: str, email: str, now: datetime.datetime
) -> None:
    """The citizen changed their phone or email on the tracking page: the registry follows
    (their own word on how to reach them counts even on a verified record) when the record
    is theirs alone: it has this one case, or only cases staff registered. A record that
    also holds a web case may hold someone else's (a web case joins a record by its phone,
    which anyone may type): there the case's details change and the registry is left for
    staff to update."""
    if citizen_id is None:
        return
    cases = Case.objects.filter(citizen_id=citizen_id).aggregate(
        total=Count("pk"), web=Count("pk", filter=Q(channel=Channel.WEB))
    )
    if cases["total"] > 1 and cases["web"]:
        return
    citizen_registry.update_contact(citizen_id=citizen_id, phone=phone, email=email, now=now)


def update_citizen_contact(
    *, case: Case, phone: str, email: str = "", now: datetime.datetime | None = None
) -> Case:
    """The citizen keeps their phone and email current (a duty the charters name). Messages
    sent after this go to the new details; the event says that they changed, not to what."""
    phone = parse_phone(phone)
    email = email.strip().lower()
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_case(case)
        if (locked.citizen_phone, locked.citizen_email) == (phone, email):
            return locked
        locked.citizen_phone, locked.citizen_email = phone, email
        locked.updated_at = now
        locked.search_text = search_index.with_identity(
            locked.search_text,
            citizen_name=locked.citizen_name,
            citizen_phone=phone,
            citizen_national_id=locked.citizen_national_id,
        )
        locked.save(update_fields=["citizen_phone", "citizen_email", "updated_at", "search_text"])
        _citizen_contact_changed(citizen_id=locked.citizen_id, phone=phone, email=email, now=now)
        record_event(
            locked, kind=EventKind.CONTACT_UPDATED, now=now, is_public=True, by_citizen=True
        )
    return locked


def log_confidential_read(*, case: Case, user: User, now: datetime.datetime | None = None) -> None:
    ConfidentialRead.objects.create(case=case, user=user, at=now or timezone.now())
