"""Holidays fixed on the Hijri calendar, computed for a Gregorian year (Umm al-Qura)."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from hijridate import Gregorian, Hijri


class HijriFeast(models.TextChoices):
    EID_AL_FITR = "eid_al_fitr", _("Eid al-Fitr")
    EID_AL_ADHA = "eid_al_adha", _("Eid al-Adha")
    HIJRI_NEW_YEAR = "hijri_new_year", _("Hijri New Year")
    MAWLID = "mawlid", _("The Prophet's Birthday")


# The names stored on generated holiday rows (data the office may edit, in both languages).
FEAST_NAMES = {
    HijriFeast.EID_AL_FITR: ("عيد الفطر", "Eid al-Fitr"),
    HijriFeast.EID_AL_ADHA: ("عيد الأضحى", "Eid al-Adha"),
    HijriFeast.HIJRI_NEW_YEAR: ("رأس السنة الهجرية", "Hijri New Year"),
    HijriFeast.MAWLID: ("المولد النبوي الشريف", "The Prophet's Birthday"),
}

# (feast, Hijri month, first day, number of days)
FEASTS = [
    (HijriFeast.EID_AL_FITR, 10, 1, 3),
    (HijriFeast.EID_AL_ADHA, 12, 10, 4),
    (HijriFeast.HIJRI_NEW_YEAR, 1, 1, 1),
    (HijriFeast.MAWLID, 3, 12, 1),
]


@dataclass(frozen=True)
class HijriHoliday:
    feast: str
    hijri_year: int
    hijri_month: int
    hijri_day: int
    date: datetime.date

    @property
    def key(self) -> str:
        """Names this day of this feast, so that regenerating finds a corrected row."""
        return f"{self.feast}:{self.hijri_year}:{self.hijri_month}:{self.hijri_day}"


def hijri_holidays(year: int) -> list[HijriHoliday]:
    """Every Hijri-fixed holiday whose computed Gregorian date falls in `year`."""
    first = Gregorian(year, 1, 1).to_hijri().year
    last = Gregorian(year, 12, 31).to_hijri().year
    found = []
    for hijri_year in range(first, last + 1):
        for feast, month, day, length in FEASTS:
            g = Hijri(hijri_year, month, day).to_gregorian()
            start = datetime.date(g.year, g.month, g.day)
            for offset in range(length):
                date = start + datetime.timedelta(days=offset)
                if date.year == year:
                    h = Gregorian(date.year, date.month, date.day).to_hijri()
                    found.append(HijriHoliday(feast, h.year, h.month, h.day, date))
    return sorted(found, key=lambda h: h.date)
