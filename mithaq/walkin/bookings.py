"""Booked appointments in the hall, on the slot engine (mithaq.scheduling).

A hall service may have appointment hours: a scheduling.Schedule of its own (weekly windows
cut into `quota` slots, the working calendar's holidays, closures). A citizen books a free
slot online and gets an eight-digit code by SMS and on screen; at the kiosk the code checks
the visitor in and issues a ticket that waits as if taken `hall.booking_window_minutes`
before the appointment, so it is called at its time ahead of the walk-ins who came after.
An appointment not checked in by the end of that window is recorded absent and its slot freed
(release_no_shows, run by the scheduler and when the hall's appointments page is read).

Lock order: the HallBooking row, then the schedule's row (inside mithaq.scheduling); booking
anew locks only the schedule's row. Each function is one transaction."""

import datetime
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mithaq.accounts.models import User
from mithaq.common.dates import hijri, long_date
from mithaq.common.phones import parse_phone
from mithaq.notifications.models import Message
from mithaq.notifications.services import contact_messages, queue_contact
from mithaq.routing.calendar import active_calendar
from mithaq.scheduling import services as slots
from mithaq.scheduling.models import Closure, Schedule, WeeklyHours

from . import services
from .models import (
    Hall,
    HallBooking,
    HallEvent,
    HallService,
    Ticket,
    new_booking_code,
    new_ticket_token,
)
from .states import HallBookingState, HallEventKind


class BookingError(ValidationError):
    """The appointment cannot be checked in, moved or cancelled now; the message says why."""


# -- the hall's hours (its supervisor) -------------------------------------------------------


def bookable_services(hall: Hall) -> list[HallService]:
    """The hall's active services that take appointments (an active schedule with hours)."""
    return list(
        HallService.objects.filter(
            hall=hall,
            is_active=True,
            schedule__is_active=True,
            schedule__hours__isnull=False,
        )
        .distinct()
        .select_related("service", "schedule")
        .order_by("position", "letter")
    )


def week_order() -> list[int]:
    """The seven weekdays (Python's numbers, Monday=0) in the order the office reads its
    week: from the working calendar's first working day after its weekend (Sunday to
    Saturday in Iraq, Egypt or Saudi Arabia, whose weekend is Friday and Saturday)."""
    working = set(active_calendar().hours)
    first = next((day for day in range(7) if day in working and (day - 1) % 7 not in working), 0)
    return [(first + i) % 7 for i in range(7)]


@transaction.atomic
def add_hours(
    *,
    hall_service: HallService,
    weekday: int,
    starts: datetime.time,
    ends: datetime.time,
    quota: int,
) -> WeeklyHours:
    """Weekly appointment hours for a service: `quota` visitors between `starts` and `ends`
    (the window is cut into `quota` equal slots). The service's schedule is made at its first
    hours."""
    if ends <= starts:
        raise ValidationError(_("The hours must end after they start."), code="order")
    if not 1 <= quota <= 200:
        raise ValidationError(_("Give between 1 and 200 appointments."), code="quota")
    hall_service = HallService.objects.select_for_update().get(pk=hall_service.pk)
    if hall_service.schedule_id is None:
        hall_service.schedule = Schedule.objects.create(
            unit_id=hall_service.hall.unit_id,
            name=f"{hall_service.hall.code} {hall_service.letter}",
        )
        hall_service.save(update_fields=["schedule"])
    schedule = cast(Schedule, hall_service.schedule)  # made just above when it was missing
    if WeeklyHours.objects.filter(
        schedule=schedule, weekday=weekday, starts__lt=ends, ends__gt=starts
    ).exists():
        raise ValidationError(
            _("These hours overlap hours already set for that day."), code="overlap"
        )
    return WeeklyHours.objects.create(
        schedule=schedule, weekday=weekday, starts=starts, ends=ends, quota=quota
    )


@transaction.atomic
def remove_hours(*, hours: WeeklyHours) -> None:
    """Appointments already booked stay booked; no new ones are given in these hours."""
    hours.delete()


def closures(hall: Hall) -> list[Closure]:
    """The one-off closures of the hall's services' appointments not yet over, in date order."""
    today = hall.local_day(timezone.now())
    return list(
        Closure.objects.filter(schedule__hall_service__hall=hall, last_day__gte=today)
        .select_related("schedule__hall_service__service")
        .order_by("first_day", "pk")
    )


def booked_between(
    hall_service: HallService, first_day: datetime.date, last_day: datetime.date
) -> QuerySet[HallBooking]:
    """The service's appointments still booked on the hall's local days first..last."""
    tz = hall_service.hall.tzinfo
    start = datetime.datetime.combine(first_day, datetime.time(0), tz)
    end = datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time(0), tz)
    return HallBooking.objects.filter(
        hall_service=hall_service,
        state=HallBookingState.BOOKED,
        booking__starts_at__gte=start,
        booking__starts_at__lt=end,
    )


@transaction.atomic
def add_closure(
    *,
    hall_service: HallService,
    first_day: datetime.date,
    last_day: datetime.date,
    reason: str = "",
    cancel_booked: bool = False,
    now: datetime.datetime | None = None,
) -> Closure:
    """Close the service's appointments from `first_day` to `last_day` (whole local days):
    no free time is offered and no booking taken on them. Appointments already booked on
    those days make it refused with their count, unless `cancel_booked`: then each is
    cancelled by the office and its citizen told by SMS, in this one transaction.

    Lock order as everywhere here: the appointments' rows, then the schedule's; a booking
    made between the two is found under the schedule's lock and refuses the closure."""
    now = now or timezone.now()
    hall = hall_service.hall
    if last_day < first_day:
        raise ValidationError(_("The closure must end on or after its first day."), code="order")
    if first_day < hall.local_day(now):
        raise ValidationError(_("A closure cannot begin in the past."), code="past")
    if (last_day - first_day).days >= slots.HORIZON_DAYS + 1:
        raise ValidationError(
            _("A closure may last %(days)d days at most.") % {"days": slots.HORIZON_DAYS + 1},
            code="length",
        )
    if hall_service.schedule_id is None:
        raise ValidationError(_("This service has no appointment hours."), code="no_hours")
    booked = list(
        booked_between(hall_service, first_day, last_day)
        .select_for_update(of=("self",))
        .select_related("hall", "hall_service__service", "booking__schedule")
        .order_by("booking__starts_at")
    )
    if booked and not cancel_booked:
        raise ValidationError(
            ngettext(
                "%(count)d appointment is booked on these days. Tick the box to cancel it "
                "and tell the citizen by SMS, or choose other days.",
                "%(count)d appointments are booked on these days. Tick the box to cancel "
                "them and tell each citizen by SMS, or choose other days.",
                len(booked),
            )
            % {"count": len(booked)},
            code="booked",
        )
    for row in booked:
        cancel(hall_booking=row, by_citizen=False, now=now)
    schedule = Schedule.objects.select_for_update().get(pk=hall_service.schedule_id)
    if booked_between(hall_service, first_day, last_day).exists():
        raise ValidationError(
            _("An appointment was just booked on these days: try again."), code="booked"
        )
    return Closure.objects.create(
        schedule=schedule, first_day=first_day, last_day=last_day, reason=reason.strip()
    )


@transaction.atomic
def remove_closure(*, closure: Closure) -> None:
    """The days open again for appointments (those cancelled by the closure stay cancelled)."""
    closure.delete()


# -- the citizen ---------------------------------------------------------------------------


def free_times(
    hall_service: HallService, *, now: datetime.datetime | None = None
) -> list[slots.Slot]:
    if hall_service.schedule is None:
        return []
    return slots.free_slots(schedule=hall_service.schedule, now=now)


def when_text(
    moment: datetime.datetime, language: str, tz: datetime.tzinfo | None = None
) -> tuple[str, str]:
    """The appointment as the citizen reads it: Gregorian date and time, and Hijri date."""
    local = moment.astimezone(tz or timezone.get_default_timezone())
    with translation.override(language):
        when = f"{long_date(local.date(), weekday=True)} {formats.time_format(local, 'H:i')}"
        return when, hijri(local.date())


def _messages(
    *,
    hall_service: HallService,
    code: str,
    token: str,
    phone: str,
    language: str,
    starts_at: datetime.datetime,
    occasion: str,
) -> list[Message]:
    """The SMS of an appointment booked, moved or cancelled, rendered before any lock is
    taken (texts, dates, names, link); written by notifications.queue_contact in the
    transaction that books, moves or cancels."""
    hall = hall_service.hall
    when, hijri_date = when_text(starts_at, language, hall.tzinfo)
    with translation.override(language):
        service = str(hall_service.service.name)
        hall_name = str(hall.name)
    cancelled = occasion == "cancelled"
    link = (
        reverse("walkin:book", args=[hall.code])
        if cancelled
        else reverse("walkin:booking", args=[token])
    )
    return contact_messages(
        key=f"hall-booking:{code}:{occasion}",
        phone=phone,
        email="",
        language=language,
        event_key="hall_cancelled" if cancelled else "hall_booked",
        context={
            "reference": code,
            "service": service,
            "hall": hall_name,
            "when": when,
            "hijri": hijri_date,
            "track_url": settings.MITHAQ_PUBLIC_URL.rstrip("/") + link,
        },
    )


def _messages_of(
    hall_booking: HallBooking, starts_at: datetime.datetime, occasion: str
) -> list[Message]:
    return _messages(
        hall_service=hall_booking.hall_service,
        code=hall_booking.code,
        token=hall_booking.token,
        phone=hall_booking.phone,
        language=hall_booking.language,
        starts_at=starts_at,
        occasion=occasion,
    )


def book(
    *,
    hall_service: HallService,
    starts_at: datetime.datetime,
    phone: str,
    language: str = "ar",
    now: datetime.datetime | None = None,
) -> HallBooking:
    """Book the slot starting at `starts_at` (scheduling.SlotRefused when it cannot be had,
    nothing written then) and text the code. Everything that needs no lock (the code, the
    link, the SMS) is made first: the schedule's row is held only to check the slot and
    write the booking, its HallBooking and its SMS (one transaction)."""
    now = now or timezone.now()
    phone = parse_phone(phone)
    language = language[:2]
    hall = hall_service.hall
    if (
        hall_service.schedule is None
        or not hall_service.is_active
        or not hall.is_active
        or not hall_service.schedule.is_active
    ):
        raise slots.SlotRefused(_("This service takes no appointments."), code="closed")
    for _attempt in range(3):
        # A code already given (1 in 10^8) is refused by its unique index: drawn again below.
        code, token = new_booking_code(), new_ticket_token()
        sms = _messages(
            hall_service=hall_service,
            code=code,
            token=token,
            phone=phone,
            language=language,
            starts_at=starts_at,
            occasion="booked",
        )
        try:
            with transaction.atomic():
                booking = slots.book_slot(
                    schedule=hall_service.schedule, starts_at=starts_at, now=now
                )
                hall_booking = HallBooking.objects.create(
                    hall=hall,
                    hall_service=hall_service,
                    booking=booking,
                    code=code,
                    token=token,
                    phone=phone,
                    language=language,
                    created_at=now,
                )
                queue_contact(sms)
                return hall_booking
        except IntegrityError:
            # Two bookings drew the same code at once (1 in 10^8): draw again.
            continue
    raise slots.SlotRefused(_("Please try again."), code="full")


def _lock(hall_booking: HallBooking) -> HallBooking:
    return (
        HallBooking.objects.select_for_update(of=("self",))
        .select_related("hall", "hall_service__service", "booking__schedule")
        .get(pk=hall_booking.pk)
    )


def _still_booked(hall_booking: HallBooking) -> None:
    if hall_booking.state != HallBookingState.BOOKED:
        raise BookingError(
            _("This appointment is %(state)s: it cannot be changed.")
            % {"state": hall_booking.get_state_display()},
            code="state",
        )


def move(
    *,
    hall_booking: HallBooking,
    starts_at: datetime.datetime,
    now: datetime.datetime | None = None,
) -> HallBooking:
    """The citizen moves the appointment (twice at most, with cancelling: scheduling). The
    SMS of the new time is made before the rows are locked (code, phone and link never
    change)."""
    now = now or timezone.now()
    local = starts_at.astimezone(hall_booking.hall.tzinfo)
    sms = _messages_of(hall_booking, starts_at, f"moved:{local:%Y%m%d%H%M}")
    with transaction.atomic():
        hall_booking = _lock(hall_booking)
        _still_booked(hall_booking)
        hall_booking.booking = slots.move_booking(
            booking=hall_booking.booking, starts_at=starts_at, by_citizen=True, now=now
        )
        queue_contact(sms)
    return hall_booking


def cancel(
    *,
    hall_booking: HallBooking,
    by_citizen: bool = True,
    now: datetime.datetime | None = None,
) -> HallBooking:
    """Cancel the appointment and free its slot; the citizen is told by SMS, once. The
    citizen's cancelling counts among their changes; the office's (closing the day) not."""
    now = now or timezone.now()
    starts_at = hall_booking.booking.starts_at
    sms = _messages_of(hall_booking, starts_at, "cancelled")
    with transaction.atomic():
        hall_booking = _lock(hall_booking)
        _still_booked(hall_booking)
        if hall_booking.booking.starts_at != starts_at:  # moved meanwhile: its time now
            sms = _messages_of(hall_booking, hall_booking.booking.starts_at, "cancelled")
        slots.cancel_booking(booking=hall_booking.booking, by_citizen=by_citizen, now=now)
        hall_booking.state = HallBookingState.CANCELLED
        hall_booking.closed_at = now
        hall_booking.save(update_fields=["state", "closed_at"])
        queue_contact(sms)
    return hall_booking


# -- at the kiosk --------------------------------------------------------------------------


def queued_moment(hall_booking: HallBooking) -> datetime.datetime:
    """Where a booked ticket stands in the line: the hall's window before its time."""
    window = datetime.timedelta(minutes=hall_booking.hall.booking_window_minutes)
    return hall_booking.booking.starts_at - window


def check_in(
    *,
    hall: Hall,
    code: str,
    issued_by: User | None = None,
    now: datetime.datetime | None = None,
) -> Ticket:
    """The visitor types the booking code at the kiosk: a ticket for the booked service,
    standing in the line at queued_moment(). BookingError says why not."""
    now = now or timezone.now()
    code = "".join(ch for ch in code if not ch.isspace())
    with transaction.atomic():
        row = (
            HallBooking.objects.select_for_update(of=("self",))
            .select_related("hall", "hall_service__service", "booking")
            .filter(hall=hall, code=code)
            .first()
            if code.isdigit() and len(code) == 8
            else None
        )
        if row is None:
            raise BookingError(
                _("No appointment in this hall has this code: check the number in your SMS."),
                code="unknown",
            )
        if row.state == HallBookingState.CHECKED_IN:
            raise BookingError(_("This appointment has already been checked in."), code="used")
        _still_booked(row)
        starts_at = row.booking.starts_at
        window = datetime.timedelta(minutes=hall.booking_window_minutes)
        if hall.local_day(starts_at) != hall.local_day(now):
            when, _hijri = when_text(starts_at, translation.get_language() or "ar", hall.tzinfo)
            raise BookingError(
                _("Your appointment is on %(when)s: come back that day.") % {"when": when},
                code="other_day",
            )
        if now > starts_at + window:
            raise BookingError(
                _(
                    "The time to check in for this appointment has passed: "
                    "take a number for the service instead."
                ),
                code="late",
            )
        ticket = services.issue_ticket(
            hall=hall,
            hall_service=row.hall_service,
            phone=row.phone,
            language=row.language,
            issued_by=issued_by,
            now=now,
        )
        ticket.queued_at = queued_moment(row)
        ticket.save(update_fields=["queued_at"])
        row.state = HallBookingState.CHECKED_IN
        row.ticket = ticket
        row.closed_at = now
        row.save(update_fields=["state", "ticket", "closed_at"])
        HallEvent.objects.create(
            hall=hall,
            ticket=ticket,
            kind=HallEventKind.CHECKED_IN,
            at=now,
            actor=issued_by,
            to_state=ticket.state,
            detail=f"{starts_at.astimezone(hall.tzinfo):%H:%M}",
        )
    return ticket


def release_no_shows(*, now: datetime.datetime | None = None) -> int:
    """Record as absent every appointment not checked in by the end of its hall's window,
    and free its slot. Returns how many. Rows another process holds are left to it."""
    now = now or timezone.now()
    # The widest window any hall sets bounds the rows to look at.
    released = 0
    candidates = (
        HallBooking.objects.filter(state=HallBookingState.BOOKED, booking__starts_at__lt=now)
        .select_related("hall")
        .values_list("pk", "hall__booking_window_minutes", "booking__starts_at")
    )
    for pk, minutes, starts_at in candidates:
        if starts_at + datetime.timedelta(minutes=minutes) >= now:
            continue
        with transaction.atomic():
            rows = HallBooking.objects.filter(pk=pk, state=HallBookingState.BOOKED)
            if connection.features.has_select_for_update_skip_locked:
                rows = rows.select_for_update(skip_locked=True, of=("self",))
            row = rows.select_related("hall", "booking").first()
            if row is None:
                continue
            slots.cancel_booking(booking=row.booking, by_citizen=False, now=now)
            row.state = HallBookingState.NO_SHOW
            row.closed_at = now
            row.save(update_fields=["state", "closed_at"])
            HallEvent.objects.create(
                hall=row.hall,
                kind=HallEventKind.BOOKING_NO_SHOW,
                at=now,
                detail=f"{row.booking.starts_at.astimezone(row.hall.tzinfo):%Y-%m-%d %H:%M}",
            )
            released += 1
    return released


def day_bookings(hall: Hall, day: datetime.date) -> list[HallBooking]:
    """The hall's appointments on its local `day`, in time order (not the cancelled)."""
    start = datetime.datetime.combine(day, datetime.time(0), hall.tzinfo)
    return list(
        HallBooking.objects.filter(
            hall=hall,
            booking__starts_at__gte=start,
            booking__starts_at__lt=start + datetime.timedelta(days=1),
        )
        .exclude(state=HallBookingState.CANCELLED)
        .select_related("hall_service__service", "booking", "ticket")
        .order_by("booking__starts_at")
    )
