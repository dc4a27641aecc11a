"""Twenty citizens racing for the hall's last free time on PostgreSQL: exactly one gets it
(the schedule's row lock in mithaq.scheduling), one HallBooking and one SMS are written."""

import datetime

import pytest
from django.db import connection

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
