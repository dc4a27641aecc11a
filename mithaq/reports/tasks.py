"""The reports' jobs: building one pack, and the scheduler's look for periods that ended
(their packs are built on the first working day after each period)."""

import datetime

from django.utils import timezone
from django_tasks import task
from hijridate import Gregorian

from mithaq.routing import calendar as working
from mithaq.routing.worktime import Calendar

from . import periods, services
from .models import ReportPack


@task()
def build_pack_job(pack_id: int) -> str:
    pack = services.build_pack(pack_id)
    return pack.status if pack is not None else "missing"


def periods_ending_on(end_day: datetime.date) -> list[periods.Period]:
    """The periods whose last day is the day before `end_day`."""
    found = []
    if end_day.day == 1:
        last = end_day - datetime.timedelta(days=1)
        found.append(periods.monthly(last.year, last.month))
        if end_day.month in (1, 7):
            found.append(periods.semiannual(last.year, 1 if end_day.month == 7 else 2))
        if end_day.month == 1 and not periods.reports_by_hijri_year():
            found.append(periods.annual(last.year))
    if periods.reports_by_hijri_year():
        hijri = Gregorian(end_day.year, end_day.month, end_day.day).to_hijri()
        if hijri.month == 1 and hijri.day == 1:
            found.append(periods.annual(hijri.year - 1, hijri=True))
    return found


def due_periods(today: datetime.date, calendar: Calendar) -> list[periods.Period]:
    """The periods whose pack is due `today`: today is a working day, and the period ended
    on it or on one of the non-working days just before it."""
    if not calendar.is_working_day(today):
        return []
    days = [today]
    day = today - datetime.timedelta(days=1)
    while not calendar.is_working_day(day) and len(days) < 40:
        days.append(day)
        day -= datetime.timedelta(days=1)
    return [period for end_day in reversed(days) for period in periods_ending_on(end_day)]


@task()
def build_due_packs() -> list[str]:
    """Periodic (daily is enough; hourly costs nothing): ask for the institution-wide pack of
    each period that ended, on the first working day after it, once."""
    config = working.fresh_config()
    today = timezone.localdate(timezone.now(), config.calendar.tz)
    asked = []
    for period in due_periods(today, config.calendar):
        if ReportPack.objects.filter(period=period.key, unit=None).exists():
            continue
        services.request_pack(period=period, unit=None, requested_by=None)
        asked.append(period.key)
    return asked
