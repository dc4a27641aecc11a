"""A report's period: a month, a half year, a Gregorian or Hijri year, parsed from the text
the command and the pages take (`monthly:2026-11`, `semiannual:2026-H2`, `annual:2026`,
`annual:1447` where the institution reports by Hijri year) and read in the institution's
time zone."""

import datetime
import re
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from hijridate import Hijri


class PeriodKind:
    MONTHLY = "monthly"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"


def reports_by_hijri_year() -> bool:
    """The institution's choice (setting MITHAQ_REPORT_YEAR = "hijri"): the annual report
    runs over a Hijri year (Umm al-Qura) instead of a Gregorian one."""
    return getattr(settings, "MITHAQ_REPORT_YEAR", "gregorian") == "hijri"


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    # The month (1–12) of a monthly period, the half (1 or 2) of a semiannual one, else 0.
    part: int
    hijri: bool
    first_day: datetime.date
    # The day after the last: the period is [first_day, end_day).
    end_day: datetime.date

    @property
    def key(self) -> str:
        if self.kind == PeriodKind.MONTHLY:
            return f"monthly:{self.year:04d}-{self.part:02d}"
        if self.kind == PeriodKind.SEMIANNUAL:
            return f"semiannual:{self.year:04d}-H{self.part}"
        return f"annual:{self.year:04d}"

    @property
    def last_day(self) -> datetime.date:
        return self.end_day - datetime.timedelta(days=1)

    def bounds(self, time_zone: str) -> tuple[datetime.datetime, datetime.datetime]:
        """The period's first and end moments, midnight in `time_zone`."""
        tz = zoneinfo.ZoneInfo(time_zone)
        start = datetime.datetime.combine(self.first_day, datetime.time(), tzinfo=tz)
        end = datetime.datetime.combine(self.end_day, datetime.time(), tzinfo=tz)
        return start, end

    def previous(self) -> "Period":
        if self.kind == PeriodKind.MONTHLY:
            year, month = (self.year - 1, 12) if self.part == 1 else (self.year, self.part - 1)
            return monthly(year, month)
        if self.kind == PeriodKind.SEMIANNUAL:
            return semiannual(self.year - 1, 2) if self.part == 1 else semiannual(self.year, 1)
        return annual(self.year - 1, hijri=self.hijri)

    def year_before(self) -> "Period":
        if self.kind == PeriodKind.MONTHLY:
            return monthly(self.year - 1, self.part)
        if self.kind == PeriodKind.SEMIANNUAL:
            return semiannual(self.year - 1, self.part)
        return annual(self.year - 1, hijri=self.hijri)


def monthly(year: int, month: int) -> Period:
    first = datetime.date(year, month, 1)
    end = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return Period(PeriodKind.MONTHLY, year, month, False, first, end)


def semiannual(year: int, half: int) -> Period:
    first = datetime.date(year, 1 if half == 1 else 7, 1)
    end = datetime.date(year, 7, 1) if half == 1 else datetime.date(year + 1, 1, 1)
    return Period(PeriodKind.SEMIANNUAL, year, half, False, first, end)


def annual(year: int, *, hijri: bool = False) -> Period:
    if hijri:
        first = Hijri(year, 1, 1).to_gregorian()
        end = Hijri(year + 1, 1, 1).to_gregorian()
        return Period(
            PeriodKind.ANNUAL,
            year,
            0,
            True,
            datetime.date(first.year, first.month, first.day),
            datetime.date(end.year, end.month, end.day),
        )
    return Period(
        PeriodKind.ANNUAL, year, 0, False, datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    )


_PATTERNS = {
    PeriodKind.MONTHLY: re.compile(r"^(\d{4})-(\d{2})$"),
    PeriodKind.SEMIANNUAL: re.compile(r"^(\d{4})-H([12])$", re.IGNORECASE),
    PeriodKind.ANNUAL: re.compile(r"^(\d{4})$"),
}


def parse_period(text: str, *, today: datetime.date) -> Period:
    """The period `text` names, or ValidationError with a message for the person: malformed,
    or starting after `today` (the institution's today)."""
    kind, _sep, rest = (text or "").strip().partition(":")
    pattern = _PATTERNS.get(kind.lower())
    match = pattern.match(rest.strip()) if pattern else None
    if match is None:
        raise ValidationError(
            _(
                "“%(value)s” is not a period. Write monthly:2026-11, semiannual:2026-H2 "
                "or annual:2026."
            ),
            params={"value": text},
            code="period",
        )
    year = int(match.group(1))
    try:
        if kind.lower() == PeriodKind.MONTHLY:
            period = monthly(year, int(match.group(2)))
        elif kind.lower() == PeriodKind.SEMIANNUAL:
            period = semiannual(year, int(match.group(2)))
        else:
            period = annual(year, hijri=reports_by_hijri_year())
    except (ValueError, OverflowError):
        raise ValidationError(
            _("“%(value)s” is not a period: there is no such month or year."),
            params={"value": text},
            code="period",
        ) from None
    if period.first_day > today:
        raise ValidationError(
            _("The period %(value)s has not started yet."),
            params={"value": period.key},
            code="future",
        )
    return period
