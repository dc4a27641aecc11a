"""Every write to an interview request: submission, screening (book a slot, send to a unit
as a case, decline), the citizen's move or cancellation, and the meeting's record.

Each function runs in one transaction, locks the request row first (then, when booking,
the schedule's row: mithaq.scheduling), checks the transition table, writes its
InterviewEvent, and queues the citizen's SMS and email (mithaq.notifications) in the same
transaction."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from mithaq.accounts.models import Membership, OrgUnit, Role, User
from mithaq.cases.models import Case, new_tracking_code
from mithaq.cases.services import submit_case
from mithaq.cases.states import Channel, Kind
from mithaq.common.dates import hijri, long_date
from mithaq.common.phones import parse_phone
from mithaq.notifications.services import cancel_contact_messages, notify_contact
from mithaq.routing.calendar import active_calendar
from mithaq.scheduling import services as slots
from mithaq.scheduling.models import Booking

from .models import Decision, InterviewEvent, InterviewRequest
from .states import TRANSITIONS, EventKind, RequestState


class InterviewStateError(ValidationError):
    """The request is not in a state that allows this."""


def _check(request: InterviewRequest, to: str) -> None:
    if to not in TRANSITIONS.get(request.state, frozenset()):
        raise InterviewStateError(
            _("This request is no longer in a state that allows this."), code="state"
        )


def _lock(request: InterviewRequest) -> InterviewRequest:
    return InterviewRequest.objects.select_for_update().get(pk=request.pk)


def _booking_of(request: InterviewRequest) -> Booking:
    if request.booking_id is None:
        raise InterviewStateError(_("This interview has no appointment."), code="state")
    return Booking.objects.get(pk=request.booking_id)


def _event(
    request: InterviewRequest,
    kind: str,
    *,
    actor: User | None,
    now: datetime.datetime,
    note: str = "",
) -> None:
    InterviewEvent.objects.create(request=request, kind=kind, actor=actor, note=note, at=now)


def officials() -> list[Membership]:
    """Who may be asked for: everyone holding the official role on an active unit."""
    return list(
        Membership.objects.filter(role=Role.OFFICIAL, unit__is_active=True, user__is_active=True)
        .select_related("user", "unit")
        .order_by("unit__path", "user__full_name")
    )


def submit_request(
    *,
    official: User,
    unit: OrgUnit,
    subject: str,
    summary: str,
    citizen_name: str,
    citizen_phone: str,
    citizen_email: str = "",
    citizen_language: str = "ar",
    earlier_references: str = "",
    preferred_days: str = "",
    received_by: User | None = None,
    now: datetime.datetime | None = None,
) -> InterviewRequest:
    """A new request, from the portal (received_by None) or the reception desk."""
    if not Membership.objects.filter(
        user=official, unit=unit, role=Role.OFFICIAL, unit__is_active=True
    ).exists():
        raise ValidationError(_("Choose an official who receives interviews."), code="official")
    now = now or timezone.now()
    with transaction.atomic():
        code = new_tracking_code()
        # Case and request references share one space, so neither is mistaken for the other.
        while (
            InterviewRequest.objects.filter(code=code).exists()
            or Case.objects.filter(code=code).exists()
        ):
            code = new_tracking_code()
        request = InterviewRequest.objects.create(
            code=code,
            official=official,
            unit=unit,
            subject=subject.strip(),
            summary=summary.strip(),
            earlier_references=earlier_references.strip(),
            preferred_days=preferred_days.strip(),
            citizen_name=citizen_name.strip(),
            citizen_phone=parse_phone(citizen_phone),
            citizen_email=citizen_email.strip().lower(),
            citizen_language=citizen_language,
            channel=Channel.WEB if received_by is None else Channel.WALK_IN,
            received_by=received_by,
            created_at=now,
            updated_at=now,
        )
        _event(request, EventKind.REQUESTED, actor=received_by, now=now)
    return request


# Telling the citizen -------------------------------------------------------------------------


def _when(moment: datetime.datetime, language: str) -> tuple[str, str]:
    """The interview's moment as the citizen reads it: the Gregorian date and time, and the
    Hijri date, in `language` and the institution's time zone."""
    local = moment.astimezone(active_calendar().tz)
    with translation.override(language):
        when = f"{long_date(local.date(), weekday=True)} {formats.time_format(local, 'H:i')}"
        return when, hijri(local.date())


def _tell(
    request: InterviewRequest,
    event_key: str,
    *,
    occasion: str,
    text: str = "",
    unit: str = "",
    not_before: datetime.datetime | None = None,
) -> None:
    language = request.citizen_language
    when, hijri_date = _when(request.booking.starts_at, language) if request.booking else ("", "")
    notify_contact(
        key=f"interview:{request.code}:{occasion}",
        phone=request.citizen_phone,
        email=request.citizen_email,
        language=language,
        event_key=event_key,
        context={
            "reference": request.code,
            "official": request.official.display_name,
            "when": when,
            "hijri": hijri_date,
            "unit": unit,
            "text": text,
            "track_url": settings.MITHAQ_PUBLIC_URL.rstrip("/") + reverse("interviews:track"),
        },
        not_before=not_before,
    )


def reminder_moment(starts_at: datetime.datetime) -> datetime.datetime | None:
    """When the reminder goes: the opening of the last working day before the interview's
    day, one hour in (working time, never a night's SMS); None when that is the same day."""
    calendar = active_calendar()
    day = starts_at.astimezone(calendar.tz).date() - datetime.timedelta(days=1)
    for _back in range(14):
        hours = calendar.day_hours(day)
        if hours is not None:
            opens = datetime.datetime.combine(day, hours[0], calendar.tz)
            return opens + datetime.timedelta(hours=1)
        day -= datetime.timedelta(days=1)
    return None


def _booked(request: InterviewRequest, now: datetime.datetime, occasion: str) -> None:
    """Tell the citizen the new date, and queue tomorrow's reminder (withdrawing any other)."""
    booking = request.booking
    if booking is None:
        return
    cancel_contact_messages(f"interview:{request.code}:reminder")
    _tell(request, "interview_scheduled", occasion=occasion)
    remind_at = reminder_moment(booking.starts_at)
    if remind_at is not None and remind_at > now:
        # Keyed by the change's moment: a slot booked again after a move gets its reminder.
        _tell(
            request,
            "interview_reminder",
            occasion=f"reminder:{booking.starts_at:%Y%m%d%H%M}:{now:%Y%m%d%H%M%S%f}",
            not_before=remind_at,
        )


# Screening -------------------------------------------------------------------------------------


def schedule_request(
    *,
    request: InterviewRequest,
    starts_at: datetime.datetime,
    actor: User,
    now: datetime.datetime | None = None,
) -> InterviewRequest:
    """Book the request into a free slot of its official's schedule (SlotRefused if the slot
    cannot be had; nothing is written then)."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _lock(request)
        _check(request, RequestState.SCHEDULED)
        if request.booking is not None:
            raise InterviewStateError(_("This interview is already booked."), code="state")
        schedule = slots.schedule_for(request.official_id)
        if schedule is None:
            raise ValidationError(
                _("This official has no interview hours yet."), code="no_schedule"
            )
        request.booking = slots.book_slot(schedule=schedule, starts_at=starts_at, now=now)
        request.state = RequestState.SCHEDULED
        request.updated_at = now
        request.save(update_fields=["booking", "state", "updated_at"])
        _event(request, EventKind.SCHEDULED, actor=actor, now=now)
        _booked(request, now, "scheduled")
    return request


def refer_request(
    *,
    request: InterviewRequest,
    unit: OrgUnit,
    actor: User,
    now: datetime.datetime | None = None,
) -> Case:
    """Send the request to `unit` as a case instead of an interview (mithaq.cases.services:
    the case gets its clocks and its own messages)."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _lock(request)
        _check(request, RequestState.REFERRED)
        web = request.channel == Channel.WEB
        case = submit_case(
            kind=Kind.PRESIDENT_REQUEST,
            unit=unit,
            channel=Channel.WEB if web else Channel.WALK_IN,
            received_by=None if web else (request.received_by or actor),
            subject=request.subject,
            body=request.summary,
            citizen_name=request.citizen_name,
            citizen_phone=request.citizen_phone,
            citizen_email=request.citizen_email,
            citizen_language=request.citizen_language,
            now=now,
        )
        request.case = case
        request.state = RequestState.REFERRED
        request.updated_at = now
        request.save(update_fields=["case", "state", "updated_at"])
        _event(request, EventKind.REFERRED, actor=actor, now=now, note=case.code)
        with translation.override(request.citizen_language):
            unit_name = unit.name
        _tell(request, "interview_referred", occasion="referred", unit=unit_name)
    return case


def decline_request(
    *,
    request: InterviewRequest,
    reason: str,
    actor: User,
    now: datetime.datetime | None = None,
) -> InterviewRequest:
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the request is declined."), code="reason")
    now = now or timezone.now()
    with transaction.atomic():
        request = _lock(request)
        _check(request, RequestState.DECLINED)
        request.state = RequestState.DECLINED
        request.decline_reason = reason
        request.updated_at = now
        request.save(update_fields=["state", "decline_reason", "updated_at"])
        _event(request, EventKind.DECLINED, actor=actor, now=now, note=reason)
        _tell(request, "interview_declined", occasion="declined", text=reason)
    return request


# The citizen's changes, and the office's -------------------------------------------------------


def move_request(
    *,
    request: InterviewRequest,
    starts_at: datetime.datetime,
    actor: User | None = None,
    now: datetime.datetime | None = None,
) -> InterviewRequest:
    """Move the interview to another free slot; by the citizen when `actor` is None (twice
    at most, mithaq.scheduling.MAX_CHANGES)."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _lock(request)
        _check(request, RequestState.SCHEDULED)
        booking = slots.move_booking(
            booking=_booking_of(request),
            starts_at=starts_at,
            by_citizen=actor is None,
            now=now,
        )
        request.booking = booking
        request.updated_at = now
        request.save(update_fields=["updated_at"])
        _event(request, EventKind.MOVED, actor=actor, now=now)
        _booked(request, now, f"moved:{booking.starts_at:%Y%m%d%H%M}:{now:%Y%m%d%H%M%S%f}")
    return request


def cancel_request(
    *,
    request: InterviewRequest,
    actor: User | None = None,
    now: datetime.datetime | None = None,
) -> InterviewRequest:
    """Cancel the interview and free its slot; by the citizen when `actor` is None."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _lock(request)
        _check(request, RequestState.CANCELLED)
        slots.cancel_booking(booking=_booking_of(request), by_citizen=actor is None, now=now)
        request.state = RequestState.CANCELLED
        request.updated_at = now
        request.save(update_fields=["state", "updated_at"])
        _event(request, EventKind.CANCELLED, actor=actor, now=now)
        cancel_contact_messages(f"interview:{request.code}:reminder")
        _tell(request, "interview_cancelled", occasion="cancelled")
    return request


# The meeting ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionInput:
    text: str
    unit: OrgUnit
    due_date: datetime.date


def record_meeting(
    *,
    request: InterviewRequest,
    actor: User,
    attendees: str,
    asked: str,
    said: str,
    decisions: Sequence[DecisionInput] = (),
    now: datetime.datetime | None = None,
) -> InterviewRequest:
    """The meeting held: who attended, what was asked and said, and each decision opened
    as a follow-up case of its owner unit (all in one transaction: a refused case leaves
    nothing written)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    for decision in decisions:
        if not decision.text.strip():
            raise ValidationError(_("Write what was decided."), code="decision")
        if decision.due_date < today:
            raise ValidationError(_("A decision's due date cannot be in the past."), code="due")
    with transaction.atomic():
        request = _lock(request)
        _check(request, RequestState.HELD)
        request.state = RequestState.HELD
        request.attendees, request.asked, request.said = (
            attendees.strip(),
            asked.strip(),
            said.strip(),
        )
        request.updated_at = now
        request.save(update_fields=["state", "attendees", "asked", "said", "updated_at"])
        for decision in decisions:
            case = submit_case(
                kind=Kind.PRESIDENT_REQUEST,
                unit=decision.unit,
                channel=Channel.WALK_IN,
                received_by=actor,
                subject=decision.text.strip()[:200],
                body=decision.text.strip(),
                citizen_name=request.citizen_name,
                citizen_phone=request.citizen_phone,
                citizen_email=request.citizen_email,
                citizen_language=request.citizen_language,
                now=now,
            )
            Decision.objects.create(
                request=request,
                text=decision.text.strip(),
                unit=decision.unit,
                due_date=decision.due_date,
                case=case,
            )
        _event(request, EventKind.HELD, actor=actor, now=now)
    return request


def record_no_show(
    *, request: InterviewRequest, actor: User, now: datetime.datetime | None = None
) -> InterviewRequest:
    now = now or timezone.now()
    with transaction.atomic():
        request = _lock(request)
        _check(request, RequestState.NO_SHOW)
        if request.booking is not None and request.booking.starts_at > now:
            raise InterviewStateError(
                _("A no-show is recorded once the interview's time has come."), code="early"
            )
        request.state = RequestState.NO_SHOW
        request.updated_at = now
        request.save(update_fields=["state", "updated_at"])
        _event(request, EventKind.NO_SHOW, actor=actor, now=now)
    return request
