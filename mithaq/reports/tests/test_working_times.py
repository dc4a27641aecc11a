"""The pack's working times (figures.times_of) against the calendar's own arithmetic, one
pair at a time (Calendar.seconds_between, the oracle), with the statistics taken by hand:
random rounds across Cairo's change of clocks, a holiday, Ramadan-like hours and days off,
some met on an opening or a closing to the second. On PostgreSQL the working seconds and the
statistics are SQL (decision 0019), elsewhere Python: the same expectations for both."""

import dataclasses
import datetime
import math
import random
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from mithaq.reports import figures
from mithaq.reports.periods import annual, monthly
from mithaq.routing.models import CaseClock, Target
from mithaq.routing.worktime import HoursOverride, standard_calendar
from mithaq.testing import make_case

CAIRO = ZoneInfo("Africa/Cairo")
NOW = datetime.datetime(2026, 12, 6, 9, tzinfo=CAIRO)


def cairo_calendar():
    # Cairo's summer time ends in the night of 29 to 30 October 2026 (a day of 25 hours).
    return dataclasses.replace(
        standard_calendar("Africa/Cairo", opens=datetime.time(9), closes=datetime.time(15)),
        holidays=frozenset({datetime.date(2026, 10, 6), datetime.date(2026, 9, 20)}),
        overrides=(
            HoursOverride(
                datetime.date(2026, 10, 12),
                datetime.date(2026, 10, 15),
                datetime.time(10),
                datetime.time(13),
            ),
        ),
    )


def by_hand(calendar, clocks, window) -> dict:
    """Count, median and nearest-rank 90th percentile of the whole working seconds of the
    clocks met in the window, in working days of the calendar, rounded to two decimals."""
    day = calendar.day_seconds
    result = {}
    for target in (Target.ACKNOWLEDGEMENT, Target.FIRST_REPLY, Target.DECISION, Target.RESOLUTION):
        values = sorted(
            calendar.seconds_between(c.started_at, c.met_at)
            for c in clocks
            if c.target == target and window.start <= c.met_at < window.end
        )
        if not values:
            result[target] = {"count": 0, "median": None, "p90": None}
            continue
        n = len(values)
        middle = (values[(n - 1) // 2] + values[n // 2]) / 2
        result[target] = {
            "count": n,
            "median": round(middle / day, 2),
            "p90": round(values[math.ceil(0.9 * n) - 1] / day, 2),
        }
    return result


def random_clocks(org, rng, count: int) -> list[CaseClock]:
    """`count` met clocks on a handful of cases (a round each), started from August and met
    from September to November 2026, some on an opening or a closing exactly."""
    cases = [make_case(org) for _ in range(4)]
    CaseClock.objects.filter(case__in=cases).delete()
    base = datetime.datetime(2026, 8, 1, tzinfo=CAIRO)
    edges = [
        datetime.datetime(2026, 10, 29, 15, tzinfo=CAIRO),  # the last closing of summer time
        datetime.datetime(2026, 10, 30, 9, tzinfo=CAIRO),  # a Friday: no work
        datetime.datetime(2026, 11, 1, 9, tzinfo=CAIRO),  # the first opening of winter time
        datetime.datetime(2026, 10, 12, 10, tzinfo=CAIRO),  # the override's opening
        datetime.datetime(2026, 10, 6, 11, tzinfo=CAIRO),  # a holiday
    ]
    clocks = []
    for i in range(count):
        met = base + datetime.timedelta(
            days=31, seconds=rng.randrange(90 * 86400), microseconds=rng.randrange(1_000_000)
        )
        if i % 7 == 0:
            met = rng.choice(edges)
        started = met - datetime.timedelta(seconds=rng.randrange(40 * 86400))
        if i % 11 == 0:
            started = met  # met at once
        clocks.append(
            CaseClock(
                case=cases[i % len(cases)],
                round=i // len(cases) + 1,
                target=rng.choice([Target.ACKNOWLEDGEMENT, Target.RESOLUTION, Target.DECISION]),
                started_at=started,
                due_at=met,
                expected_at=met,
                met_at=met,
            )
        )
    return CaseClock.objects.bulk_create(clocks)


@pytest.mark.parametrize("seed", [1, 2])
def test_working_times_as_the_calendar_counts_them(org, seed):
    calendar = cairo_calendar()
    clocks = random_clocks(org, random.Random(seed), 240 + seed)  # an even and an odd count
    windows = [
        figures.make_window(p, None, now=NOW, calendar=calendar)
        for p in (monthly(2026, 10), monthly(2026, 9), monthly(2026, 11))
    ]
    got = figures.times_of(windows)
    for window, figures_of_window in zip(windows, got, strict=True):
        assert figures_of_window == by_hand(calendar, clocks, window)
    assert sum(g["count"] for g in got[0].values()) > 50
    assert figures.times(windows[0]) == got[0]


def test_an_annual_pack_counts_its_year_twice_the_same(org):
    calendar = cairo_calendar()
    clocks = random_clocks(org, random.Random(3), 60)
    later = datetime.datetime(2027, 3, 1, tzinfo=CAIRO)
    year = figures.make_window(annual(2026), None, now=later, calendar=calendar)
    got = figures.times_of([year, year])
    assert got[0] == got[1] == by_hand(calendar, clocks, year)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the SQL path's own race")
def test_a_round_started_before_the_days_read_is_counted(org):
    """A clock met (with its round started earlier than any other) after the earliest start
    was read: its pair falls outside the table of days, is seen missing, and the table is
    read again from it, so that the figures count it as the calendar does."""
    assert connection.vendor == "postgresql"
    calendar = cairo_calendar()
    clocks = random_clocks(org, random.Random(4), 40)
    window = figures.make_window(monthly(2026, 10), None, now=NOW, calendar=calendar)
    case = clocks[0].case
    late = CaseClock(
        case=case,
        round=500,
        target=Target.ACKNOWLEDGEMENT,
        started_at=datetime.datetime(2026, 3, 3, 12, tzinfo=CAIRO),
        due_at=datetime.datetime(2026, 10, 20, 12, tzinfo=CAIRO),
        expected_at=datetime.datetime(2026, 10, 20, 12, tzinfo=CAIRO),
        met_at=datetime.datetime(2026, 10, 20, 12, tzinfo=CAIRO),
    )
    seen = []

    def meet_after_the_first_read(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith("SELECT MIN(p.started_at)") and not seen:
            seen.append(sql)
            late.save()  # in the same transaction: the next statement sees it
        return result

    with connection.execute_wrapper(meet_after_the_first_read):
        got = figures.times_of([window])[0]
    assert seen
    assert got == by_hand(calendar, [*clocks, late], window)
    assert got != by_hand(calendar, clocks, window)  # the late pair weighs
