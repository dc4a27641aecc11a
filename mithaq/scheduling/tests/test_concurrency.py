"""Twenty clients racing for the last slot on PostgreSQL: exactly one wins. SQLite
serialises every write, so there is nothing to race there."""

import datetime
import statistics
import time

import pytest
from django.db import connection

from mithaq.scheduling import services
from mithaq.scheduling.models import Booking, BookingStatus
from mithaq.scheduling.services import SlotRefused
from mithaq.scheduling.testing import tuesday_schedule
from mithaq.testing import run_at_once

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrency needs PostgreSQL (SQLite serialises writes); set DATABASE_URL",
)


@pytest.fixture
def schedule(transactional_db):
    from mithaq.testing import make_org

    org = make_org()
    return tuesday_schedule(unit=org.root, official=org.leader, quota=1)


def _next_tuesday_10(now):
    from mithaq.routing.calendar import active_calendar

    calendar = active_calendar()
    day = now.astimezone(calendar.tz).date() + datetime.timedelta(days=1)
    while day.weekday() != 1 or not calendar.is_working_day(day):
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(10), calendar.tz)


def test_twenty_clients_race_for_the_last_slot_and_exactly_one_wins(schedule):
    now = datetime.datetime.now(tz=datetime.UTC)
    when = _next_tuesday_10(now)
    timings: list[float] = []

    def client(i):
        started = time.perf_counter()
        try:
            services.book_slot(schedule=schedule, starts_at=when, now=now)
            outcome = "won"
        except SlotRefused as refused:
            outcome = refused.code
        timings.append(time.perf_counter() - started)
        return outcome

    outcomes = run_at_once(20, client)
    assert sorted(outcomes) == ["full"] * 19 + ["won"]
    assert Booking.objects.filter(schedule=schedule, status=BookingStatus.BOOKED).count() == 1
    # Issue 16's target is a p99 under 100 ms (measured and reported, not asserted: five
    # engineers share two cores here); a tenfold miss is a regression.
    p99 = statistics.quantiles(timings, n=100)[98]
    print(f"booking with 20 concurrent clients: p99 {p99 * 1000:.1f} ms")
    assert p99 < 1.0, timings
