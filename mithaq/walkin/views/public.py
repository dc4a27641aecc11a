"""Public hall pages: the kiosk at the door, the printed ticket, and the ticket's live page
on the visitor's phone (found only by its unguessable token)."""

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from mithaq.common.crypto import HashKind, search_hash
from mithaq.common.pdf import render_pdf
from mithaq.common.ratelimit import over_limit

from .. import bookings, selectors, services
from .. import kiosk as kiosks
from ..forms import CheckInForm, IssueForm, RatingForm
from ..models import Hall, HallService, Rating, Ticket
from ..states import Face, TicketState


@require_GET
def take_ticket(request, code: str):
    """The catalogue's "take a ticket": the kiosk of the first open hall that serves the
    service, at that service's button."""
    hall_service = (
        HallService.objects.filter(
            service__code=code,
            is_active=True,
            service__is_active=True,
            hall__in=Hall.objects.active(),
        )
        .select_related("hall", "service")
        .order_by("hall__code")
        .first()
    )
    if hall_service is None:
        raise Http404
    kiosk = reverse("walkin:kiosk", args=[hall_service.hall.code])
    return redirect(f"{kiosk}#service-{hall_service.service.code}")


@require_GET
def board(request, hall):
    """The hall board (a PDF to print and hang): every service of the hall with its ticket
    letter and the windows that take it, Arabic first and English beneath."""
    hall = _hall(hall)
    rows = []
    for hall_service in selectors.kiosk_services(hall):
        windows = sorted(
            counter.number for counter in hall_service.counters.all() if counter.is_active
        )
        rows.append({"hall_service": hall_service, "windows": windows})
    labels = {}
    for language in ("ar", "en"):
        with translation.override(language):
            labels[language] = {
                "letter": str(_("Ticket")),
                "service": str(_("Service")),
                "windows": str(_("Windows")),
                "details": str(_("Every service's documents, fees and steps")),
            }
    url = request.build_absolute_uri(reverse("catalogue:list"))
    with translation.override("ar"):
        html = render_to_string(
            "walkin/board.html",
            {
                "hall": hall,
                "rows": rows,
                "labels": labels,
                "url": url,
                "qr": segno.make(url, error="m").svg_data_uri(scale=4, border=1),
            },
        )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{hall.code}-board.pdf"'
    return response


def _hall(code: str) -> Hall:
    hall = Hall.objects.active().filter(code=code).first()
    if hall is None:
        raise Http404
    return hall


def kiosk(request, hall):
    """One tap on a service issues the ticket; the hidden one-time token makes a double
    tap print one ticket, not two."""
    hall = _hall(hall)
    if request.method == "POST":
        # Only the hall's own kiosks take tickets: an enrolled browser, or its network.
        access = kiosks.kiosk_access(request, hall)
        if access is None:
            return render(request, "walkin/kiosk_refused.html", {"hall": hall}, status=403)
        if kiosks.too_many_taps(access):
            response = render(
                request, "walkin/kiosk_refused.html", {"hall": hall, "busy": True}, status=429
            )
            response["Retry-After"] = "60"
            return response
        if "booking_code" in request.POST:
            return _check_in(request, hall)
    form = IssueForm(request.POST or None, hall=hall)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        is_new = not Ticket.objects.filter(submission_token=data["token"]).exists()
        if (
            is_new
            and data["phone"]
            and over_limit(
                f"kiosk:phone:{search_hash(HashKind.PHONE, data['phone'])}",
                limit=settings.MITHAQ_TICKETS_PER_PHONE_PER_DAY,
                window=24 * 3600,
            )
        ):
            # Tickets that text a number are limited per number and day; without a phone the
            # kiosk still serves the visitor.
            form.add_error("phone", _("This number has taken too many tickets today."))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.issue_ticket(
                hall=hall,
                hall_service=data["service"],
                is_priority=data["is_priority"],
                phone=data["phone"],
                language=(get_language() or "ar")[:2],
                submission_token=data["token"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            return redirect(reverse("walkin:ticket_print", args=[ticket.token]) + "?kiosk=1")
    status = 400 if request.method == "POST" else 200
    return _kiosk_page(request, hall, form, CheckInForm(), status=status)


def _kiosk_page(request, hall: Hall, form: IssueForm, checkin: CheckInForm, *, status: int):
    context = {
        "hall": hall,
        "form": form,
        "checkin": checkin,
        "takes_bookings": bool(bookings.bookable_services(hall)),
        "services": selectors.kiosk_services(hall),
        "is_open": services.hall_is_open(hall, timezone.now()),
    }
    return render(request, "walkin/kiosk.html", context, status=status)


def _check_in(request, hall: Hall):
    """A booked visitor types the appointment's code: their ticket, ahead of walk-ins
    within the hall's window (mithaq.walkin.bookings.check_in)."""
    checkin = CheckInForm(request.POST)
    if checkin.is_valid():
        try:
            ticket = bookings.check_in(hall=hall, code=checkin.cleaned_data["booking_code"])
        except ValidationError as exc:
            for message in exc.messages:
                checkin.add_error("booking_code", message)
        else:
            return redirect(reverse("walkin:ticket_print", args=[ticket.token]) + "?kiosk=1")
    return _kiosk_page(request, hall, IssueForm(hall=hall), checkin, status=400)


@require_GET
def kiosk_enrol_link(request, hall, token):
    """The demo's kiosk link (`make run` prints it): enrols the browser that opens it as a
    kiosk of the hall, once. Answers 404 unless MITHAQ_KIOSK_ENROL_LINKS (development only)."""
    if not settings.MITHAQ_KIOSK_ENROL_LINKS:
        raise Http404
    hall = _hall(hall)
    device = services.claim_kiosk_enrolment(token=token)
    if device is None or device.hall_id != hall.pk:
        raise Http404
    response = redirect("walkin:kiosk", hall=hall.code)
    kiosks.remember_device(request, response, device)
    return response


def _ticket_context(request, ticket) -> dict:
    ahead = selectors.people_ahead(ticket)
    url = request.build_absolute_uri(reverse("walkin:ticket", args=[ticket.token]))
    return {
        "ticket": ticket,
        "hall": ticket.hall,
        "ahead": ahead,
        "wait": selectors.estimated_wait(ticket, ahead=ahead),
        "live_url": url,
        "States": TicketState,
    }


def ticket_print(request, token):
    """The receipt for an 80 mm thermal printer, printed by the browser."""
    ticket = selectors.get_public_ticket(token)
    context = _ticket_context(request, ticket)
    context["qr_svg"] = segno.make(context["live_url"], error="m").svg_inline(
        scale=3, border=2, omitsize=True
    )
    context["from_kiosk"] = request.GET.get("kiosk") == "1"
    return render(request, "walkin/ticket_print.html", context)


def ticket(request, token):
    """The visitor's live page: waiting with their place, called to a window, served, or
    absent. HTMX polls it; a poll gets the state alone."""
    ticket = selectors.get_public_ticket(token)
    context = _ticket_context(request, ticket)
    context["rated"] = Rating.objects.filter(ticket=ticket).exists()
    context["faces"] = list(Face)
    template = "walkin/ticket.html"
    if request.headers.get("HX-Request"):
        template = "walkin/_ticket_state.html"
    return render(request, template, context)


@require_POST
def ticket_rate(request, token):
    ticket = selectors.get_public_ticket(token)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.rate_visit(ticket=ticket, face=form.cleaned_data["face"])
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Thank you for your rating."))
    else:
        messages.error(request, _("Choose one of the faces."))
    return redirect("walkin:ticket", token=ticket.token)
