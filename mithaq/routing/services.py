"""Changes to the working calendar: generating and correcting holidays, and recomputing
open cases' clocks whenever the calendar or the commitments change."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from . import calendar as working
from .hijri import FEAST_NAMES, HijriFeast, hijri_holidays
from .models import Holiday, WorkingCalendar

# A sighted moon moves a feast by a day or two; more than this is a typo.
MAX_CORRECTION_DAYS = 7


# Sent when the calendar, a commitment or an escalation step changed. Routing stands below
# cases and never imports them: cases subscribes (cases.apps) and recomputes open cases'
# clocks by a job once the transaction commits.
clock_config_saved = Signal()


def clock_config_changed() -> None:
    """The calendar, a commitment or an escalation step changed: every process reloads it,
    and whoever keeps clocks computed from it (cases) is told."""
    working.invalidate()
    clock_config_saved.send(sender=None)


@transaction.atomic
def generate_hijri_holidays(*, calendar: WorkingCalendar, year: int) -> tuple[int, int]:
    """Make (or move to their computed date) the Hijri holidays of Gregorian `year`.
    A row corrected by hand keeps its date. Returns (created, moved). Idempotent."""
    if not 1925 <= year <= 2076:
        raise ValidationError(_("Hijri dates can be computed for 1925 to 2076 only."))
    created = moved = 0
    for item in hijri_holidays(year):
        name_ar, name_en = FEAST_NAMES[HijriFeast(item.feast)]
        row = Holiday.objects.filter(calendar=calendar, hijri_key=item.key).first()
        if row is None:
            Holiday.objects.create(
                calendar=calendar,
                hijri_key=item.key,
                date=item.date,
                computed_date=item.date,
                name_ar=name_ar,
                name_en=name_en,
            )
            created += 1
        elif row.computed_date != item.date or (not row.corrected and row.date != item.date):
            row.computed_date = item.date
            if not row.corrected:
                row.date = item.date
                moved += 1
            row.save(update_fields=["computed_date", "date"])
    if created or moved:
        clock_config_changed()
    return created, moved


def check_holiday_move(*, holiday: Holiday, date: datetime.date) -> None:
    """ValidationError unless `date` is a correction of `holiday` (as saved): a few days from
    its computed date (or, for a one-off holiday, from its date). The clocks page and the
    holiday's page in Django's admin both ask here."""
    if holiday.date == date:
        return
    anchor = holiday.computed_date or holiday.date
    if abs((date - anchor).days) > MAX_CORRECTION_DAYS:
        raise ValidationError(
            _("A correction moves a holiday by a few days at most (%(n)s).")
            % {"n": MAX_CORRECTION_DAYS},
            code="far",
        )


@transaction.atomic
def move_holiday(*, holiday: Holiday, date: datetime.date) -> Holiday:
    """Correct a holiday's date (a moon sighting moves a feast by a day). The corrected date
    is kept when the year's holidays are generated again."""
    if holiday.date == date:
        return holiday
    check_holiday_move(holiday=holiday, date=date)
    holiday.date = date
    holiday.corrected = holiday.computed_date is not None and date != holiday.computed_date
    holiday.save(update_fields=["date", "corrected"])
    clock_config_changed()
    return holiday
