"""The slot engine's rules: slots from weekly hours and quotas, holidays of the working
calendar, closures, refusals with their reasons, the limit on a citizen's changes."""

import datetime
import time
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import translation

from mithaq.routing import calendar as routing_calendar
from mithaq.routing.models import Holiday, WorkingCalendar
from mithaq.scheduling import services
from mithaq.scheduling.models import Booking, BookingStatus, Closure
from mithaq.scheduling.services import SlotRefused
from mithaq.scheduling.testing import tuesday_schedule

TZ = ZoneInfo(settings.TIME_ZONE)
# Sunday 5 September 2027, 09:00 in Baghdad: no holiday of the seeded calendar falls in the
# two weeks after it (Sunday to Thursday are working days).
NOW = datetime.datetime(2027, 9, 5, 9, 0, tzinfo=TZ)
TUESDAY = datetime.date(2027, 9, 7)
NEXT_TUESDAY = datetime.date(2027, 9, 14)


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), TZ)


@pytest.fixture
def schedule(org):
    for day in (TUESDAY, NEXT_TUESDAY):
        assert routing_calendar.active_calendar().is_working_day(day)
    return tuesday_schedule(unit=org.root, official=org.leader)


def test_a_window_of_two_hours_for_six_gives_six_twenty_minute_slots(schedule):
    slots = services.free_slots(schedule=schedule, days=13, now=NOW)
    starts = [s.starts_at for s in slots]
    expected = sorted([at(d, h, m) for d in (TUESDAY, NEXT_TUESDAY) for h, m in _six_starts()])
    assert starts == expected
    assert slots[0].ends_at - slots[0].starts_at == datetime.timedelta(minutes=20)


def test_a_refusal_inside_the_callers_transaction_leaves_it_usable(schedule):
    """book_slot has no savepoint of its own: a taken slot is skipped by the insert, never an
    error that would break the caller's transaction, so the caller may go on in it."""
    with transaction.atomic():
        first = services.book_slot(schedule=schedule, starts_at=at(TUESDAY, 10), now=NOW)
        for refused_at, code in ((at(TUESDAY, 10), "full"), (at(TUESDAY, 9), "outside_hours")):
            with pytest.raises(SlotRefused) as refused:
                services.book_slot(schedule=schedule, starts_at=refused_at, now=NOW)
            assert refused.value.code == code
        second = services.book_slot(schedule=schedule, starts_at=at(TUESDAY, 10, 20), now=NOW)
    booked = Booking.objects.filter(status=BookingStatus.BOOKED).order_by("starts_at")
    assert [b.pk for b in booked] == [first.pk, second.pk]
    assert [b.starts_at for b in booked] == [at(TUESDAY, 10), at(TUESDAY, 10, 20)]


def _six_starts():
    return [(10, 0), (10, 20), (10, 40), (11, 0), (11, 20), (11, 40)]


def test_a_booked_slot_is_no_longer_free_and_the_quota_holds(schedule):
    for hour, minute in _six_starts():
        services.book_slot(schedule=schedule, starts_at=at(TUESDAY, hour, minute), now=NOW)
    free = services.free_slots(schedule=schedule, days=13, now=NOW)
    assert {s.starts_at.date() for s in free} == {NEXT_TUESDAY}
    assert len(free) == 6
    with pytest.raises(SlotRefused) as refused:
        services.book_slot(schedule=schedule, starts_at=at(TUESDAY, 10, 20), now=NOW)
    assert refused.value.code == "full"
    assert Booking.objects.filter(schedule=schedule, status=BookingStatus.BOOKED).count() == 6


def test_a_holiday_of_the_working_calendar_has_no_slots_and_is_refused(schedule):
    Holiday.objects.create(
        calendar=WorkingCalendar.objects.get(is_active=True),
        date=NEXT_TUESDAY,
        name_ar="عطلة",
        name_en="A holiday",
    )
    routing_calendar.invalidate_local()
    free = services.free_slots(schedule=schedule, days=13, now=NOW)
    assert {s.starts_at.date() for s in free} == {TUESDAY}
    with pytest.raises(SlotRefused) as refused:
        services.book_slot(schedule=schedule, starts_at=at(NEXT_TUESDAY, 10), now=NOW)
    assert refused.value.code == "holiday"


def test_a_closure_of_the_schedule_has_no_slots_and_is_refused(schedule):
    Closure.objects.create(schedule=schedule, first_day=TUESDAY, last_day=TUESDAY)
    free = services.free_slots(schedule=schedule, days=13, now=NOW)
    assert {s.starts_at.date() for s in free} == {NEXT_TUESDAY}
    with translation.override("en"), pytest.raises(SlotRefused) as refused:
        services.book_slot(schedule=schedule, starts_at=at(TUESDAY, 10), now=NOW)
    assert refused.value.code == "closed"
    assert refused.value.messages == ["The official receives no one on that day."]


def test_a_closure_refusal_gives_its_reason_in_the_citizens_language(schedule):
    Closure.objects.create(
        schedule=schedule, first_day=TUESDAY, last_day=TUESDAY, reason="سفر رئيس الجامعة"
    )
    with translation.override("ar"), pytest.raises(SlotRefused) as refused:
        services.book_slot(schedule=schedule, starts_at=at(TUESDAY, 10), now=NOW)
    assert refused.value.messages == [
        "لا يستقبل المسؤول أحدًا في ذلك اليوم. السبب: سفر رئيس الجامعة"
    ]


@pytest.mark.parametrize(
    ("when", "code"),
    [
        (at(datetime.date(2027, 8, 31), 10), "past"),  # the Tuesday before NOW
        (at(TUESDAY, 10, 10), "outside_hours"),  # between two slots
        (at(TUESDAY, 12), "outside_hours"),  # the window's end
        (at(datetime.date(2027, 9, 8), 10), "outside_hours"),  # a Wednesday
        (at(datetime.date(2027, 9, 10), 10), "holiday"),  # a Friday: the weekend
        (at(datetime.date(2027, 12, 28), 10), "outside_hours"),  # past the 60 days
    ],
)
def test_a_slot_out_of_the_rules_is_refused_with_its_reason(schedule, when, code):
    with pytest.raises(SlotRefused) as refused:
        services.book_slot(schedule=schedule, starts_at=when, now=NOW)
    assert refused.value.code == code
    assert not Booking.objects.exists()


def test_refusals_are_said_in_the_users_language(schedule):
    with translation.override("en"), pytest.raises(SlotRefused) as refused:
        services.book_slot(schedule=schedule, starts_at=at(TUESDAY, 10, 10), now=NOW)
    assert refused.value.messages == ["This time is outside the official's interview hours."]


def test_a_citizen_may_move_or_cancel_twice_then_must_call_the_office(schedule):
    booking = services.book_slot(schedule=schedule, starts_at=at(TUESDAY, 10), now=NOW)
    booking = services.move_booking(
        booking=booking, starts_at=at(TUESDAY, 11), by_citizen=True, now=NOW
    )
    booking = services.move_booking(
        booking=booking, starts_at=at(NEXT_TUESDAY, 10), by_citizen=True, now=NOW
    )
    assert booking.changes == 2
    with pytest.raises(SlotRefused) as refused:
        services.cancel_booking(booking=booking, by_citizen=True, now=NOW)
    assert refused.value.code == "changes"
    # The office may still move it, and its move is not counted.
    booking = services.move_booking(
        booking=booking, starts_at=at(TUESDAY, 10, 40), by_citizen=False, now=NOW
    )
    assert (booking.starts_at, booking.changes) == (at(TUESDAY, 10, 40), 2)
    # The slots left behind are free again.
    free = {s.starts_at for s in services.free_slots(schedule=schedule, days=13, now=NOW)}
    assert {at(TUESDAY, 10), at(TUESDAY, 11), at(NEXT_TUESDAY, 10)} <= free
    assert at(TUESDAY, 10, 40) not in free


def test_moving_onto_a_taken_slot_is_refused_and_changes_nothing(schedule):
    first = services.book_slot(schedule=schedule, starts_at=at(TUESDAY, 10), now=NOW)
    services.book_slot(schedule=schedule, starts_at=at(TUESDAY, 11), now=NOW)
    with pytest.raises(SlotRefused) as refused:
        services.move_booking(booking=first, starts_at=at(TUESDAY, 11), by_citizen=True, now=NOW)
    assert refused.value.code == "full"
    first.refresh_from_db()
    assert (first.starts_at, first.changes) == (at(TUESDAY, 10), 0)


def test_a_cancelled_slot_can_be_booked_again(schedule):
    booking = services.book_slot(schedule=schedule, starts_at=at(TUESDAY, 10), now=NOW)
    services.cancel_booking(booking=booking, by_citizen=True, now=NOW)
    again = services.book_slot(schedule=schedule, starts_at=at(TUESDAY, 10), now=NOW)
    assert again.pk != booking.pk


def test_sixty_days_of_free_slots_are_found_in_under_50_ms(schedule):
    """Speed target of issue 16: the slots of the next 60 days in under 50 ms (3 queries)."""
    services.book_slot(schedule=schedule, starts_at=at(TUESDAY, 10), now=NOW)
    services.free_slots(schedule=schedule, now=NOW)  # warm the working calendar's copy
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        slots = services.free_slots(schedule=schedule, now=NOW)
        runs.append(time.perf_counter() - started)
    assert len(slots) > 40
    assert min(runs) < 0.05, runs
