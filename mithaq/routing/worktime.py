"""Working-time arithmetic on a calendar value: no database, no server time zone.

A working day has one opening interval [opens, closes] in the calendar's own time zone.
Durations are measured in real elapsed seconds inside those intervals, so a day on which
the clocks change (Cairo's daylight saving) counts the time that really passed.

`add_seconds(start, d)` is the earliest moment t >= start with d working seconds in
[start, t]. With that definition adding is additive: add(add(s, a), b) == add(s, a + b),
and a positive duration always ends inside working hours (the closing minute included).
"""

import datetime
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

UTC = datetime.UTC
# No calendar is so closed that a deadline lies more than ten years away; past that, the
# calendar has no working day at all and is a configuration error.
_HORIZON_DAYS = 3660
# How many days' intervals a calendar keeps (interval()): about eleven years of days.
_KEPT_INTERVALS = 4096


class NoWorkingTime(ValueError):
    """The calendar has no working hours within reach."""


@dataclass(frozen=True)
class HoursOverride:
    """Different hours on the working days of a date range (e.g. Ramadan)."""

    first_day: datetime.date
    last_day: datetime.date
    opens: datetime.time
    closes: datetime.time


@dataclass(frozen=True)
class Calendar:
    """An institution's working time.

    `hours` maps a weekday (Monday=0 ... Sunday=6) to its (opens, closes); weekdays missing
    from it are the weekend. `holidays` are whole days off; `annual` holds (month, day)
    pairs that are off every year."""

    time_zone: str
    hours: Mapping[int, tuple[datetime.time, datetime.time]]
    holidays: frozenset = field(default_factory=frozenset)
    annual: frozenset = field(default_factory=frozenset)
    overrides: tuple = ()
    # Each day's interval as interval() worked it out, kept with this calendar value (a
    # calendar is never changed: a new one is made); decision 0020.
    _intervals: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def weekend(self) -> frozenset:
        return frozenset(set(range(7)) - set(self.hours))

    @functools.cached_property
    def day_seconds(self) -> int:
        """The length of a full ordinary working day (the longest weekday)."""
        lengths = [_seconds_between_times(o, c) for o, c in self.hours.values()]
        return max(lengths, default=0)

    # Days ---------------------------------------------------------------------------

    def is_holiday(self, day: datetime.date) -> bool:
        return day in self.holidays or (day.month, day.day) in self.annual

    def day_hours(self, day: datetime.date) -> tuple[datetime.time, datetime.time] | None:
        """The local opening hours of `day`, or None when it is not a working day."""
        if day.weekday() not in self.hours or self.is_holiday(day):
            return None
        for override in self.overrides:
            if override.first_day <= day <= override.last_day:
                return override.opens, override.closes
        return self.hours[day.weekday()]

    def is_working_day(self, day: datetime.date) -> bool:
        return self.day_hours(day) is not None

    def interval(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime] | None:
        """The working interval of `day` as UTC moments, or None. Worked out once a day and
        kept with the calendar (up to _KEPT_INTERVALS days, then forgotten and worked out
        again): the inbox's working time left on every row walks the days to each deadline."""
        try:
            return self._intervals[day]
        except KeyError:
            pass
        got = self._work_out_interval(day)
        if len(self._intervals) >= _KEPT_INTERVALS:
            self._intervals.clear()
        self._intervals[day] = got
        return got

    def _work_out_interval(
        self, day: datetime.date
    ) -> tuple[datetime.datetime, datetime.datetime] | None:
        hours = self.day_hours(day)
        if hours is None:
            return None
        tz = self.tz
        opens = _aware(day, hours[0], tz)
        closes = _aware(day, hours[1], tz)
        if closes <= opens:
            return None
        return opens, closes

    def local_date(self, moment: datetime.datetime) -> datetime.date:
        return _check_aware(moment).astimezone(self.tz).date()

    def _intervals_from(self, moment: datetime.datetime):
        day = self.local_date(moment)
        for offset in range(_HORIZON_DAYS):
            current = day + datetime.timedelta(days=offset)
            interval = self.interval(current)
            if interval is not None:
                yield current, interval
        raise NoWorkingTime(self.time_zone)

    def _intervals_back_from(self, moment: datetime.datetime):
        day = self.local_date(moment)
        for offset in range(_HORIZON_DAYS):
            current = day - datetime.timedelta(days=offset)
            interval = self.interval(current)
            if interval is not None:
                yield current, interval
        raise NoWorkingTime(self.time_zone)

    # Moments ------------------------------------------------------------------------

    def is_working_moment(self, moment: datetime.datetime, *, closing_included=False) -> bool:
        interval = self.interval(self.local_date(moment))
        if interval is None:
            return False
        opens, closes = interval
        return opens <= moment < closes or (closing_included and moment == closes)

    def next_working_moment(self, moment: datetime.datetime) -> datetime.datetime:
        """`moment` itself during working hours, otherwise the next opening."""
        moment = _check_aware(moment)
        for _day, (opens, closes) in self._intervals_from(moment):
            if moment < closes:
                return self._local(max(opens, moment))
        raise NoWorkingTime(self.time_zone)  # pragma: no cover (the generator raises first)

    def add_seconds(self, start: datetime.datetime, seconds: int) -> datetime.datetime:
        """The earliest moment with `seconds` of working time since `start` (negative
        seconds go back: the latest moment with that much working time before `start`)."""
        start = _check_aware(start)
        if seconds == 0:
            return self._local(start)
        if seconds < 0:
            return self._subtract(start, -seconds)
        remaining = datetime.timedelta(seconds=seconds)
        for _day, (opens, closes) in self._intervals_from(start):
            if closes <= start:
                continue
            cursor = max(opens, start)
            available = closes - cursor
            if remaining <= available:
                return self._local(cursor + remaining)
            remaining -= available
        raise NoWorkingTime(self.time_zone)  # pragma: no cover

    def _subtract(self, end: datetime.datetime, seconds: int) -> datetime.datetime:
        remaining = datetime.timedelta(seconds=seconds)
        for _day, (opens, closes) in self._intervals_back_from(end):
            if opens >= end:
                continue
            cursor = min(closes, end)
            available = cursor - opens
            if remaining <= available:
                return self._local(cursor - remaining)
            remaining -= available
        raise NoWorkingTime(self.time_zone)  # pragma: no cover

    def add_hours(self, start: datetime.datetime, hours: float) -> datetime.datetime:
        return self.add_seconds(start, round(hours * 3600))

    def add_days(self, start: datetime.datetime, days: int) -> datetime.datetime:
        """The close of the `days`-th working day after the working day of `start`.

        The working day of `start` is the one whose hours contain it (its closing minute
        included), or else the next working day: a case that arrives in the evening, on a
        weekend or on a holiday counts from the next working day."""
        start = _check_aware(start)
        if days <= 0:
            return self._local(start)
        counted = -1
        for _day, (_opens, closes) in self._intervals_from(start):
            if closes < start:
                continue
            counted += 1
            if counted == days:
                return self._local(closes)
        raise NoWorkingTime(self.time_zone)  # pragma: no cover

    def add(self, start: datetime.datetime, *, hours: float = 0, days: int = 0):
        """Whole working days first, then working hours."""
        moment = self.add_days(start, days)
        return self.add_hours(moment, hours) if hours else moment

    def seconds_between(self, start: datetime.datetime, end: datetime.datetime) -> int:
        """Working seconds in [start, end]; negative when end is before start."""
        start, end = _check_aware(start), _check_aware(end)
        if end < start:
            return -self.seconds_between(end, start)
        total = datetime.timedelta()
        for _day, (opens, closes) in self._intervals_from(start):
            if opens >= end:
                break
            lo, hi = max(opens, start), min(closes, end)
            if hi > lo:
                total += hi - lo
        return int(total.total_seconds())

    def _local(self, moment: datetime.datetime) -> datetime.datetime:
        return moment.astimezone(self.tz)


def _check_aware(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("working-time arithmetic needs an aware datetime")
    return moment


def _aware(day: datetime.date, at: datetime.time, tz: ZoneInfo) -> datetime.datetime:
    """The UTC moment of local `day` `at` in `tz`. A repeated wall time (clocks going back)
    means its first occurrence; a skipped one is read with the offset before the jump, which
    puts it just after the jump."""
    return datetime.datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _seconds_between_times(opens: datetime.time, closes: datetime.time) -> int:
    return max(
        0,
        (closes.hour * 3600 + closes.minute * 60 + closes.second)
        - (opens.hour * 3600 + opens.minute * 60 + opens.second),
    )


def standard_calendar(
    time_zone: str = "Asia/Baghdad",
    *,
    weekend: Iterable[int] = (4, 5),
    opens: datetime.time = datetime.time(8),
    closes: datetime.time = datetime.time(14),
    holidays: Iterable[datetime.date] = (),
) -> Calendar:
    """A calendar with the same hours on every working day (Friday–Saturday weekend)."""
    weekend = set(weekend)
    return Calendar(
        time_zone=time_zone,
        hours={day: (opens, closes) for day in range(7) if day not in weekend},
        holidays=frozenset(holidays),
    )
