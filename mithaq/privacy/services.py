"""Writes of the people's data rights: an export recorded, an erasure requested, approved
or refused, and the erasure itself, the one path both an approved request and the daily
retention job take. The log lines name the person by their registry id only."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mithaq.accounts.access import handles_data_rights
from mithaq.accounts.models import User
from mithaq.cases.models import Case
from mithaq.cases.services.privacy import anonymise_case
from mithaq.cases.states import State
from mithaq.citizens.models import Citizen
from mithaq.citizens.services import ERASED_NAME, anonymise_citizen
from mithaq.common.crypto import HashKind, search_hashes
from mithaq.intake.models import WebhookDelivery, WhatsAppInbound
from mithaq.interviews.models import Decision, InterviewEvent, InterviewRequest
from mithaq.notifications.models import Message
from mithaq.notifications.services import erase_messages
from mithaq.surveys.models import SurveyAnswer
from mithaq.walkin.models import HallBooking, Ticket

from .collect import person_interviews
from .models import DataRequest, RequestKind, RequestState

logger = logging.getLogger("mithaq.privacy")


# Export -----------------------------------------------------------------------------------


def record_export(*, citizen: Citizen, by: User, now: datetime.datetime) -> DataRequest:
    """An export asked for and handed over at once: one row, and its log line."""
    row = DataRequest.objects.create(
        kind=RequestKind.EXPORT,
        state=RequestState.DONE,
        citizen=citizen,
        requested_by=by,
        requested_at=now,
        done_at=now,
    )
    logger.info("data export request=%s citizen=%s by=%s", row.pk, citizen.pk, by.pk)
    return row


# Erasure on request -----------------------------------------------------------------------


@transaction.atomic
def request_erasure(*, citizen: Citizen, by: User, now: datetime.datetime) -> DataRequest:
    pending = DataRequest.objects.select_for_update().filter(
        citizen=citizen, kind=RequestKind.ERASURE, state=RequestState.REQUESTED
    )
    if pending.exists():
        raise ValidationError(
            _("An erasure of this person's data is already awaiting approval."), code="pending"
        )
    if citizen.name == ERASED_NAME and citizen.national_id.startswith("erased-"):
        raise ValidationError(_("This person's data was erased already."), code="erased")
    row = DataRequest.objects.create(
        kind=RequestKind.ERASURE,
        state=RequestState.REQUESTED,
        citizen=citizen,
        requested_by=by,
        requested_at=now,
    )
    logger.info("erasure requested request=%s citizen=%s by=%s", row.pk, citizen.pk, by.pk)
    return row


def _locked_pending(request_id: int) -> DataRequest:
    row = (
        DataRequest.objects.select_for_update()
        .filter(pk=request_id, kind=RequestKind.ERASURE)
        .first()
    )
    if row is None or row.state != RequestState.REQUESTED:
        raise ValidationError(_("This request was decided already."), code="decided")
    return row


def _check_decider(row: DataRequest, by: User) -> None:
    if not handles_data_rights(by):
        raise ValidationError(_("You may not decide erasure requests."), code="forbidden")
    if row.requested_by_id == by.pk:
        raise ValidationError(
            _("A second person approves an erasure: not the one who asked for it."),
            code="four_eyes",
        )


@transaction.atomic
def approve_erasure(*, request_id: int, by: User, now: datetime.datetime) -> DataRequest:
    """Approve and carry out an erasure, in one transaction (the files go after commit)."""
    row = _locked_pending(request_id)
    _check_decider(row, by)
    row.cases_erased = erase_person(citizen=row.citizen, actor=by, now=now)
    row.state = RequestState.DONE
    row.decided_by, row.decided_at, row.done_at = by, now, now
    row.save()
    logger.info(
        "erasure done request=%s citizen=%s by=%s cases=%s",
        row.pk,
        row.citizen_id,
        by.pk,
        row.cases_erased,
    )
    return row


@transaction.atomic
def refuse_erasure(*, request_id: int, by: User, now: datetime.datetime) -> DataRequest:
    row = _locked_pending(request_id)
    _check_decider(row, by)
    row.state = RequestState.REFUSED
    row.decided_by, row.decided_at = by, now
    row.save()
    logger.info("erasure refused request=%s citizen=%s by=%s", row.pk, row.citizen_id, by.pk)
    return row


# The erasure itself -----------------------------------------------------------------------


def _erase_case_extras(cases: QuerySet[Case]) -> None:
    """What the apps above cases hold of these cases' people: survey comments, the texts of
    interviews they led to, the payloads sent to webhooks."""
    SurveyAnswer.objects.filter(case__in=cases).update(comment="")
    WebhookDelivery.objects.filter(case_event__case__in=cases).update(payload={})
    _erase_interviews(InterviewRequest.objects.filter(case__in=cases))


def _erase_interviews(requests: QuerySet[InterviewRequest]) -> None:
    ids = list(requests.values_list("pk", flat=True))
    InterviewRequest.objects.filter(pk__in=ids).update(
        citizen_name=ERASED_NAME,
        citizen_phone="",
        citizen_email="",
        subject=ERASED_NAME,
        summary="",
        earlier_references="",
        preferred_days="",
        decline_reason="",
        attendees="",
        asked="",
        said="",
    )
    InterviewEvent.objects.filter(request_id__in=ids).update(note="")
    Decision.objects.filter(request_id__in=ids).update(text="")


@transaction.atomic
def erase_person(*, citizen: Citizen, actor: User | None, now: datetime.datetime) -> int:
    """Erase everything held about `citizen`: each of their cases (cases.services.privacy),
    what other apps hold of them, and the registry record. Returns the cases erased now."""
    cases = Case.objects.filter(citizen=citizen)
    erased = sum(
        anonymise_case(case=case, actor=actor, now=now)
        for case in cases.filter(anonymised_at__isnull=True).order_by("pk")
    )
    _erase_case_extras(cases)
    _erase_interviews(person_interviews(citizen, cases))
    addresses = [a for a in (citizen.phone, citizen.email) if a]
    if addresses:
        erase_messages(Message.objects.filter(address__in=addresses))
    if citizen.phone:
        Ticket.objects.filter(phone=citizen.phone).update(phone="")
        HallBooking.objects.filter(phone=citizen.phone).update(phone="")
        # The WhatsApp messages' sender: the phone's keyed hash, which confirms a guess.
        WhatsAppInbound.objects.filter(
            sender__in=search_hashes(HashKind.PHONE, citizen.phone)
        ).update(sender="")
    anonymise_citizen(citizen_id=citizen.pk)
    return erased


# Retention --------------------------------------------------------------------------------


def retention_days() -> dict[str, int]:
    return dict(settings.MITHAQ_RETENTION_DAYS)


def apply_retention(*, now: datetime.datetime | None = None, batch: int = 200) -> int:
    """Erase the closed cases whose kind's retention period has passed since closing, each
    in its own transaction, and then the registry record of anyone left with no case that is
    not erased. Idempotent; returns the cases erased."""
    now = now or timezone.now()
    due = Q(pk__in=[])
    for kind, days in retention_days().items():
        due |= Q(kind=kind, closed_at__lt=now - datetime.timedelta(days=days))
    cases = Case.objects.filter(due, state=State.CLOSED, anonymised_at__isnull=True)
    erased = 0
    citizens: set[int] = set()
    for case in cases.order_by("closed_at", "pk")[:batch]:
        with transaction.atomic():
            if anonymise_case(case=case, actor=None, now=now):
                _erase_case_extras(Case.objects.filter(pk=case.pk))
                erased += 1
                if case.citizen_id:
                    citizens.add(case.citizen_id)
    for citizen in Citizen.objects.filter(pk__in=citizens).exclude(
        cases__anonymised_at__isnull=True
    ):
        erase_person(citizen=citizen, actor=None, now=now)
    if erased:
        logger.info("retention erased cases=%s", erased)
    return erased
