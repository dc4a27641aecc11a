"""Working-time arithmetic, with properties checked by hypothesis."""

import dataclasses
import datetime
import os
import time
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from hypothesis import given, settings
from hypothesis import strategies as st

from mithaq.common import cache as shared
from mithaq.routing import calendar as working
from mithaq.routing import worktime
from mithaq.routing.hijri import hijri_holidays
from mithaq.routing.models import WorkingCalendar
from mithaq.routing.services import generate_hijri_holidays
from mithaq.routing.worktime import Calendar, HoursOverride, standard_calendar

T = datetime.time
BAGHDAD = ZoneInfo("Asia/Baghdad")
CAIRO = ZoneInfo("Africa/Cairo")


def _hijri_days(year, shift=0):
    return {h.date + datetime.timedelta(days=shift) for h in hijri_holidays(year)}


def baghdad(shift=0):
    """Friday–Saturday weekend, Thursday a half day, Ramadan hours, Hijri holidays."""
    hours = {d: (T(8), T(14)) for d in (6, 0, 1, 2)} | {3: (T(8), T(13))}
    return Calendar(
        time_zone="Asia/Baghdad",
        hours=hours,
        holidays=frozenset(_hijri_days(2026, shift) | _hijri_days(2027, shift)),
        annual=frozenset({(1, 1), (7, 14)}),
        overrides=(
            HoursOverride(datetime.date(2026, 2, 18), datetime.date(2026, 3, 19), T(9), T(13)),
        ),
    )


def cairo(shift=0):
    """Saturday–Sunday weekend is not Egypt's, but must be expressible: use it here; a
    Friday half day too. Cairo changes its clocks in April and October."""
    hours = {d: (T(9), T(17)) for d in (0, 1, 2, 3)} | {4: (T(9), T(12))}
    return Calendar(
        time_zone="Africa/Cairo",
        hours=hours,
        holidays=frozenset(_hijri_days(2026, shift) | _hijri_days(2027, shift)),
    )


CALENDARS = {
    "baghdad": baghdad(),
    "baghdad_shifted": baghdad(shift=1),
    "cairo": cairo(),
    "cairo_shifted": cairo(shift=-1),
}

moments = st.datetimes(
    min_value=datetime.datetime(2026, 1, 1),  # noqa: DTZ001 (hypothesis bounds are naive)
    max_value=datetime.datetime(2027, 6, 30),  # noqa: DTZ001
    timezones=st.just(datetime.UTC),
)
calendars = st.sampled_from(sorted(CALENDARS))
durations = st.integers(min_value=1, max_value=400 * 3600)


def inside_hours(cal: Calendar, moment: datetime.datetime) -> bool:
    return cal.is_working_moment(moment, closing_included=True)


@settings(max_examples=300, deadline=None)
@given(name=calendars, start=moments, seconds=durations)
def test_a_due_moment_is_never_on_a_weekend_a_holiday_or_outside_hours(name, start, seconds):
    cal = CALENDARS[name]
    due = cal.add_seconds(start, seconds)
    day = cal.local_date(due)
    assert day.weekday() not in cal.weekend
    assert not cal.is_holiday(day)
    assert inside_hours(cal, due)
    assert cal.seconds_between(start, due) == seconds


@settings(max_examples=200, deadline=None)
@given(name=calendars, start=moments, days=st.integers(min_value=1, max_value=40))
def test_working_days_end_at_a_closing_time_on_a_working_day(name, start, days):
    cal = CALENDARS[name]
    due = cal.add_days(start, days)
    assert cal.is_working_day(cal.local_date(due))
    assert due == cal.interval(cal.local_date(due))[1]


@settings(max_examples=300, deadline=None)
@given(name=calendars, start=moments, a=durations, b=durations)
def test_adding_hours_is_additive(name, start, a, b):
    cal = CALENDARS[name]
    assert cal.add_seconds(start, a + b) == cal.add_seconds(cal.add_seconds(start, a), b)


@settings(max_examples=200, deadline=None)
@given(
    name=calendars,
    start=moments,
    a=st.integers(min_value=1, max_value=20),
    b=st.integers(min_value=1, max_value=20),
)
def test_adding_days_is_additive(name, start, a, b):
    cal = CALENDARS[name]
    assert cal.add_days(start, a + b) == cal.add_days(cal.add_days(start, a), b)


@settings(max_examples=200, deadline=None)
@given(name=calendars, start=moments, seconds=durations)
def test_going_back_undoes_going_forward(name, start, seconds):
    cal = CALENDARS[name]
    due = cal.add_seconds(start, seconds)
    back = cal.add_seconds(due, -seconds)
    assert cal.seconds_between(back, due) == seconds
    assert cal.seconds_between(start, back) == 0


@settings(max_examples=100, deadline=None)
@given(name=calendars, start=moments)
def test_next_working_moment_is_working_and_nothing_is_skipped(name, start):
    cal = CALENDARS[name]
    moment = cal.next_working_moment(start)
    assert cal.is_working_moment(moment)
    assert cal.seconds_between(start, moment) == 0


@pytest.fixture
def server_time_zone():
    """Run under another server time zone, then put the original back."""
    original = os.environ.get("TZ")

    def use(name):
        os.environ["TZ"] = name
        time.tzset()

    yield use
    if original is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = original
    time.tzset()


def test_results_do_not_depend_on_the_server_time_zone(server_time_zone):
    starts = [
        datetime.datetime(2026, 3, 19, 10, 30, tzinfo=datetime.UTC)
        + datetime.timedelta(hours=7 * i)
        for i in range(60)
    ]

    def results():
        out = []
        for cal in CALENDARS.values():
            for start in starts:
                out.append(cal.add_seconds(start, 11 * 3600).isoformat())
                out.append(cal.add_days(start, 3).isoformat())
                out.append(cal.next_working_moment(start).isoformat())
        return out

    server_time_zone("UTC")
    expected = results()
    for zone in ("America/Los_Angeles", "Asia/Tokyo", "Africa/Cairo", "Pacific/Chatham"):
        server_time_zone(zone)
        assert results() == expected, zone


def test_cairo_spring_forward_counts_real_hours():
    # Egypt moved its clocks forward at midnight on Friday 24 April 2026 (DST since 2023).
    cal = Calendar(time_zone="Africa/Cairo", hours={d: (T(0), T(23, 59)) for d in range(7)})
    assert datetime.datetime(2026, 4, 24, 12, tzinfo=CAIRO).utcoffset() == datetime.timedelta(
        hours=3
    )
    assert datetime.datetime(2026, 4, 23, 12, tzinfo=CAIRO).utcoffset() == datetime.timedelta(
        hours=2
    )
    start = datetime.datetime(2026, 4, 23, 23, tzinfo=CAIRO)
    # 23:00 to 23:59 is 59 minutes, and on the 24th 00:00 does not exist: the day opens at
    # 01:00 local, one real hour later.
    due = cal.add_seconds(start, 59 * 60 + 60 * 60)
    assert due.utcoffset() == datetime.timedelta(hours=3)
    assert due == datetime.datetime(2026, 4, 24, 2, 0, tzinfo=CAIRO)


def test_cairo_office_hours_keep_their_wall_clock_across_dst():
    cal = cairo()
    # Thursday 23 April 16:00 (UTC+2) plus two working hours: Friday is a half day from
    # 09:00, in summer time (UTC+3), so 11:00 local.
    start = datetime.datetime(2026, 4, 23, 16, tzinfo=CAIRO)
    due = cal.add_hours(start, 2)
    assert due == datetime.datetime(2026, 4, 24, 10, 0, tzinfo=CAIRO)
    assert due.utcoffset() == datetime.timedelta(hours=3)
    # Autumn: clocks go back at the end of the last Thursday of October (29 October 2026):
    # Thursday 16:00–17:00 in summer time, then Friday 09:00–11:00 in winter time.
    start = datetime.datetime(2026, 10, 29, 16, tzinfo=CAIRO)
    assert start.utcoffset() == datetime.timedelta(hours=3)
    due = cal.add_hours(start, 3)
    assert due == datetime.datetime(2026, 10, 30, 11, 0, tzinfo=CAIRO)
    assert due.utcoffset() == datetime.timedelta(hours=2)


def test_both_weekends_are_expressible():
    fri_sat = standard_calendar("Asia/Baghdad")
    sat_sun = standard_calendar("Asia/Riyadh", weekend=(5, 6))
    thursday = datetime.datetime(2026, 11, 26, 13, tzinfo=BAGHDAD)
    assert fri_sat.add_hours(thursday, 2).date() == datetime.date(2026, 11, 29)  # Sunday
    assert sat_sun.add_hours(thursday, 2).date() == datetime.date(2026, 11, 27)  # Friday


def test_a_friday_half_day_and_ramadan_hours():
    cal = baghdad()
    # Thursday is a half day (08:00–13:00): 12:00 plus two hours is Sunday 09:00.
    thursday = datetime.datetime(2026, 11, 26, 12, tzinfo=BAGHDAD)
    assert cal.add_hours(thursday, 2) == datetime.datetime(2026, 11, 29, 9, tzinfo=BAGHDAD)
    # In Ramadan 1447 the office works 09:00–13:00.
    ramadan = datetime.datetime(2026, 3, 1, 8, tzinfo=BAGHDAD)
    assert cal.add_hours(ramadan, 4) == datetime.datetime(2026, 3, 1, 13, tzinfo=BAGHDAD)


def test_a_one_day_hijri_shift_moves_the_due_date():
    computed, sighted = baghdad(), baghdad(shift=1)
    # Eid al-Fitr 1447 is computed for 20–22 March 2026; sighted a day later it ends on the 23rd.
    before = datetime.datetime(2026, 3, 19, 12, tzinfo=BAGHDAD)
    assert computed.add_days(before, 1).date() == datetime.date(2026, 3, 23)
    assert sighted.add_days(before, 1).date() == datetime.date(2026, 3, 24)


def test_hijri_holidays_of_2026():
    days = {h.key: h.date for h in hijri_holidays(2026)}
    assert days["eid_al_fitr:1447:10:1"] == datetime.date(2026, 3, 20)
    assert days["eid_al_adha:1447:12:10"] == datetime.date(2026, 5, 27)
    assert days["hijri_new_year:1448:1:1"] == datetime.date(2026, 6, 16)
    assert days["mawlid:1448:3:12"] == datetime.date(2026, 8, 25)
    assert len(days) == 9


def test_naive_moments_are_refused():
    with pytest.raises(ValueError):
        standard_calendar().add_hours(datetime.datetime(2026, 1, 1, 10), 1)  # noqa: DTZ001


def test_another_processs_change_is_seen_within_a_second_without_asking_redis_each_time(
    db, monkeypatch
):
    """A change bumps the shared version; a process that did not make it looks at the version
    at most every _CHECK_EVERY seconds (each look is a round trip), then reloads."""
    clock = [1000.0]
    monkeypatch.setattr(shared.time, "monotonic", lambda: clock[0])
    first = working.config()
    asked = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda *a, **k: asked.append(a) or real_get(*a, **k))
    assert working.config() is first and not asked
    # Another process changes the calendar: only the shared version moves here.
    cache.set(working._VERSION_KEY, "another process's change", None)  # a new version
    asked.clear()
    clock[0] += working._CHECK_EVERY / 2
    assert working.config() is first and not asked
    clock[0] += working._CHECK_EVERY
    assert working.config() is not first and asked


# Each day's interval is kept with the calendar value (decision 0020) ----------------------


def test_a_changed_calendar_does_not_read_the_days_kept_by_the_one_it_came_from():
    calendar = standard_calendar()
    thursday = datetime.date(2026, 11, 12)
    sunday, next_sunday = (
        datetime.datetime(2026, 11, 8, 8, tzinfo=BAGHDAD),
        datetime.datetime(2026, 11, 15, 8, tzinfo=BAGHDAD),
    )
    # Sunday 08:00 to the next Sunday 08:00: five working days of six hours.
    assert calendar.seconds_between(sunday, next_sunday) == 5 * 6 * 3600
    assert calendar.interval(thursday) is not None
    with_holiday = dataclasses.replace(calendar, holidays=frozenset({thursday}))
    assert with_holiday.interval(thursday) is None
    assert with_holiday.seconds_between(sunday, next_sunday) == 4 * 6 * 3600
    # ... and the first calendar still has its Thursday.
    assert calendar.seconds_between(sunday, next_sunday) == 5 * 6 * 3600


def test_days_kept_past_the_limit_are_forgotten_and_worked_out_again(monkeypatch):
    monkeypatch.setattr(worktime, "_KEPT_INTERVALS", 10)
    calendar = standard_calendar(holidays=[datetime.date(2026, 11, 12)])
    start = datetime.datetime(2026, 11, 1, 8, tzinfo=BAGHDAD)
    # Eight weeks from a Sunday's opening: 40 working days of six hours, less the holiday,
    # twice over, the second time past the first's kept days.
    for _ in range(2):
        got = calendar.seconds_between(start, start + datetime.timedelta(weeks=8))
        assert got == (40 - 1) * 6 * 3600
        assert len(calendar._intervals) <= 10
    for offset in range(60):
        day = datetime.date(2026, 11, 1) + datetime.timedelta(days=offset)
        assert calendar.interval(day) == calendar._work_out_interval(day)


@pytest.mark.django_db
def test_a_holiday_added_through_the_service_is_not_read_from_the_calendar_kept_before():
    row = WorkingCalendar.objects.get(is_active=True)
    row.holidays.all().delete()
    working.invalidate()
    before = working.active_calendar()
    eid = datetime.date(2026, 3, 20)  # Eid al-Fitr 1447, a Friday: look at the Sunday after
    sunday = datetime.date(2026, 3, 22)
    assert before.interval(sunday) is not None  # worked out and kept
    generate_hijri_holidays(calendar=row, year=2026)
    after = working.active_calendar()
    holidays = set(row.holidays.values_list("date", flat=True))
    assert eid in holidays or sunday in holidays
    for day in sorted(holidays):
        assert after.interval(day) is None, day
    assert before.interval(sunday) is not None  # the old value keeps its own days
