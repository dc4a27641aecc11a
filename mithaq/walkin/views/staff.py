"""Staff pages of the hall: the halls one works in, the reception desk's ticket, the window
(counter) with its actions, the case from a visit, the rating tablet and the supervisor."""

import datetime
from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import CharField, Form, IntegerField
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from mithaq.accounts import access
from mithaq.accounts.access import access_for
from mithaq.accounts.decorators import staff_required
from mithaq.cases.access import get_case_for_user
from mithaq.cases.forms.reception import ReceptionCaseForm
from mithaq.cases.states import Channel, Kind
from mithaq.common.ids import parse_id
from mithaq.walkin import access as hall_access

from .. import agenda, selectors, services
from .. import kiosk as kiosks
from ..forms import AttachCaseForm, FinishForm, IssueForm, RatingForm, TransferForm
from ..models import KioskDevice, Ticket
from ..states import Face, TicketAction


@require_GET
@staff_required
def halls(request):
    halls = hall_access.halls_for_user(request)
    return render(
        request,
        "walkin/staff/halls.html",
        {
            "halls": halls,
            # Supervisors are among the hall's staff: one read of the halls serves both.
            "supervised": {h.pk for h in halls if access.may_supervise_hall(request, h)},
        },
    )


@require_GET
@staff_required
def hall(request, hall):
    hall = hall_access.get_hall_for_user(request, hall)
    overview = selectors.live_overview(hall)
    return render(
        request,
        "walkin/staff/hall.html",
        {
            "hall": hall,
            "overview": overview,
            "may_supervise": access.may_supervise_hall(request, hall),
            "agenda": agenda.sections(request, hall, hall.local_day(timezone.now())),
        },
    )


@staff_required
def issue(request, hall):
    """Reception hands a ticket from the desk (to print on the desk's printer)."""
    hall = hall_access.get_hall_for_user(request, hall)
    form = IssueForm(request.POST or None, hall=hall)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.issue_ticket(
                hall=hall,
                hall_service=data["service"],
                is_priority=data["is_priority"],
                phone=data["phone"],
                language=(get_language() or "ar")[:2],
                issued_by=request.user,
                submission_token=data["token"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Ticket %(ticket)s is issued.") % {"ticket": ticket.code})
            return redirect("walkin:ticket_print", token=ticket.token)
    status = 400 if request.method == "POST" else 200
    context = {
        "hall": hall,
        "form": form,
        "agenda": agenda.sections(request, hall, hall.local_day(timezone.now())),
    }
    return render(request, "walkin/staff/issue.html", context, status=status)


def _counter_context(request, hall, counter, **forms) -> dict:
    current = selectors.counter_ticket(counter)
    waiting = {row["letter"]: row for row in selectors.waiting_counts(hall)}
    mine = [waiting[s.letter] for s in counter.services.all() if s.letter in waiting]
    return {
        "hall": hall,
        "counter": counter,
        "is_mine": counter.is_open and counter.officer_id == request.user.pk,
        "current": current,
        # A ticket at a window has been called.
        "waited": (
            (cast(datetime.datetime, current.first_called_at) - current.issued_at)
            if current
            else None
        ),
        "may_no_show": current is not None and services.may_mark_no_show(current),
        "recalls_left": (
            max(hall.recalls_before_no_show - current.recall_count, 0) if current else 0
        ),
        "waiting": mine,
        "parked": selectors.parked_tickets(hall),
        "transfer_form": forms.get("transfer_form")
        or TransferForm(hall=hall, exclude_counter=counter),
        "finish_form": FinishForm(),
        "attach_form": forms.get("attach_form") or AttachCaseForm(),
        "now": timezone.now(),
    }


@require_GET
@staff_required
def counter(request, hall, number):
    hall = hall_access.get_hall_for_user(request, hall)
    counter = selectors.get_counter(hall, number)
    return render(request, "walkin/staff/counter.html", _counter_context(request, hall, counter))


COUNTER_ACTIONS = {"open", "close", "attach", *TicketAction.values}


@require_POST
@staff_required
def counter_act(request, hall, number, action):
    hall = hall_access.get_hall_for_user(request, hall)
    counter = selectors.get_counter(hall, number)
    if action not in COUNTER_ACTIONS:
        raise Http404
    user = request.user
    try:
        if action == "open":
            services.open_counter(counter=counter, actor=user)
        elif not (counter.is_open and counter.officer_id == user.pk):
            raise services.HallError(_("Open your window first."))
        elif action == "close":
            services.close_counter(counter=counter, actor=user)
        elif action == TicketAction.CALL:
            if services.call_next_ticket(counter=counter, actor=user) is None:
                messages.info(request, _("Nobody is waiting for your services."))
        elif action == TicketAction.RESUME:
            pk = parse_id(request.POST.get("ticket"))
            ticket = get_object_or_404(Ticket, pk=pk or 0, hall=hall)
            services.resume_ticket(ticket=ticket, counter=counter, actor=user)
        else:
            current = selectors.counter_ticket(counter)
            if current is None:
                raise services.HallError(_("There is no ticket at your window."))
            response = _act_on_current(request, hall, counter, current, action)
            if response is not None:
                return response
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("walkin:counter", hall=hall.code, number=counter.number)


def _act_on_current(request, hall, counter, current, action):
    user = request.user
    kw = {"ticket": current, "actor": user, "counter": counter}
    form: Form
    if action == TicketAction.RECALL:
        services.recall_ticket(**kw)
    elif action == TicketAction.NO_SHOW:
        services.mark_no_show(**kw)
    elif action == TicketAction.PARK:
        services.park_ticket(**kw)
    elif action == TicketAction.TRANSFER:
        form = TransferForm(request.POST, hall=hall, exclude_counter=counter)
        if not form.is_valid():
            context = _counter_context(request, hall, counter, transfer_form=form)
            return render(request, "walkin/staff/counter.html", context, status=400)
        services.transfer_ticket(
            **kw,
            to_service=form.cleaned_data["to_service"],
            to_counter=form.cleaned_data["to_counter"],
        )
    elif action == TicketAction.FINISH:
        form = FinishForm(request.POST)
        if not form.is_valid():
            raise services.HallError(_("Choose how the visit ended."))
        services.finish_ticket(**kw, outcome=form.cleaned_data["outcome"])
    elif action == "attach":
        form = AttachCaseForm(request.POST)
        if not form.is_valid():
            context = _counter_context(request, hall, counter, attach_form=form)
            return render(request, "walkin/staff/counter.html", context, status=400)
        try:
            case = get_case_for_user(request, form.cleaned_data["code"])
        except Http404:
            form.add_error("code", _("No case with this reference that you may see."))
            context = _counter_context(request, hall, counter, attach_form=form)
            return render(request, "walkin/staff/counter.html", context, status=400)
        services.attach_ticket_to_case(ticket=current, actor=user, case=case)
        messages.success(
            request, _("The visit is attached to case %(code)s.") % {"code": case.code}
        )
    return None


@staff_required
def ticket_case(request, hall, pk):
    """Open a walk-in case for the visitor of a ticket, prefilled with the service."""
    hall = hall_access.get_hall_for_user(request, hall)
    if not access_for(request).may_register_cases:
        raise Http404
    ticket = get_object_or_404(
        Ticket.objects.select_related("hall_service__service__unit", "counter"), pk=pk, hall=hall
    )
    service = ticket.hall_service.service
    initial = {
        "kind": Kind.SERVICE_REQUEST,
        "channel": Channel.WALK_IN,
        "unit": service.unit_id,
        "service": service.pk,
        "citizen_phone": ticket.phone,
        "citizen_language": ticket.language,
    }
    form = ReceptionCaseForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case_from_ticket(
                ticket=ticket, actor=request.user, case_fields=form.case_fields()
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The case is registered."))
            return redirect("cases:detail", code=case.code)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "walkin/staff/ticket_case.html",
        {"hall": hall, "ticket": ticket, "form": form},
        status=status,
    )


@kiosks.window_screen
def tablet(request, hall, number):
    """The tablet at the window: three faces for the visitor just served. An enrolled tablet
    needs no staff session (kiosk.window_screen)."""
    hall, counter = kiosks.screen_window(request, hall, number)
    ticket = selectors.last_finished_unrated(counter)
    if request.method == "POST":
        form = RatingForm(request.POST)
        pk = request.POST.get("ticket")
        if form.is_valid() and ticket is not None and str(ticket.pk) == pk:
            try:
                services.rate_visit(ticket=ticket, face=form.cleaned_data["face"], on_tablet=True)
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(request, _("Thank you for your rating."))
        return redirect("walkin:tablet", hall=hall.code, number=counter.number)
    return render(
        request,
        "walkin/staff/tablet.html",
        {"hall": hall, "counter": counter, "ticket": ticket, "faces": list(Face)},
    )


@require_GET
@staff_required
def supervise(request, hall):
    hall = hall_access.get_hall_for_user(request, hall, supervise=True)
    now = timezone.now()
    today = hall.local_day(now)
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = today
    context = {
        "hall": hall,
        "overview": selectors.live_overview(hall, now=now),
        "figures": selectors.hall_figures(hall, day=day),
        "day": day,
        "today": today,
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1) if day < today else None,
        "devices": hall.kiosk_devices.filter(counter=None).select_related(
            "enrolled_by", "revoked_by"
        ),
        "tablets": hall.kiosk_devices.exclude(counter=None).select_related(
            "counter", "enrolled_by", "revoked_by"
        ),
        "windows": hall.counters.filter(is_active=True).order_by("number"),
        "this_device": kiosks.device_for(request, hall),
    }
    template = "walkin/staff/supervise.html"
    if request.headers.get("HX-Request"):
        template = "walkin/staff/_live.html"
    return render(request, template, context)


class KioskLabelForm(Form):
    label = CharField(max_length=100, required=False)


@require_POST
@staff_required
def kiosk_enrol(request, hall):
    """A supervisor makes the browser they use one of the hall's kiosks (then signs out)."""
    hall = hall_access.get_hall_for_user(request, hall, supervise=True)
    form = KioskLabelForm(request.POST)
    if not form.is_valid():
        # A name with a NUL byte or too long: said on the page, nothing enrolled.
        for error in form.errors.get("label", []):
            messages.error(request, str(error))
        return redirect("walkin:supervise", hall=hall.code)
    device = services.enrol_kiosk_device(
        hall=hall, actor=request.user, label=form.cleaned_data["label"]
    )
    messages.success(
        request,
        _("This browser is now a kiosk of the hall: sign out and leave it on the kiosk page."),
    )
    response = redirect("walkin:supervise", hall=hall.code)
    kiosks.remember_device(request, response, device)
    return response


class TabletEnrolForm(Form):
    window = IntegerField(min_value=1, max_value=32767)
    label = CharField(max_length=100, required=False)


@require_POST
@staff_required
def tablet_enrol(request, hall):
    """A supervisor makes the browser they use the rating tablet of one window: it then works
    without a staff session (sign out and leave it on the tablet page), until revoked."""
    hall = hall_access.get_hall_for_user(request, hall, supervise=True)
    form = TabletEnrolForm(request.POST)
    counter = None
    if form.is_valid():
        counter = hall.counters.filter(is_active=True, number=form.cleaned_data["window"]).first()
        if counter is None:
            form.add_error("window", _("This hall has no such window."))
    if counter is None:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("walkin:supervise", hall=hall.code)
    device = services.enrol_kiosk_device(
        hall=hall, actor=request.user, label=form.cleaned_data["label"], counter=counter
    )
    messages.success(
        request,
        _(
            "This browser is now the rating tablet of window %(number)s: sign out and leave it "
            "on this page."
        )
        % {"number": counter.number},
    )
    response = redirect("walkin:tablet", hall=hall.code, number=counter.number)
    kiosks.remember_device(request, response, device)
    return response


@require_POST
@staff_required
def kiosk_revoke(request, hall, pk: int):
    hall = hall_access.get_hall_for_user(request, hall, supervise=True)
    device = get_object_or_404(KioskDevice, pk=pk, hall=hall)
    services.revoke_kiosk_device(device=device, actor=request.user)
    if device.counter_id:
        messages.success(request, _("The tablet is revoked: it no longer opens its window's page."))
    else:
        messages.success(request, _("The kiosk is revoked: it can no longer take tickets."))
    return redirect("walkin:supervise", hall=hall.code)
