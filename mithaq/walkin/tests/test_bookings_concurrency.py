"""Twenty citizens racing for the hall's last free time on PostgreSQL: exactly one gets it
(the one-per-slot constraint under the schedule's share lock in mithaq.scheduling), one
HallBooking and one SMS are written. Bookings of other times do not wait for each other; a
closure in flight makes a booking on its day wait, then refuses it."""

import datetime
import threading
import time

import pytest
from django.db import connection, connections, transaction

from mithaq.notifications.models import Message
from mithaq.routing.calendar import active_calendar
from mithaq.scheduling.models import Booking, BookingStatus
from mithaq.scheduling.services import SlotRefused
from mithaq.testing import run_at_once
from mithaq.walkin import bookings
from mithaq.walkin.models import HallBooking
from mithaq.walkin.testing import make_hall

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrency needs PostgreSQL (SQLite serialises writes); set DATABASE_URL",
)


@pytest.fixture
def last_slot(transactional_db):
    from mithaq.testing import make_org

    world = make_hall(make_org())
    # Tuesdays 10:00-10:30, one visitor: one slot a week.
    bookings.add_hours(
        hall_service=world.transcripts,
        weekday=1,
        starts=datetime.time(10),
        ends=datetime.time(10, 30),
        quota=1,
    )
    world.transcripts.refresh_from_db()
    return world.transcripts


def _next_tuesday_10(now):
    calendar = active_calendar()
    day = now.astimezone(calendar.tz).date() + datetime.timedelta(days=1)
    while day.weekday() != 1 or not calendar.is_working_day(day):
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(10), calendar.tz)


def test_twenty_citizens_race_for_the_last_time_and_exactly_one_gets_it(last_slot):
    now = datetime.datetime.now(tz=datetime.UTC)
    when = _next_tuesday_10(now)

    def citizen(i):
        try:
            bookings.book(
                hall_service=last_slot, starts_at=when, phone=f"077012345{i:02d}", now=now
            )
        except SlotRefused as refused:
            return refused.code
        return "won"

    outcomes = run_at_once(20, citizen)
    assert sorted(outcomes) == ["full"] * 19 + ["won"]
    assert HallBooking.objects.count() == 1
    assert (
        Booking.objects.filter(schedule=last_slot.schedule, status=BookingStatus.BOOKED).count()
        == 1
    )
    assert Message.objects.filter(event_key="hall_booked", channel="sms").count() == 1


def _in_thread(target, *args):
    def run():
        try:
            target(*args)
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_bookings_of_two_times_do_not_wait_for_each_other(last_slot):
    """A booking holds its schedule in share mode (mithaq.scheduling.services._share): a
    second citizen booking another time goes through while the first's transaction is open."""
    now = datetime.datetime.now(tz=datetime.UTC)
    first = _next_tuesday_10(now)
    second = first + datetime.timedelta(days=7)
    booked, release = threading.Event(), threading.Event()

    def slow_citizen():
        with transaction.atomic():
            bookings.book(hall_service=last_slot, starts_at=first, phone="07701234501", now=now)
            booked.set()
            release.wait(10)

    thread = _in_thread(slow_citizen)
    try:
        assert booked.wait(10)
        started = time.monotonic()
        bookings.book(hall_service=last_slot, starts_at=second, phone="07701234502", now=now)
        assert time.monotonic() - started < 2, "the second booking waited for the first"
    finally:
        release.set()
        thread.join()
    assert HallBooking.objects.count() == 2


def test_a_booking_waits_for_a_closure_in_flight_and_is_refused_after_it(last_slot):
    """A closure takes the schedule for update: a booking on its day started meanwhile waits
    for it, then reads the closure and is refused (never a booking on a closed day)."""
    now = datetime.datetime.now(tz=datetime.UTC)
    when = _next_tuesday_10(now)
    closing, release = threading.Event(), threading.Event()

    def office_closes():
        with transaction.atomic():
            bookings.add_closure(
                hall_service=last_slot,
                first_day=when.date(),
                last_day=when.date(),
                reason="Inventory",
                now=now,
            )
            closing.set()
            release.wait(10)

    thread = _in_thread(office_closes)
    outcome = {}

    def citizen():
        started = time.monotonic()
        try:
            bookings.book(hall_service=last_slot, starts_at=when, phone="07701234503", now=now)
            outcome["result"] = "won"
        except SlotRefused as refused:
            outcome["result"] = refused.code
        outcome["waited"] = time.monotonic() - started

    try:
        assert closing.wait(10)
        booking = _in_thread(citizen)
        time.sleep(0.5)
        assert "result" not in outcome, "the booking did not wait for the closure"
    finally:
        release.set()
        thread.join()
    booking.join()
    assert outcome["result"] == "closed" and outcome["waited"] >= 0.4
    assert not HallBooking.objects.exists()
