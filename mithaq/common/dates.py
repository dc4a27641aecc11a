"""Hijri alongside Gregorian dates."""

import datetime

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


def hijri(day: datetime.date) -> str:
    """The Umm al-Qura date of `day`, e.g. '2 جمادى الآخرة 1448'; '' outside its range."""
    try:
        h = Gregorian(day.year, day.month, day.day).to_hijri()
    except (OverflowError, ValueError):
        return ""
    months = _HIJRI_MONTHS_AR if (get_language() or "ar").startswith("ar") else _HIJRI_MONTHS_EN
    return f"{h.day} {months[h.month - 1]} {h.year}"
