"""The clocks page for office managers: the working calendar and this year's holidays,
with a form to correct a holiday's date."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mithaq.accounts import access
from mithaq.accounts.decorators import staff_required

from . import calendar as working
from . import services
from .forms import HolidayDateForm
from .models import WEEK_ORDER, Commitment, Holiday, Weekday, WorkingCalendar

# The calendar and commitments are kept by office managers and administrators only.
calendar_manager_required = staff_required(allow=access.may_manage_calendar)


def _context(request, *, bad_form=None, bad_pk=None):
    calendar_row = WorkingCalendar.objects.filter(is_active=True).first()
    year = timezone.localdate().year
    hours, holidays, overrides, annual = {}, [], [], []
    if calendar_row is not None:
        hours = {h.weekday: h for h in calendar_row.hours.all()}
        overrides = list(calendar_row.overrides.filter(last_day__year__gte=year))
        annual = list(calendar_row.annual_holidays.all())
        holidays = list(calendar_row.holidays.filter(date__year=year))
    rows = []
    for holiday in holidays:
        form = (
            bad_form
            if holiday.pk == bad_pk
            else HolidayDateForm(initial={"date": holiday.date}, auto_id=_auto_id(holiday.pk))
        )
        rows.append({"holiday": holiday, "form": form})
    week = [{"label": Weekday(d).label, "hours": hours.get(d)} for d in WEEK_ORDER]
    return {
        "calendar": calendar_row,
        "year": year,
        "week": week,
        "overrides": overrides,
        "annual": annual,
        "holidays": rows,
        "commitments": Commitment.objects.select_related("service"),
        "now_is_working": working.is_working_moment(),
        "next_working": working.next_working_moment(),
    }


def _auto_id(pk: int) -> str:
    # One form per holiday on the page: ids must differ.
    return f"id_holiday_{pk}_%s"


@require_GET
@calendar_manager_required
def calendar_page(request):
    return render(request, "routing/calendar.html", _context(request))


@require_POST
@calendar_manager_required
def holiday_date(request, pk):
    holiday = get_object_or_404(Holiday, pk=pk, calendar__is_active=True)
    form = HolidayDateForm(request.POST, auto_id=_auto_id(holiday.pk))
    if form.is_valid():
        try:
            services.move_holiday(holiday=holiday, date=form.cleaned_data["date"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("date", message)
        else:
            messages.success(request, _("The holiday's date is corrected."))
            return redirect("routing:calendar")
    context = _context(request, bad_form=form, bad_pk=holiday.pk)
    return render(request, "routing/calendar.html", context, status=400)
