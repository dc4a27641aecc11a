"""Hijri dates beside Gregorian ones, in the reader's language."""

import datetime

import pytest
from django.utils import translation
from hijridate import Gregorian

from mithaq.common.dates import hijri, long_date

EID_AL_FITR_1447 = datetime.date(2026, 3, 20)


def test_known_date_agrees_with_umm_al_qura():
    h = Gregorian(2026, 3, 20).to_hijri()
    assert (h.day, h.month, h.year) == (1, 10, 1447)  # 1 Shawwal 1447
    with translation.override("ar"):
        assert hijri(EID_AL_FITR_1447) == "1 شوال 1447"


def test_month_names_are_english_for_english_readers():
    with translation.override("en"):
        assert hijri(EID_AL_FITR_1447) == "1 Shawwal 1447"


def test_regional_arabic_uses_arabic_month_names():
    with translation.override("ar-iq"):
        assert hijri(EID_AL_FITR_1447) == "1 شوال 1447"


def test_arabic_is_the_default_when_no_language_is_active():
    with translation.override(None):
        assert hijri(EID_AL_FITR_1447) == "1 شوال 1447"


def test_the_day_before_is_the_last_of_ramadan():
    with translation.override("ar"):
        assert hijri(EID_AL_FITR_1447 - datetime.timedelta(days=1)) == "30 رمضان 1447"


@pytest.mark.parametrize(
    ("day", "arabic", "english"),
    [
        (datetime.date(1924, 8, 1), "1 محرم 1343", "1 Muharram 1343"),
        (datetime.date(2077, 11, 16), "30 ذو الحجة 1500", "30 Dhu al-Hijjah 1500"),
    ],
)
def test_first_and_last_months_of_the_table(day, arabic, english):
    with translation.override("ar"):
        assert hijri(day) == arabic
    with translation.override("en"):
        assert hijri(day) == english


def test_every_month_name_matches_the_calendar_month():
    # One day in each of the twelve months of 1447, checked against hijridate itself.
    seen = {}
    day = datetime.date(2025, 6, 26)  # 1 Muharram 1447
    for _ in range(360):
        h = Gregorian(day.year, day.month, day.day).to_hijri()
        with translation.override("en"):
            seen.setdefault(h.month, hijri(day).split(" ", 1)[1].rsplit(" ", 1)[0])
        day += datetime.timedelta(days=1)
    assert seen == {
        1: "Muharram",
        2: "Safar",
        3: "Rabi al-Awwal",
        4: "Rabi al-Thani",
        5: "Jumada al-Ula",
        6: "Jumada al-Akhirah",
        7: "Rajab",
        8: "Shaban",
        9: "Ramadan",
        10: "Shawwal",
        11: "Dhu al-Qadah",
        12: "Dhu al-Hijjah",
    }


@pytest.mark.parametrize(
    "day", [datetime.date(1924, 7, 31), datetime.date(2077, 11, 17), datetime.date(1, 1, 1)]
)
def test_dates_outside_the_umm_al_qura_table_give_an_empty_string(day):
    assert hijri(day) == ""


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "1 Chawwal 1447"), ("es", "1 Shawwal 1447"), ("fr-ca", "1 Chawwal 1447")],
)
def test_french_and_spanish_readers_get_their_month_names(language, expected):
    with translation.override(language):
        assert hijri(EID_AL_FITR_1447) == expected


def test_ramadan_in_each_language():
    day = EID_AL_FITR_1447 - datetime.timedelta(days=1)
    names = {}
    for language in ("ar", "en", "fr", "es"):
        with translation.override(language):
            names[language] = hijri(day)
    assert names == {
        "ar": "30 رمضان 1447",
        "en": "30 Ramadan 1447",
        "fr": "30 Ramadan 1447",
        "es": "30 Ramadán 1447",
    }


@pytest.mark.parametrize(
    ("language", "plain", "with_weekday"),
    [
        ("ar", "6 ديسمبر 2026", "الأحد 6 ديسمبر 2026"),
        ("en", "6 December 2026", "Sunday 6 December 2026"),
        ("fr", "6 décembre 2026", "dimanche 6 décembre 2026"),
        ("es", "6 de diciembre de 2026", "domingo 6 de diciembre de 2026"),
    ],
)
def test_one_date_style_per_language(language, plain, with_weekday):
    day = datetime.date(2026, 12, 6)
    with translation.override(language):
        assert long_date(day) == plain
        assert long_date(day, weekday=True) == with_weekday
