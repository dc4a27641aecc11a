"""Periods as the command and the pages name them."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from mithaq.reports.periods import parse_period

TODAY = datetime.date(2026, 12, 6)


def test_monthly_semiannual_and_annual():
    nov = parse_period("monthly:2026-11", today=TODAY)
    assert (nov.first_day, nov.end_day) == (datetime.date(2026, 11, 1), datetime.date(2026, 12, 1))
    assert nov.previous().key == "monthly:2026-10"
    assert nov.year_before().key == "monthly:2025-11"
    assert parse_period("monthly:2026-01", today=TODAY).previous().key == "monthly:2025-12"
    h2 = parse_period("semiannual:2026-H2", today=TODAY)
    assert (h2.first_day, h2.last_day) == (datetime.date(2026, 7, 1), datetime.date(2026, 12, 31))
    assert h2.previous().key == "semiannual:2026-H1"
    assert parse_period("semiannual:2026-h1", today=TODAY).previous().key == "semiannual:2025-H2"
    year = parse_period("annual:2025", today=TODAY)
    assert (year.first_day, year.end_day) == (datetime.date(2025, 1, 1), datetime.date(2026, 1, 1))


def test_bounds_are_midnight_in_the_time_zone():
    start, end = parse_period("monthly:2026-11", today=TODAY).bounds("Asia/Baghdad")
    assert start == datetime.datetime(2026, 10, 31, 21, tzinfo=datetime.UTC)
    assert end == datetime.datetime(2026, 11, 30, 21, tzinfo=datetime.UTC)


def test_hijri_year_where_the_institution_reports_by_it(settings):
    settings.MITHAQ_REPORT_YEAR = "hijri"
    year = parse_period("annual:1447", today=TODAY)
    # 1 Muharram 1447 = 26 June 2025 and 1 Muharram 1448 = 16 June 2026 (Umm al-Qura).
    assert (year.first_day, year.end_day) == (
        datetime.date(2025, 6, 26),
        datetime.date(2026, 6, 16),
    )
    assert year.hijri and year.previous().first_day == datetime.date(2024, 7, 7)


@pytest.mark.parametrize(
    "text", ["", "monthly:2026-13", "monthly:26-11", "weekly:2026-11", "semiannual:2026-H3"]
)
def test_malformed_period_is_refused(text):
    with pytest.raises(ValidationError):
        parse_period(text, today=TODAY)


def test_future_period_is_refused_the_current_one_is_not():
    with pytest.raises(ValidationError) as raised:
        parse_period("monthly:2027-01", today=TODAY)
    assert raised.value.code == "future"
    assert parse_period("monthly:2026-12", today=TODAY).part == 12
