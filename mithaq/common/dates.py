"""Hijri alongside Gregorian dates, and the one date style of each language."""

import datetime

from django.utils import formats
from django.utils.translation import get_language
from hijridate import Gregorian

_HIJRI_MONTHS_AR = [
    "محرم",
    "صفر",
    "ربيع الأول",
    "ربيع الآخر",
    "جمادى الأولى",
    "جمادى الآخرة",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذو القعدة",
    "ذو الحجة",
]
_HIJRI_MONTHS_EN = [
    "Muharram",
    "Safar",
    "Rabi al-Awwal",
    "Rabi al-Thani",
    "Jumada al-Ula",
    "Jumada al-Akhirah",
    "Rajab",
    "Shaban",
    "Ramadan",
    "Shawwal",
    "Dhu al-Qadah",
    "Dhu al-Hijjah",
]

_HIJRI_MONTHS_FR = [
    "Mouharram",
    "Safar",
    "Rabia al-awal",
    "Rabia ath-thani",
    "Joumada al-oula",
    "Joumada ath-thania",
    "Rajab",
    "Chaabane",
    "Ramadan",
    "Chawwal",
    "Dhou al-qi'da",
    "Dhou al-hijja",
]
_HIJRI_MONTHS_ES = [
    "Muharram",
    "Safar",
    "Rabi al-awwal",
    "Rabi al-thani",
    "Yumada al-ula",
    "Yumada al-ajira",
    "Rayab",
    "Shabán",
    "Ramadán",
    "Shawwal",
    "Du al-qada",
    "Du al-hiyya",
]
# The month names by the reader's language; any other language reads the English ones.
_HIJRI_MONTHS = {"ar": _HIJRI_MONTHS_AR, "fr": _HIJRI_MONTHS_FR, "es": _HIJRI_MONTHS_ES}


def hijri(day: datetime.date) -> str:
    """The Umm al-Qura date of `day`, e.g. '2 جمادى الآخرة 1448'; '' outside its range."""
    try:
        h = Gregorian(day.year, day.month, day.day).to_hijri()
    except (OverflowError, ValueError):
        return ""
    language = (get_language() or "ar").split("-")[0]
    months = _HIJRI_MONTHS.get(language, _HIJRI_MONTHS_EN)
    return f"{h.day} {months[h.month - 1]} {h.year}"


def long_date(day: datetime.date, *, weekday: bool = False) -> str:
    """`day` in the active language's one date style (its DATE_FORMAT: 6 de diciembre de 2026
    in Spanish), after the weekday's name when asked."""
    text = formats.date_format(day, "DATE_FORMAT")
    if not weekday:
        return text
    name = formats.date_format(day, "l")
    # French and Spanish write a weekday in lower case inside a date; our catalogue capitalises
    # the names for the lists that choose working days.
    if (get_language() or "ar").split("-")[0] in {"fr", "es"}:
        name = name.lower()
    return f"{name} {text}"
