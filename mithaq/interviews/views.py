"""The interviews' pages: the citizen's request form and tracking (no sign-in), and the
office's list, screening, the day's list and the meeting's record."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mithaq.accounts import access
from mithaq.accounts.decorators import staff_required
from mithaq.common.dates import hijri, long_date
from mithaq.common.ratelimit import client_address, over_limit
from mithaq.routing.calendar import active_calendar
from mithaq.scheduling import services as slots
from mithaq.scheduling.services import MAX_CHANGES

from . import ics, services
from .forms import DeclineForm, MeetingForm, ReferForm, RequestForm, SlotForm, TrackForm
from .models import InterviewRequest
from .states import RequestState

VERIFIED_KEY = "interviews_verified"
TRACK_WINDOW_SECONDS = 15 * 60
# The slots a page offers: the first ones free (about a month of an official's hours).
SLOTS_SHOWN = 60


def slot_label(moment: datetime.datetime) -> str:
    local = moment.astimezone(active_calendar().tz)
    return (
        f"{long_date(local.date(), weekday=True)} · {formats.time_format(local, 'H:i')}"
        f" · {hijri(local.date())}"
    )


def _slot_choices(request_row: InterviewRequest) -> list:
    schedule = slots.schedule_for(request_row.official_id)
    if schedule is None:
        return []
    free = slots.free_slots(schedule=schedule)[:SLOTS_SHOWN]
    return [(slot, slot_label(slot.starts_at)) for slot in free]


def _when(row: InterviewRequest) -> dict:
    if row.booking is None:
        return {}
    local = row.booking.starts_at.astimezone(active_calendar().tz)
    return {"when": local, "when_hijri": hijri(local.date())}


# The citizen ---------------------------------------------------------------------------------


def _verified(request) -> list[str]:
    return list(request.session.get(VERIFIED_KEY, []))


def _remember(request, code: str) -> None:
    verified = [c for c in _verified(request) if c != code] + [code]
    request.session.cycle_key()
    request.session[VERIFIED_KEY] = verified[-20:]


def _verified_row(request, code: str) -> InterviewRequest | None:
    if code not in _verified(request):
        return None
    return (
        InterviewRequest.objects.select_related("official", "unit", "booking")
        .filter(code=code)
        .first()
    )


def _submit(data: dict, **extra) -> InterviewRequest:
    """A request from the public form or registered at reception (RequestForm's fields)."""
    return services.submit_request(
        official=data["official"].user,
        unit=data["official"].unit,
        subject=data["subject"],
        summary=data["summary"],
        earlier_references=data["earlier_references"],
        preferred_days=data["preferred_days"],
        citizen_name=data["citizen_name"],
        citizen_phone=data["citizen_phone"],
        citizen_email=data["citizen_email"],
        citizen_language=(translation.get_language() or "ar")[:2],
        **extra,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def request_form(request):
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = _submit(form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            _remember(request, row.code)
            messages.success(request, _("Your request has been received."))
            return redirect("interviews:track_request", code=row.code)
    return render(
        request,
        "interviews/request.html",
        {"form": form, "has_officials": bool(services.officials())},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    form = TrackForm(request.POST or None)
    if request.method == "POST":
        if over_limit(
            f"interviews:track:{client_address(request)}",
            limit=10,
            window=TRACK_WINDOW_SECONDS,
        ):
            return render(
                request,
                "interviews/track.html",
                {"form": TrackForm(), "blocked": True},
                status=429,
            )
        if form.is_valid() and form.request_row is not None:
            _remember(request, form.request_row.code)
            return redirect("interviews:track_request", code=form.request_row.code)
    return render(
        request, "interviews/track.html", {"form": form}, status=400 if form.errors else 200
    )


def _track_page(request, row: InterviewRequest, slot_form=None, status=200):
    may_change = (
        row.state == RequestState.SCHEDULED
        and row.booking is not None
        and row.booking.changes < MAX_CHANGES
        and row.booking.starts_at > timezone.now()
    )
    return render(
        request,
        "interviews/track_request.html",
        {
            "row": row,
            "may_change": may_change,
            "changes_left": MAX_CHANGES - row.booking.changes if row.booking else 0,
            "slot_form": slot_form or (SlotForm(slots=_slot_choices(row)) if may_change else None),
            **_when(row),
        },
        status=status,
    )


@never_cache
@require_GET
def track_request(request, code: str):
    row = _verified_row(request, code)
    if row is None:
        return redirect("interviews:track")
    return _track_page(request, row)


@never_cache
@require_POST
def citizen_move(request, code: str):
    row = _verified_row(request, code)
    if row is None:
        return redirect("interviews:track")
    form = SlotForm(request.POST, slots=_slot_choices(row))
    if form.is_valid():
        try:
            services.move_request(request=row, starts_at=form.cleaned_data["starts_at"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your interview has been moved."))
            return redirect("interviews:track_request", code=code)
    return _track_page(request, row, slot_form=form, status=400)


@never_cache
@require_POST
def citizen_cancel(request, code: str):
    row = _verified_row(request, code)
    if row is None:
        return redirect("interviews:track")
    try:
        services.cancel_request(request=row)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your interview has been cancelled."))
    return redirect("interviews:track_request", code=code)


@never_cache
@require_GET
def calendar_file(request, code: str):
    """The interview as an .ics file, for the citizen's own calendar."""
    row = _verified_row(request, code)
    if row is None or row.booking is None or row.state != RequestState.SCHEDULED:
        raise Http404
    response = HttpResponse(ics.interview_event(row), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="interview-{row.code}.ics"'
    return response


# The office ----------------------------------------------------------------------------------


def _rows(request):
    rows = access.interview_filter(request)
    if rows is None:
        raise Http404
    return InterviewRequest.objects.filter(rows).select_related("official", "unit", "booking")


def _row_or_404(request, code: str) -> InterviewRequest:
    row = _rows(request).filter(code=code).first()
    if row is None:
        raise Http404
    return row


STATE_TABS = [
    (RequestState.REQUESTED, _("To screen")),
    (RequestState.SCHEDULED, _("Scheduled")),
    ("", _("All")),
]


@require_GET
@staff_required(allow=access.sees_interviews)
def office_list(request):
    state = request.GET.get("state", RequestState.REQUESTED)
    if state not in {value for value, _label in STATE_TABS}:
        state = RequestState.REQUESTED
    rows = _rows(request)
    if state:
        rows = rows.filter(state=state)
    return render(
        request,
        "interviews/office_list.html",
        {
            "rows": rows[:200],
            "state": state,
            "tabs": STATE_TABS,
            "registers": access.registers_interviews(request),
        },
    )


@require_GET
@staff_required(allow=access.sees_interviews)
def today(request):
    """The day's interviews, for the reception desk and the hall."""
    calendar = active_calendar()
    day = timezone.now().astimezone(calendar.tz).date()
    start = datetime.datetime.combine(day, datetime.time(0), calendar.tz)
    visible = access.interview_filter(request)
    rows = InterviewRequest.objects.on_day(start, start + datetime.timedelta(days=1))
    # Reception sees the whole day's list at its desk; officials their own.
    if not access.registers_interviews(request):
        rows = rows.filter(visible or Q(pk__in=[]))
    return render(
        request,
        "interviews/today.html",
        {
            "rows": rows.select_related("official", "unit", "booking").order_by(
                "booking__starts_at"
            ),
            "day": day,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required(allow=access.registers_interviews)
def office_new(request):
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = _submit(form.cleaned_data, received_by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The request is registered: reference %(code)s.") % {"code": row.code}
            )
            return redirect("interview_office:detail", code=row.code)
    return render(
        request, "interviews/office_new.html", {"form": form}, status=400 if form.errors else 200
    )


def _detail_page(request, row: InterviewRequest, forms=None, status=200):
    screens = access.screens_interviews(request)
    forms = forms or {}
    context = {
        "row": row,
        "screens": screens,
        "events": row.events.select_related("actor"),
        "decisions": row.decisions.select_related("unit", "case"),
        **_when(row),
    }
    if screens and row.state == RequestState.REQUESTED:
        context |= {
            "slot_form": forms.get("schedule") or SlotForm(slots=_slot_choices(row)),
            "refer_form": forms.get("refer") or ReferForm(),
            "decline_form": forms.get("decline") or DeclineForm(),
        }
    if screens and row.state == RequestState.SCHEDULED:
        context |= {
            "meeting_form": forms.get("record") or MeetingForm(),
            "slot_form": forms.get("move") or SlotForm(slots=_slot_choices(row)),
        }
    return render(request, "interviews/office_detail.html", context, status=status)


@require_GET
@staff_required(allow=access.sees_interviews)
def office_detail(request, code: str):
    return _detail_page(request, _row_or_404(request, code))


def _act(request, row: InterviewRequest, action: str) -> Form | None:
    """Run `action`; its form (with its errors, if any), or None for a bare button."""
    user = request.user
    form: Form
    if action in {"schedule", "move"}:
        form = SlotForm(request.POST, slots=_slot_choices(row))
        if form.is_valid():
            starts_at = form.cleaned_data["starts_at"]
            if action == "schedule":
                services.schedule_request(request=row, starts_at=starts_at, actor=user)
            else:
                services.move_request(request=row, starts_at=starts_at, actor=user)
        return form
    if action == "refer":
        form = ReferForm(request.POST)
        if form.is_valid():
            services.refer_request(request=row, unit=form.cleaned_data["unit"], actor=user)
        return form
    if action == "decline":
        form = DeclineForm(request.POST)
        if form.is_valid():
            services.decline_request(request=row, reason=form.cleaned_data["reason"], actor=user)
        return form
    if action == "record":
        form = MeetingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            decisions = (
                [
                    services.DecisionInput(
                        data["decision"], data["decision_unit"], data["decision_due"]
                    )
                ]
                if data["decision"]
                else []
            )
            services.record_meeting(
                request=row,
                actor=user,
                attendees=data["attendees"],
                asked=data["asked"],
                said=data["said"],
                decisions=decisions,
            )
        return form
    if action == "no_show":
        services.record_no_show(request=row, actor=user)
        return None
    if action == "cancel":
        services.cancel_request(request=row, actor=user)
        return None
    raise Http404


@require_POST
@staff_required(allow=access.screens_interviews)
def office_act(request, code: str, action: str):
    row = _row_or_404(request, code)
    try:
        form = _act(request, row, action)
    except ValidationError as exc:
        # A refusal of the service (a slot just taken, a state changed): said on the page.
        for message in exc.messages:
            messages.error(request, message)
        return redirect("interview_office:detail", code=code)
    if form is not None and form.errors:
        return _detail_page(request, row, forms={action: form}, status=400)
    messages.success(request, _("Done."))
    return redirect("interview_office:detail", code=code)
