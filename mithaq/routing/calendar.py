"""The active working calendar and the charter's commitments, loaded once per process.

Every process keeps what it loaded (mithaq.common.cache.ProcessCopy); a change made through
the admin or a service function bumps a version in the shared cache (Redis when configured).
The process that made the change reloads at once; every other one looks at the version at
most every `_CHECK_EVERY` seconds (a look is a round trip to Redis, and every inbox page would
pay it), and reloads at most `_MAX_AGE` seconds after loading even with a per-process cache."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from mithaq.common.cache import ProcessCopy

from . import worktime

_VERSION_KEY = "routing:clock-config:version"
_MAX_AGE = 300
_CHECK_EVERY = 1.0


@dataclass(frozen=True)
class CommitmentRule:
    target: str
    kind: str
    service_id: int | None
    urgent: bool
    amount: int
    unit: str


@dataclass(frozen=True)
class StepRule:
    pk: int
    target: str
    offset_hours: int
    recipient: str


@dataclass(frozen=True)
class ClockConfig:
    calendar: worktime.Calendar
    calendar_id: int | None
    commitments: tuple[CommitmentRule, ...]
    steps: tuple[StepRule, ...]

    def steps_for(self, target: str) -> list[StepRule]:
        return [s for s in self.steps if s.target == target]


def _default_calendar() -> worktime.Calendar:
    return worktime.standard_calendar(settings.TIME_ZONE)


def _load() -> ClockConfig:
    from .models import Commitment, EscalationStep, WorkingCalendar

    row = (
        WorkingCalendar.objects.filter(is_active=True)
        .prefetch_related("hours", "overrides", "annual_holidays", "holidays")
        .first()
    )
    if row is None:
        calendar, calendar_id = _default_calendar(), None
    else:
        calendar_id = row.pk
        calendar = worktime.Calendar(
            time_zone=row.time_zone,
            hours={h.weekday: (h.opens, h.closes) for h in row.hours.all()},
            holidays=frozenset(h.date for h in row.holidays.all()),
            annual=frozenset((h.month, h.day) for h in row.annual_holidays.all()),
            overrides=tuple(
                worktime.HoursOverride(o.first_day, o.last_day, o.opens, o.closes)
                for o in row.overrides.all()
            ),
        )
    commitments = tuple(
        CommitmentRule(c.target, c.kind, c.service_id, c.urgent, c.amount, c.unit)
        for c in Commitment.objects.all()
    )
    steps = tuple(
        StepRule(s.pk, s.target, s.offset_hours, s.recipient)
        for s in EscalationStep.objects.filter(is_active=True).order_by(
            "target", "offset_hours", "id"
        )
    )
    return ClockConfig(calendar, calendar_id, commitments, steps)


_COPY = ProcessCopy(_VERSION_KEY, _load, max_age=_MAX_AGE, check_every=_CHECK_EVERY)


def config() -> ClockConfig:
    return _COPY.get()


def fresh_config() -> ClockConfig:
    """The configuration read from the database now, not this process's copy: for jobs that
    store moments computed from it (recomputing open clocks, the clock tick), which must
    never use a copy older than a change made in another process."""
    return _load()


def invalidate() -> None:
    """Forget the loaded configuration here and in every other process (now and again after
    the current transaction commits, so nobody keeps a value read in between)."""
    _COPY.invalidate()


def invalidate_local() -> None:
    """Forget this process's copy only (tests, whose changes roll back)."""
    _COPY.invalidate_local()


def active_calendar() -> worktime.Calendar:
    return config().calendar


def next_working_moment(when: datetime.datetime | None = None) -> datetime.datetime:
    """`when` (default now) if it is within working hours, else the next opening."""
    return active_calendar().next_working_moment(when or timezone.now())


def is_working_moment(when: datetime.datetime | None = None) -> bool:
    return active_calendar().is_working_moment(when or timezone.now())


def add_working(start: datetime.datetime, hours: float = 0, days: int = 0) -> datetime.datetime:
    """`start` plus whole working days (to the close of the last one), then working hours."""
    return active_calendar().add(start, hours=hours, days=days)
