"""A schedule for tests and the demo: an official's Tuesday interviews, 10:00-12:00, six."""

import datetime

from .models import Schedule, WeeklyHours


def tuesday_schedule(*, unit, official=None, name="مقابلات الثلاثاء", quota=6) -> Schedule:
    schedule = Schedule.objects.create(unit=unit, official=official, name=name)
    WeeklyHours.objects.create(
        schedule=schedule,
        weekday=1,
        starts=datetime.time(10),
        ends=datetime.time(12),
        quota=quota,
    )
    return schedule
