"""routing.working_line against the calendar's own arithmetic (the oracle), on random
pairs across weekends, a holiday, an hours override and both orders."""

import dataclasses
import datetime
import random
from zoneinfo import ZoneInfo

from mithaq.routing.working_line import WorkingLine
from mithaq.routing.worktime import HoursOverride, standard_calendar

BAGHDAD = ZoneInfo("Asia/Baghdad")


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=BAGHDAD)


def test_same_seconds_as_the_calendar_on_random_pairs():
    calendar = dataclasses.replace(
        standard_calendar(holidays=[datetime.date(2026, 11, 12)]),
        overrides=(
            HoursOverride(
                datetime.date(2026, 11, 17),
                datetime.date(2026, 11, 18),
                datetime.time(9),
                datetime.time(12),
            ),
        ),
    )
    line = WorkingLine(calendar)
    rng = random.Random(13)
    base = at(10, 20, 0)
    moments = [base + datetime.timedelta(seconds=rng.randrange(50 * 86400)) for _ in range(400)]
    moments += [at(11, 12, 9), at(11, 17, 8), at(11, 17, 13, 30)]
    for _ in range(2000):
        a, b = rng.choice(moments), rng.choice(moments)
        a += datetime.timedelta(microseconds=rng.randrange(1_000_000))
        assert line.seconds_between(a, b) == calendar.seconds_between(a, b), (a, b)
