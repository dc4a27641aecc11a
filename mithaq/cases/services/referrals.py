"""Referrals with acceptance: the receiving unit accepts a case or returns it as not
competent, and the citizens' affairs office sees the returns until it deals with them
(open_returns)."""

import datetime
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from mithaq.accounts.models import OrgUnit, User
from mithaq.routing import rules
from mithaq.routing.models import Referral, ReferralStatus

from ..models import Case, CaseEvent
from ..states import TRANSITIONS, Action, EventKind, State
from . import assignment
from .events import CaseStateError, lock_case, record_event


def record_referral(
    *,
    case: Case,
    from_unit: OrgUnit,
    to_unit: OrgUnit,
    actor: User,
    reason: str,
    now: datetime.datetime,
) -> Referral:
    """Called by cases.services.refer_case inside its transaction: the referral waits for
    the receiving unit. A referral still waiting is passed on, and a returned one is routed."""
    Referral.objects.filter(case=case, status=ReferralStatus.PENDING).update(
        status=ReferralStatus.PASSED_ON, decided_by=actor, decided_at=now
    )
    Referral.objects.filter(
        case=case, status=ReferralStatus.RETURNED, rerouted_at__isnull=True
    ).update(rerouted_at=now)
    return Referral.objects.create(
        case=case,
        from_unit=from_unit,
        to_unit=to_unit,
        referred_by=actor,
        reason=reason.strip(),
        referred_at=now,
    )


def _pending(locked: Case) -> Referral:
    """The referral the case's unit has to decide on. A case referred before referrals were
    recorded has only its REFERRED event: the record is made from it."""
    referral = (
        Referral.objects.filter(case=locked, to_unit=locked.unit, status=ReferralStatus.PENDING)
        .order_by("-referred_at", "-id")
        .first()
    )
    if referral is not None:
        return referral
    if locked.state == State.REFERRED:
        event = (
            CaseEvent.objects.filter(case=locked, kind=EventKind.REFERRED, to_unit=locked.unit)
            .order_by("-at", "-id")
            .first()
        )
        if event is not None and event.from_unit_id:
            return Referral.objects.create(
                case=locked,
                from_unit_id=event.from_unit_id,
                to_unit=locked.unit,
                referred_by_id=event.actor_id,
                reason=event.body,
                referred_at=event.at,
            )
    # A new case that reached the unit on submission (the citizen's choice or a rule) was
    # routed by the office: a return sends it back there.
    office = rules.citizens_office()
    if locked.state == State.RECEIVED and office is not None and office.pk != locked.unit_id:
        return Referral.objects.create(
            case=locked,
            from_unit=office,
            to_unit=locked.unit,
            reason=_("Routed on submission"),
            referred_at=locked.created_at,
        )
    raise ValidationError(_("No referral of this case is waiting for a decision."), code="none")


def _check(action: Action, locked: Case) -> None:
    if locked.state not in TRANSITIONS[action].sources:
        raise CaseStateError(
            _("This case cannot be changed this way while it is “%(state)s”.")
            % {"state": locked.get_state_display()},
            code="bad_state",
        )


def accept_referral(*, case: Case, actor: User, now: datetime.datetime | None = None) -> Case:
    """The receiving unit takes the case: it is under review there, and the unit's
    assignment mode may give it an officer."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_case(case)
        _check(Action.ACCEPT_REFERRAL, locked)
        referral = _pending(locked)
        referral.status = ReferralStatus.ACCEPTED
        referral.decided_by = actor
        referral.decided_at = now
        referral.save(update_fields=["status", "decided_by", "decided_at"])
        before = locked.state
        locked.state = cast(
            State, TRANSITIONS[Action.ACCEPT_REFERRAL].target
        )  # a moving transition
        if locked.assignee_id is None:
            locked.assignee = assignment.pick_assignee(locked.unit)
        locked.updated_at = now
        locked.save(update_fields=["state", "assignee", "updated_at"])
        record_event(
            locked,
            kind=EventKind.REFERRAL_ACCEPTED,
            actor=actor,
            now=now,
            from_state=before,
            from_unit_id=referral.from_unit_id,
            to_unit=locked.unit,
        )
        if locked.assignee_id is not None:
            record_event(
                locked, kind=EventKind.ASSIGNED, actor=actor, now=now, assignee=locked.assignee
            )
    return locked


def return_referral(
    *, case: Case, actor: User, reason: str, now: datetime.datetime | None = None
) -> Case:
    """The receiving unit says the case is not for it: the case goes back to whoever sent
    it (the referring unit, or the citizens' affairs office for a new case), unassigned, and
    waits in the office's returns list until it is routed again."""
    if not (reason or "").strip():
        raise ValidationError(
            _("Say why the case is not for your unit: the office routes it by your reason."),
            code="reason",
        )
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_case(case)
        _check(Action.RETURN_REFERRAL, locked)
        if locked.unit.is_citizens_office and locked.state == State.RECEIVED:
            raise ValidationError(
                _("The office routes its own new cases from the triage queue."), code="office"
            )
        referral = _pending(locked)
        back_to = referral.from_unit
        if back_to.pk == locked.unit_id:
            raise ValidationError(_("The case is already with this unit."), code="same_unit")
        referral.status = ReferralStatus.RETURNED
        referral.decided_by = actor
        referral.decided_at = now
        referral.return_reason = reason.strip()
        referral.save(update_fields=["status", "decided_by", "decided_at", "return_reason"])
        before, returning_unit = locked.state, locked.unit
        locked.state = cast(
            State, TRANSITIONS[Action.RETURN_REFERRAL].target
        )  # a moving transition
        locked.unit = back_to
        locked.assignee = None
        locked.updated_at = now
        locked.save(update_fields=["state", "unit", "assignee", "updated_at"])
        # Internal: the office reads it in its returns list and on the timeline.
        record_event(
            locked,
            kind=EventKind.REFERRAL_RETURNED,
            actor=actor,
            now=now,
            from_state=before,
            from_unit=returning_unit,
            to_unit=back_to,
            body=reason.strip(),
            is_public=False,
        )
    return locked


# What shows that a returned case is being dealt with when it happens after the return: it
# is routed again, given to someone, the citizen is asked or answered, it is settled or
# merged, or another unit returns it (that later return is the one to deal with).
_DEALT_WITH = (
    EventKind.REFERRED,
    EventKind.ASSIGNED,
    EventKind.INFO_REQUESTED,
    EventKind.REPLIED,
    EventKind.DECIDED,
    EventKind.RESOLVED,
    EventKind.CLOSED,
    EventKind.MERGED,
    EventKind.REFERRAL_RETURNED,
)


def open_returns() -> QuerySet[Referral]:
    """Returned referrals the office has still to deal with, newest first. A return is open
    until the case is referred again (rerouted_at) or its timeline shows, after the return's
    own event, that someone is dealing with it (_DEALT_WITH): the office (or the unit it went
    back to) may handle a returned case itself instead of routing it. Read from the events,
    so that every way of assigning, answering or closing a case counts without each having
    to know about returns; "after" is by event id, so that it holds with a frozen clock."""
    return_event = (
        CaseEvent.objects.filter(
            case=OuterRef("case_id"), kind=EventKind.REFERRAL_RETURNED, at=OuterRef("decided_at")
        )
        .order_by("-id")
        .values("id")[:1]
    )
    dealt_with = CaseEvent.objects.filter(
        case=OuterRef("case_id"), kind__in=_DEALT_WITH, pk__gt=OuterRef("return_event")
    )
    return (
        Referral.objects.filter(status=ReferralStatus.RETURNED, rerouted_at__isnull=True)
        .annotate(return_event=Subquery(return_event))
        .filter(~Exists(dealt_with))
        .select_related("case", "from_unit", "to_unit", "decided_by")
        .order_by("-decided_at", "-id")
    )
