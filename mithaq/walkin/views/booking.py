"""Booked appointments in the hall (mithaq.walkin.bookings): the citizen's booking page and
the page of their appointment (found by its unguessable link, as a ticket is), and the
supervisor's page of the hall's appointment hours and the day's appointments."""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mithaq.accounts.decorators import staff_required
from mithaq.common.dates import hijri, long_date
from mithaq.common.ids import parse_id
from mithaq.common.ratelimit import client_address, over_limit
from mithaq.scheduling.models import Closure, WeeklyHours
from mithaq.scheduling.services import MAX_CHANGES, Slot
from mithaq.walkin import access as hall_access

from .. import bookings
from ..forms import BookForm, ClosureForm, HoursForm, MoveForm, WindowForm
from ..models import Hall, HallBooking, HallService
from ..states import HallBookingState

# How many days with free times a booking page offers at once (the engine looks 60 ahead).
DAYS_OFFERED = 14


def _hall(code: str) -> Hall:
    hall = Hall.objects.active().filter(code=code).first()
    if hall is None:
        raise Http404
    return hall


def _days(hall: Hall, free: list[Slot]) -> list[dict]:
    """The free times grouped by local day, each day with its Gregorian and Hijri names."""
    tz = hall.tzinfo
    days = []
    for day, group in groupby(free, key=lambda slot: slot.starts_at.astimezone(tz).date()):
        days.append(
            {
                "day": day,
                "label": long_date(day, weekday=True),
                "hijri": hijri(day),
                "slots": [
                    {
                        "value": slot.starts_at.isoformat(),
                        "time": slot.starts_at.astimezone(tz).strftime("%H:%M"),
                    }
                    for slot in group
                ],
            }
        )
        if len(days) == DAYS_OFFERED:
            break
    return days


@require_http_methods(["GET", "POST"])
def book(request, hall):
    """Pick a service, then a free time, give a phone: the code comes by SMS and on screen."""
    hall = _hall(hall)
    services = bookings.bookable_services(hall)
    chosen: HallService | None = None
    service_id = parse_id(request.POST.get("service") or request.GET.get("service") or "")
    if service_id is not None:
        chosen = next((s for s in services if s.pk == service_id), None)
    if len(services) == 1:
        chosen = services[0]
    form = BookForm(request.POST or None)
    if request.method == "POST":
        if chosen is None:
            form.add_error(None, _("Choose a service."))
        elif form.is_valid() and (
            over_limit(f"hall-book:phone:{form.cleaned_data['phone']}", limit=5, window=86400)
            or over_limit(f"hall-book:ip:{client_address(request)}", limit=30, window=3600)
        ):
            form.add_error(None, _("Too many appointments were asked for: try again later."))
        if chosen is not None and form.is_valid():
            try:
                row = bookings.book(
                    hall_service=chosen,
                    starts_at=form.cleaned_data["slot"],
                    phone=form.cleaned_data["phone"],
                    language=(get_language() or "ar")[:2],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("slot", message)
            else:
                return redirect("walkin:booking", token=row.token)
    days = _days(hall, bookings.free_times(chosen)) if chosen is not None else []
    context = {
        "hall": hall,
        "services": services,
        "chosen": chosen,
        "days": days,
        "form": form,
        "max_changes": MAX_CHANGES,
    }
    return render(
        request, "walkin/book.html", context, status=400 if request.method == "POST" else 200
    )


def _booking(token: str) -> HallBooking:
    row = (
        HallBooking.objects.select_related("hall", "hall_service__service", "booking", "ticket")
        .filter(token=token, hall__is_active=True)
        .first()
    )
    if row is None:
        raise Http404
    return row


def booking(request, token):
    """The citizen's appointment: its code, when (Gregorian and Hijri), move or cancel."""
    row = _booking(token)
    when, hijri_date = bookings.when_text(
        row.booking.starts_at, (get_language() or "ar")[:2], row.hall.tzinfo
    )
    may_change = (
        row.state == HallBookingState.BOOKED
        and row.booking.changes < MAX_CHANGES
        and row.booking.starts_at > timezone.now()
    )
    context = {
        "row": row,
        "hall": row.hall,
        "when": when,
        "hijri": hijri_date,
        "may_change": may_change,
        "changes_left": MAX_CHANGES - row.booking.changes,
        "days": _days(row.hall, bookings.free_times(row.hall_service)) if may_change else [],
        "move_form": MoveForm(),
        "States": HallBookingState,
    }
    return render(request, "walkin/booking.html", context)


@require_POST
def booking_move(request, token):
    row = _booking(token)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(form.errors["slot"][0]))
        return redirect("walkin:booking", token=row.token)
    try:
        bookings.move(hall_booking=row, starts_at=form.cleaned_data["slot"])
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Your appointment is moved. The new time is sent by SMS."))
    return redirect("walkin:booking", token=row.token)


@require_POST
def booking_cancel(request, token):
    row = _booking(token)
    try:
        bookings.cancel(hall_booking=row)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Your appointment is cancelled."))
    return redirect("walkin:booking", token=row.token)


# -- the supervisor --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def appointments(request, hall):
    """The hall's appointment hours per service, the booked visitors' window, and the day's
    appointments (who checked in, who did not come)."""
    hall = hall_access.get_hall_for_user(request, hall, supervise=True)
    hours_form: HoursForm | None = None
    window_form: WindowForm | None = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "window":
            window_form = WindowForm(request.POST, instance=hall)
            if window_form.is_valid():
                window_form.save()
                messages.success(request, _("The booked visitors' window is saved."))
                return redirect("walkin:appointments", hall=hall.code)
        elif action == "remove":
            hours = get_object_or_404(
                WeeklyHours,
                pk=parse_id(request.POST.get("hours", "")) or 0,
                schedule__hall_service__hall=hall,
            )
            bookings.remove_hours(hours=hours)
            messages.success(request, _("The hours are removed."))
            return redirect("walkin:appointments", hall=hall.code)
        else:
            hours_form = HoursForm(request.POST, hall=hall)
            if hours_form.is_valid():
                data = hours_form.cleaned_data
                try:
                    bookings.add_hours(
                        hall_service=data["service"],
                        weekday=data["weekday"],
                        starts=data["starts"],
                        ends=data["ends"],
                        quota=data["quota"],
                    )
                except ValidationError as exc:
                    hours_form.add_error(None, exc)
                else:
                    messages.success(request, _("The hours are added."))
                    return redirect("walkin:appointments", hall=hall.code)
        status = 400
    return _appointments_page(
        request, hall, hours_form=hours_form, window_form=window_form, status=status
    )


def _appointments_page(
    request,
    hall: Hall,
    *,
    hours_form: HoursForm | None = None,
    window_form: WindowForm | None = None,
    closure_form: ClosureForm | None = None,
    status: int = 200,
):
    now = timezone.now()
    services = (
        HallService.objects.filter(hall=hall, is_active=True)
        .select_related("service", "schedule")
        .prefetch_related("schedule__hours")
    )
    order = {day: position for position, day in enumerate(bookings.week_order())}
    hours = [
        (service, h)
        for service in services
        if service.schedule
        for h in sorted(service.schedule.hours.all(), key=lambda h: (order[h.weekday], h.starts))
    ]
    context = {
        "hall": hall,
        "services": services,
        "hours": hours,
        "hours_form": hours_form or HoursForm(hall=hall),
        "window_form": window_form or WindowForm(instance=hall),
        "closure_form": closure_form or ClosureForm(hall=hall),
        "closures": bookings.closures(hall),
        "day": hall.local_day(now),
        "rows": bookings.day_bookings(hall, hall.local_day(now)),
    }
    return render(request, "walkin/staff/appointments.html", context, status=status)


@require_POST
@staff_required
def appointment_closures(request, hall):
    """Close a service's appointments on a day or days (with a reason), or open them again:
    the same right as the hours."""
    hall = hall_access.get_hall_for_user(request, hall, supervise=True)
    if request.POST.get("action") == "remove":
        closure = get_object_or_404(
            Closure,
            pk=parse_id(request.POST.get("closure", "")) or 0,
            schedule__hall_service__hall=hall,
        )
        bookings.remove_closure(closure=closure)
        messages.success(request, _("The closure is removed: those days take appointments again."))
        return redirect("walkin:appointments", hall=hall.code)
    form = ClosureForm(request.POST, hall=hall)
    if form.is_valid():
        data = form.cleaned_data
        try:
            bookings.add_closure(
                hall_service=data["service"],
                first_day=data["first_day"],
                last_day=data["last_day"],
                reason=data["reason"],
                cancel_booked=data["cancel_booked"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The closure is added: no appointments on those days."))
            return redirect("walkin:appointments", hall=hall.code)
    return _appointments_page(request, hall, closure_form=form, status=400)
