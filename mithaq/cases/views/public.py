"""The citizen's portal: bring a case, get its reference, track it, answer the office."""

import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import urlencode
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mithaq.cases.services import clocks
from mithaq.cases.services.duplicates import merged_view
from mithaq.catalog import choices
from mithaq.catalog.models import Service
from mithaq.common import links
from mithaq.common.ratelimit import client_address, over_limit

from .. import selectors, services
from ..forms.public import (
    ContactForm,
    GrievanceForm,
    LastDigitsForm,
    RespondForm,
    SubmitForm,
    TrackForm,
    normalize_code,
)
from ..grievances import grievance_deadline
from ..models import Attachment, Case
from ..states import Channel, EventKind, Kind, State
from . import attachment_response

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SUBMITTED_KEY = "portal_submitted"
SUBMITTED_MAX_AGE = 3600  # seconds the "your reference is" page can be seen again
VERIFIED_KEY = "portal_verified"
# A session remembers this many verified references, the latest ones.
VERIFIED_KEEP = 20
TRACK_WINDOW_SECONDS = 15 * 60


@dataclass(frozen=True)
class KindPage:
    kind: Kind
    heading: "StrOrPromise"
    blurb: "StrOrPromise"

    @property
    def promise(self) -> str:
        return clocks.promise(kind=self.kind)


KIND_PAGES = {
    page.kind: page
    for page in [
        KindPage(
            Kind.COMPLAINT,
            _("Submit a complaint"),
            _(
                "Something went wrong or a right was not respected. Tell us what happened "
                "and what you ask for."
            ),
        ),
        KindPage(
            Kind.SUGGESTION,
            _("Send a suggestion"),
            _("An idea to improve a service. Every suggestion is studied and its outcome told."),
        ),
        KindPage(
            Kind.INQUIRY,
            _("Ask a question"),
            _("A question about a procedure, a document or a service."),
        ),
        KindPage(
            Kind.SERVICE_REQUEST,
            _("Request a service"),
            _("Ask a college, department or directorate for a service or a document."),
        ),
        KindPage(
            Kind.PRESIDENT_REQUEST,
            _("Write to the president"),
            _("A request addressed to the head of the institution, received by the office."),
        ),
        KindPage(
            Kind.PRAISE,
            _("Send praise"),
            _("Thank an employee or a unit for good service. We pass it on."),
        ),
    ]
}

# How each public event reads for the citizen. Notes, assignments and referrals are
# internal and never shown, even if one were marked public by mistake.
PUBLIC_EVENTS = {
    EventKind.SUBMITTED: _("Your case was received"),
    EventKind.ACKNOWLEDGED: _("The office is reviewing your case"),
    EventKind.INFO_REQUESTED: _("The office asked you for information"),
    EventKind.CITIZEN_RESPONDED: _("You answered"),
    EventKind.REPLIED: _("Reply from the office"),
    EventKind.DECIDED: _("Decision"),
    EventKind.RESOLVED: _("Resolved"),
    EventKind.CLOSED: _("Case closed"),
    EventKind.REOPENED: _("Case reopened"),
    EventKind.LATE_NOTICE: _("New expected date"),
    EventKind.CONTACT_UPDATED: _("You updated your contact details"),
    EventKind.GRIEVANCE: _("You filed a grievance"),
}

# The progress bar: four steps every case passes, and where each state stands on it.
STEPS = [
    pgettext_lazy("progress step", "Received"),
    pgettext_lazy("progress step", "Under review"),
    pgettext_lazy("progress step", "Answered"),
    pgettext_lazy("progress step", "Closed"),
]
WAITING_STEP = pgettext_lazy("progress step", "Waiting for your answer")
STEP_OF_STATE = {
    State.RECEIVED: 0,
    State.UNDER_REVIEW: 1,
    State.REFERRED: 1,
    State.AWAITING_CITIZEN: 1,
    State.REOPENED: 1,
    State.DECIDED: 2,
    State.RESOLVED: 2,
    State.CLOSED: 3,
}


def _verified(request) -> list[str]:
    return list(request.session.get(VERIFIED_KEY, []))


def _verified_case(request, code: str) -> Case | None:
    """The case behind `code` if this session proved it may see it, else None."""
    code = normalize_code(code)
    if code not in _verified(request):
        return None
    return Case.objects.select_related("unit", "service").filter(code=code).first()


def _remember(request, code: str) -> None:
    """This session proved it may see case `code`."""
    verified = [c for c in _verified(request) if c != code] + [code]
    # A new session key once a case is opened: a planted session id is worth nothing.
    request.session.cycle_key()
    request.session[VERIFIED_KEY] = verified[-VERIFIED_KEEP:]


def _too_many_attempts(request) -> bool:
    """Count one tracking attempt for the client's address; True past the limit."""
    return over_limit(
        f"portal:track:{client_address(request)}",
        limit=settings.MITHAQ_TRACK_ATTEMPTS,
        window=TRACK_WINDOW_SECONDS,
    )


@require_GET
def home(request):
    return render(
        request,
        "cases/portal/home.html",
        {
            "nav": "home",
            "kinds": KIND_PAGES.values(),
            "urgent_promise": clocks.promise(kind=Kind.COMPLAINT, urgent=True),
            "track_form": TrackForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def submit(request, kind: str):
    if kind not in Kind.values:
        raise Http404
    page = KIND_PAGES[Kind(kind)]
    # Each case sends a message to the number typed in: a limit per address keeps the portal
    # from being used to send SMS to strangers.
    if request.method == "POST" and over_limit(
        f"portal:submit:{client_address(request)}",
        limit=settings.MITHAQ_SUBMISSIONS_PER_HOUR,
        window=3600,
    ):
        response = render(
            request,
            "cases/portal/submit.html",
            {"form": SubmitForm(kind=kind), "page": page, "blocked": True},
            status=429,
        )
        response["Retry-After"] = "3600"
        return response
    if request.method == "POST":
        form = SubmitForm(request.POST, request.FILES, kind=kind)
        if form.is_valid():
            try:
                case = services.submit_case(
                    **form.case_fields(),
                    channel=Channel.WEB,
                    citizen_language=get_language() or settings.LANGUAGE_CODE,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                # A signed cookie, not the session: the submission writes nothing it need not.
                response = redirect("portal:submitted")
                response.set_signed_cookie(
                    SUBMITTED_KEY,
                    case.code,
                    salt=SUBMITTED_KEY,
                    max_age=SUBMITTED_MAX_AGE,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
                return response
    else:
        # "Apply online" on a service's page (/services/<code>/) opens the form with it chosen.
        chosen = Service.objects.active().filter(code=request.GET.get("service", "")).first()
        initial = {"unit": chosen.unit_id, "service": chosen.pk} if chosen else {}
        form = SubmitForm(kind=kind, initial=initial)
    if form.is_bound:
        form.prepare_choices()
    return render(
        request,
        "cases/portal/submit.html",
        {
            "form": form,
            "page": page,
            "promise": clocks.promise(kind=kind, service=_chosen_service(form)),
            "files_lost": form.is_bound and bool(request.FILES),
        },
    )


def _chosen_service(form: SubmitForm) -> Service | None:
    return form.chosen_service() if "service" in form.fields else None


@require_GET
def service_parts(request):
    """The picked service's eligibility questions, documents and declaration (HTMX)."""
    kind = request.GET.get("kind", "")
    if kind not in Kind.values:
        raise Http404
    form = SubmitForm(kind=kind, initial={"service": request.GET.get("service", "")})
    return render(request, "cases/portal/_service_parts.html", {"form": form})


@require_GET
def promise(request):
    """The form's promise for the kind and the service just picked (HTMX): the same one the
    service's page, the confirmation, the messages and the clocks give."""
    kind = request.GET.get("kind", "")
    if kind not in Kind.values:
        raise Http404
    try:
        service = choices.SERVICES.get().get(int(request.GET.get("service", "")))
    except ValueError:
        service = None
    return render(
        request,
        "cases/portal/_promise.html",
        {"promise": clocks.promise(kind=kind, service=service)},
    )


@require_GET
def service_options(request):
    """The service select for the chosen unit (HTMX); a plain list of them otherwise."""
    form = SubmitForm(kind=Kind.SERVICE_REQUEST, initial={"unit": request.GET.get("unit")})
    if request.headers.get("HX-Request") == "true":
        return render(request, "cases/portal/_service_field.html", {"field": form["service"]})
    unit_id = form.chosen_unit_id()
    services_qs = Service.objects.active().select_related("unit").order_by("unit__path")
    if unit_id is not None:
        services_qs = services_qs.filter(unit_id=unit_id)
    return render(request, "cases/portal/services.html", {"services": services_qs})


@never_cache
@require_GET
def submitted(request):
    code = request.get_signed_cookie(
        SUBMITTED_KEY, default=None, salt=SUBMITTED_KEY, max_age=SUBMITTED_MAX_AGE
    )
    case = Case.objects.filter(code=code).select_related("unit").first() if code else None
    if case is None:
        return redirect("portal:home")
    track_url = f"{reverse('portal:track')}?{urlencode({'code': case.code})}"
    return render(
        request,
        "cases/portal/submitted.html",
        {"case": case, "page": KIND_PAGES[Kind(case.kind)], "track_url": track_url},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    if request.method == "POST":
        if _too_many_attempts(request):
            response = render(
                request,
                "cases/portal/track.html",
                {"form": TrackForm(), "nav": "track", "blocked": True},
                status=429,
            )
            response["Retry-After"] = str(TRACK_WINDOW_SECONDS)
            return response
        form = TrackForm(request.POST)
        if form.is_valid():
            code = cast(Case, form.case).code  # a valid form has found its case
            _remember(request, code)
            return redirect("portal:track_case", code=code)
    else:
        form = TrackForm(initial={"code": normalize_code(request.GET.get("code", ""))})
    return render(request, "cases/portal/track.html", {"form": form, "nav": "track"})


def _case_page(
    request,
    case: Case,
    respond_form: RespondForm | None = None,
    contact_form=None,
    grievance_form: GrievanceForm | None = None,
    status: int = 200,
):
    events = [e for e in selectors.timeline(case, public_only=True) if e.kind in PUBLIC_EVENTS]
    for event in events:
        event.public_label = PUBLIC_EVENTS[event.kind]
    questions = [e for e in events if e.kind == EventKind.INFO_REQUESTED]
    awaiting = case.state == State.AWAITING_CITIZEN
    current = STEP_OF_STATE[State(case.state)]
    steps = [
        {"label": label, "status": "done" if i < current else "current" if i == current else ""}
        for i, label in enumerate(STEPS)
    ]
    if awaiting:
        steps[current]["label"] = WAITING_STEP
    grievance_until = grievance_deadline(case)
    grievance_open = grievance_until is not None and timezone.now() <= grievance_until
    return render(
        request,
        "cases/portal/track_case.html",
        {
            "nav": "track",
            "case": case,
            "events": events,
            "steps": steps,
            "awaiting": awaiting,
            "overdue": case.is_open and case.due_at is not None and case.due_at < timezone.now(),
            "question": questions[-1] if awaiting and questions else None,
            "respond_form": respond_form or (RespondForm() if awaiting else None),
            # Not pre-filled: knowing the reference and one detail must not reveal the other.
            "contact_form": contact_form or ContactForm(),
            "files": [a for e in events for a in e.files],
            # A case merged into another follows the survivor (mithaq.citizens).
            "merged": merged_view(case),
            "grievance_until": grievance_until,
            "grievance_form": (grievance_form or GrievanceForm()) if grievance_open else None,
        },
        status=status,
    )


@never_cache
@require_GET
def track_case(request, code: str):
    case = _verified_case(request, code)
    if case is None:
        return redirect(f"{reverse('portal:track')}?{urlencode({'code': normalize_code(code)})}")
    return _case_page(request, case)


@never_cache
@require_POST
def respond(request, code: str):
    case = _verified_case(request, code)
    if case is None:
        return redirect("portal:track")
    form = RespondForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.record_citizen_response(
                case=case, body=form.cleaned_data["body"], files=form.cleaned_data["attachments"]
            )
        except services.CaseStateError as exc:
            messages.warning(request, exc.messages[0])
        except ValidationError as exc:
            form.add_error(None, exc)
            return _case_page(request, case, form)
        else:
            messages.success(request, _("Thank you. Your answer was sent to the office."))
        return redirect("portal:track_case", code=case.code)
    return _case_page(request, case, form)


@never_cache
@require_POST
def update_contact(request, code: str):
    """The citizen changes the phone or email the office writes to."""
    case = _verified_case(request, code)
    if case is None:
        return redirect("portal:track")
    form = ContactForm(request.POST)
    if form.is_valid():
        services.update_citizen_contact(
            case=case, phone=form.cleaned_data["phone"], email=form.cleaned_data["email"]
        )
        messages.success(request, _("Your contact details are updated."))
        return redirect("portal:track_case", code=case.code)
    return _case_page(request, case, contact_form=form)


@never_cache
@require_GET
def attachment(request, code: str, pk: int):
    case = _verified_case(request, code)
    if case is None:
        raise Http404
    return attachment_response(get_object_or_404(Attachment, pk=pk, case=case, is_public=True))


@never_cache
@require_POST
def grievance(request, code: str):
    """The citizen's grievance (تظلم) on a decided, resolved or closed case, within its
    window (cases.grievances); limited per address, as tracking is."""
    case = _verified_case(request, code)
    if case is None:
        return redirect("portal:track")
    if over_limit(
        f"portal:grievance:{client_address(request)}",
        limit=settings.MITHAQ_GRIEVANCES_PER_HOUR,
        window=3600,
    ):
        messages.error(request, _("Too many grievances from this connection. Try again later."))
        return _case_page(request, case, status=429)
    form = GrievanceForm(request.POST, request.FILES)
    if not form.is_valid():
        return _case_page(request, case, grievance_form=form, status=400)
    try:
        services.file_grievance(
            case=case,
            grounds=form.cleaned_data["grounds"],
            files=form.cleaned_data["attachments"],
        )
    except services.GrievanceClosed as exc:
        messages.warning(request, exc.messages[0])
    except ValidationError as exc:
        form.add_error(None, exc)
        return _case_page(request, case, grievance_form=form, status=400)
    else:
        messages.success(
            request,
            _(
                "Your grievance was received. Your case is reopened and will be reviewed by "
                "someone other than who answered it."
            ),
        )
    return redirect("portal:track_case", code=case.code)


@never_cache
@require_http_methods(["GET", "POST"])
def open_case(request, token: str):
    """The short link of a citizen's SMS: it names one case (mithaq.common.links) and opens
    it once the last four digits of the case's phone are typed. Nothing of the case is shown
    before; attempts are limited per address (as tracking is) and per link."""
    max_age = datetime.timedelta(days=settings.MITHAQ_CASE_LINK_DAYS)
    try:
        pk = links.read_token(links.CASE_PURPOSE, token, max_age=max_age)
    except links.BadLink:
        return render(request, "cases/portal/open.html", {"problem": "bad"}, status=404)
    except links.ExpiredLink:
        return render(request, "cases/portal/open.html", {"problem": "expired"}, status=410)
    case = Case.objects.filter(pk=pk).only("pk", "code", "citizen_phone").first()
    if case is None:
        return render(request, "cases/portal/open.html", {"problem": "bad"}, status=404)
    if case.code in _verified(request):
        return redirect("portal:track_case", code=case.code)
    last_four = re.sub(r"[^0-9]", "", case.citizen_phone)[-4:]
    if len(last_four) < 4:  # brought without a phone: the reference and the email, then
        return redirect(f"{reverse('portal:track')}?{urlencode({'code': case.code})}")
    form = LastDigitsForm(request.POST or None)
    if request.method == "POST":
        if _too_many_attempts(request) or over_limit(
            f"portal:open:{pk}",
            limit=settings.MITHAQ_CASE_LINK_ATTEMPTS,
            window=TRACK_WINDOW_SECONDS,
        ):
            response = render(
                request, "cases/portal/open.html", {"form": form, "blocked": True}, status=429
            )
            response["Retry-After"] = str(TRACK_WINDOW_SECONDS)
            return response
        if form.is_valid():
            if constant_time_compare(form.cleaned_data["digits"], last_four):
                _remember(request, case.code)
                return redirect("portal:track_case", code=case.code)
            form.add_error("digits", _("These are not the last four digits of the phone given."))
    return render(
        request, "cases/portal/open.html", {"form": form}, status=400 if form.is_bound else 200
    )
