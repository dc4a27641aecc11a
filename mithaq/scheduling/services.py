"""The slot engine: free slots, booking, moving and cancelling.

A schedule's slots on a day are its weekly windows cut into `quota` equal parts; a day is
open when the working calendar (mithaq.routing) says it is a working day and no closure of
the schedule covers it. A booking holds the schedule's row in share mode (a move, a cancel or
a closure takes it for update), and the partial unique constraint on (schedule, starts_at)
decides between clients racing for one slot: exactly one gets it."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models.constants import OnConflict
from django.utils import timezone
from django.utils.translation import gettext as _

from mithaq.routing.calendar import active_calendar

from .models import Booking, BookingStatus, Closure, Schedule, WeeklyHours

# How far ahead a slot may be booked, and how often a citizen may move or cancel one.
HORIZON_DAYS = 60
MAX_CHANGES = 2


class SlotRefused(ValidationError):
    """The slot cannot be booked; `code` says why (past, holiday, closed, outside_hours,
    full, changes), the message says it in the user's language."""


@dataclass(frozen=True)
class Slot:
    starts_at: datetime.datetime
    ends_at: datetime.datetime


@dataclass(frozen=True)
class _Week:
    """A schedule's configuration, read once: its windows by weekday and its closures."""

    tz: ZoneInfo
    windows: dict[int, list[tuple[datetime.time, datetime.time, int]]]
    closures: list[tuple[datetime.date, datetime.date, str]]

    def closed(self, day: datetime.date) -> bool:
        return self.closure_on(day) is not None

    def closure_on(self, day: datetime.date) -> str | None:
        """The reason of the closure covering `day` ("" when it gives none), or None."""
        for first, last, reason in self.closures:
            if first <= day <= last:
                return reason
        return None

    def slots_on(self, day: datetime.date) -> list[Slot]:
        slots = []
        for starts, ends, quota in self.windows.get(day.weekday(), ()):
            begin = datetime.datetime.combine(day, starts, self.tz)
            finish = datetime.datetime.combine(day, ends, self.tz)
            step = (finish - begin) / quota
            slots += [Slot(begin + i * step, begin + (i + 1) * step) for i in range(quota)]
        return slots


def _week(schedule: Schedule) -> _Week:
    windows: dict[int, list[tuple[datetime.time, datetime.time, int]]] = {}
    for weekday, starts, ends, quota in WeeklyHours.objects.filter(schedule=schedule).values_list(
        "weekday", "starts", "ends", "quota"
    ):
        windows.setdefault(weekday, []).append((starts, ends, quota))
    closures = list(
        Closure.objects.filter(schedule=schedule).values_list("first_day", "last_day", "reason")
    )
    return _Week(active_calendar().tz, windows, closures)


def _taken(schedule: Schedule, first: datetime.datetime, last: datetime.datetime) -> set:
    return set(
        Booking.objects.filter(
            schedule=schedule,
            status=BookingStatus.BOOKED,
            starts_at__gte=first,
            starts_at__lte=last,
        ).values_list("starts_at", flat=True)
    )


def free_slots(
    *,
    schedule: Schedule,
    days: int = HORIZON_DAYS,
    now: datetime.datetime | None = None,
) -> list[Slot]:
    """Every slot of `schedule` not yet taken from now over the next `days` days: three
    queries (hours, closures, bookings) whatever the span."""
    now = now or timezone.now()
    week = _week(schedule)
    calendar = active_calendar()
    today = now.astimezone(week.tz).date()
    open_slots = []
    for offset in range(days + 1):
        day = today + datetime.timedelta(days=offset)
        if week.closed(day) or not calendar.is_working_day(day):
            continue
        open_slots += [slot for slot in week.slots_on(day) if slot.starts_at > now]
    if not open_slots:
        return []
    taken = _taken(schedule, open_slots[0].starts_at, open_slots[-1].starts_at)
    return [slot for slot in open_slots if slot.starts_at not in taken]


def _slot_for(schedule: Schedule, starts_at: datetime.datetime, now: datetime.datetime) -> Slot:
    """The slot starting at `starts_at`, or SlotRefused saying why there is none."""
    if starts_at <= now:
        raise SlotRefused(_("This time has already passed: choose a later one."), code="past")
    week = _week(schedule)
    day = starts_at.astimezone(week.tz).date()
    if not active_calendar().is_working_day(day):
        raise SlotRefused(
            _("The institution is closed on that day (a holiday or the weekend)."),
            code="holiday",
        )
    reason = week.closure_on(day)
    if reason is not None:
        if schedule.official_id is None:
            refusal = _("No appointments are given on that day.")
        else:
            refusal = _("The official receives no one on that day.")
        if reason:
            # The closure's own words, as the office wrote them (e.g. "the official travels").
            refusal = _("%(refusal)s Reason: %(reason)s") % {"refusal": refusal, "reason": reason}
        raise SlotRefused(refusal, code="closed")
    if day > now.astimezone(week.tz).date() + datetime.timedelta(days=HORIZON_DAYS):
        raise SlotRefused(
            _("Appointments are given for the next %(days)d days only.") % {"days": HORIZON_DAYS},
            code="outside_hours",
        )
    for slot in week.slots_on(day):
        if slot.starts_at == starts_at:
            return slot
    if schedule.official_id is None:
        raise SlotRefused(_("This time is outside the appointment hours."), code="outside_hours")
    raise SlotRefused(
        _("This time is outside the official's interview hours."), code="outside_hours"
    )


def _refuse_if_taken(schedule: Schedule, starts_at: datetime.datetime) -> None:
    if Booking.objects.filter(
        schedule=schedule, starts_at=starts_at, status=BookingStatus.BOOKED
    ).exists():
        raise SlotRefused(_("This time has just been taken: choose another one."), code="full")


def _lock(schedule: Schedule) -> Schedule:
    # Every write to a schedule's bookings takes this row first: the one lock order here.
    return Schedule.objects.select_for_update().get(pk=schedule.pk)


def _share(schedule: Schedule) -> Schedule:
    """The schedule's row in share mode, for a new booking: bookings of one schedule run side
    by side (two racing for one slot are decided by the one-per-slot constraint), while a
    change that takes the row for update (a move, a cancel, a closure) waits for them, and
    they for it, so each reads what the other committed. SQLite writes one at a time."""
    if connection.vendor == "postgresql":
        # One statement: the row, read as it is locked (Django's select_for_update has no
        # share mode).
        rows = list(
            Schedule.objects.raw(
                f"SELECT * FROM {Schedule._meta.db_table} WHERE id = %s FOR SHARE",  # noqa: S608 - the model's own table name
                [schedule.pk],
            )
        )
        if not rows:
            raise Schedule.DoesNotExist
        return rows[0]
    return Schedule.objects.get(pk=schedule.pk)


def _insert_unless_taken(booking: Booking) -> bool:
    """Write `booking` unless its slot is already held (INSERT ... ON CONFLICT DO NOTHING
    RETURNING id; INSERT OR IGNORE on SQLite): the one-per-slot constraint decides, without
    an error that would break the caller's transaction, so no savepoint is needed."""
    meta = Booking._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    rows = Booking._base_manager._insert(  # type: ignore[attr-defined]  # Django's own, not in the stubs
        [booking], fields=fields, returning_fields=[meta.pk], on_conflict=OnConflict.IGNORE
    )
    written = [row for row in rows if row is not None]
    if not written:
        return False
    booking.pk = written[0][0]
    booking._state.adding = False
    booking._state.db = Booking._base_manager.db
    return True


def book_slot(
    *,
    schedule: Schedule,
    starts_at: datetime.datetime,
    now: datetime.datetime | None = None,
) -> Booking:
    """Take the slot starting at `starts_at`, or raise SlotRefused (nothing written then).

    Inside the caller's transaction it runs without a savepoint of its own: no statement
    here fails on a taken slot (the insert skips it), so the refusal is raised once the block
    is left and the caller's transaction stays usable."""
    now = now or timezone.now()
    refused: SlotRefused | None = None
    with transaction.atomic(savepoint=False):
        schedule = _share(schedule)
        try:
            if not schedule.is_active:
                raise SlotRefused(_("This calendar takes no bookings."), code="closed")
            slot = _slot_for(schedule, starts_at, now)
        except SlotRefused as refusal:
            refused = refusal
        else:
            booking = Booking(
                schedule=schedule,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                created_at=now,
                updated_at=now,
            )
            # No look first: a slot already taken, now or by a booking racing this one,
            # is skipped by the one-per-slot constraint, and both get the same answer.
            if not _insert_unless_taken(booking):
                refused = SlotRefused(
                    _("This time has just been taken: choose another one."), code="full"
                )
    if refused is not None:
        raise refused
    return booking


def _check_changes(booking: Booking, by_citizen: bool) -> None:
    if booking.status != BookingStatus.BOOKED:
        raise SlotRefused(_("This appointment was cancelled."), code="cancelled")
    if by_citizen and booking.changes >= MAX_CHANGES:
        raise SlotRefused(
            _("An appointment may be moved or cancelled twice at most: call the office."),
            code="changes",
        )


def move_booking(
    *,
    booking: Booking,
    starts_at: datetime.datetime,
    by_citizen: bool,
    now: datetime.datetime | None = None,
) -> Booking:
    """Move `booking` to another free slot of its schedule; a citizen may change a booking
    MAX_CHANGES times in all (the office is not counted)."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock(booking.schedule)
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        _check_changes(booking, by_citizen)
        if booking.starts_at <= now:
            raise SlotRefused(_("This appointment has already begun."), code="past")
        slot = _slot_for(booking.schedule, starts_at, now)
        _refuse_if_taken(booking.schedule, slot.starts_at)
        booking.starts_at, booking.ends_at = slot.starts_at, slot.ends_at
        booking.changes += 1 if by_citizen else 0
        booking.updated_at = now
        booking.save(update_fields=["starts_at", "ends_at", "changes", "updated_at"])
    return booking


def cancel_booking(
    *, booking: Booking, by_citizen: bool, now: datetime.datetime | None = None
) -> Booking:
    """Free the slot of `booking`; counted among a citizen's changes."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock(booking.schedule)
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        _check_changes(booking, by_citizen)
        booking.status = BookingStatus.CANCELLED
        booking.changes += 1 if by_citizen else 0
        booking.updated_at = now
        booking.save(update_fields=["status", "changes", "updated_at"])
    return booking


def schedule_for(official_id: int) -> Schedule | None:
    return Schedule.objects.filter(official_id=official_id, is_active=True).first()
