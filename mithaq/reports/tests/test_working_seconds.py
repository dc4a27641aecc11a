"""reports.working_seconds against the calendar's own arithmetic (the oracle), on random
pairs across weekends, a holiday, an hours override and both orders."""

import dataclasses
import datetime
import random

from mithaq.reports.working_seconds import WorkingLine
from mithaq.routing.worktime import HoursOverride, standard_calendar

from . import fixture


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
    base = fixture.at(10, 20, 0)
    moments = [base + datetime.timedelta(seconds=rng.randrange(50 * 86400)) for _ in range(400)]
    moments += [fixture.at(11, 12, 9), fixture.at(11, 17, 8), fixture.at(11, 17, 13, 30)]
    for _ in range(2000):
        a, b = rng.choice(moments), rng.choice(moments)
        a += datetime.timedelta(microseconds=rng.randrange(1_000_000))
        assert line.seconds_between(a, b) == calendar.seconds_between(a, b), (a, b)
