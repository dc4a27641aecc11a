"""Staff pages of the people's data rights: a person's data page (export, request erasure),
the erasure requests awaiting approval, a case's restriction to named people. The person is
found through the registry's one getter (cases.access.get_citizen_for_user): a person the
viewer may not see answers 404, as for anything else."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mithaq.accounts.access import (
    CASE_ROLES,
    access_for,
    handles_data_rights,
    may_request_erasure,
    may_restrict_cases,
)
from mithaq.accounts.decorators import staff_required
from mithaq.cases.access import cases_visible_to, get_case_for_user, get_citizen_for_user
from mithaq.cases.services.privacy import restrict_case

from . import collect, export, services
from .forms import RestrictForm
from .models import DataRequest, RequestKind, RequestState


def _on_data_rights(request) -> bool:
    return handles_data_rights(request) or may_request_erasure(request)


@require_GET
@staff_required(allow=_on_data_rights)
def person(request, pk: int):
    citizen = get_citizen_for_user(request, pk)
    cases = cases_visible_to(request, collect.person_cases(citizen))
    counts = {
        "cases": cases.count(),
        "messages": collect.person_messages(citizen, cases).count(),
        "files": collect.person_files(cases).count(),
        "interviews": collect.person_interviews(citizen, cases).count(),
    }
    history = DataRequest.objects.filter(citizen=citizen).select_related(
        "requested_by", "decided_by"
    )
    return render(
        request,
        "privacy/person.html",
        {
            "citizen": citizen,
            "counts": counts,
            "history": history,
            "may_export": handles_data_rights(request),
            "may_request": may_request_erasure(request),
            "pending": any(
                r.kind == RequestKind.ERASURE and r.state == RequestState.REQUESTED for r in history
            ),
        },
    )


@require_POST
@never_cache
@staff_required(allow=handles_data_rights)
def export_person(request, pk: int):
    citizen = get_citizen_for_user(request, pk)
    now = timezone.now()
    row = services.record_export(citizen=citizen, by=request.user, now=now)
    held = collect.held_about(request, citizen, now=now)
    response = HttpResponse(export.archive(held), content_type="application/zip")
    # The registry id and the request's number: no name in a file name or a URL.
    response["Content-Disposition"] = (
        f'attachment; filename="person-{citizen.pk}-export-{row.pk}.zip"'
    )
    response["Cache-Control"] = "no-store, private"
    return response


@require_POST
@staff_required(allow=may_request_erasure)
def request_erasure(request, pk: int):
    citizen = get_citizen_for_user(request, pk)
    try:
        services.request_erasure(citizen=citizen, by=request.user, now=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The erasure request was filed; the office approves it."))
    return redirect("privacy:person", pk=citizen.pk)


@require_GET
@staff_required(allow=handles_data_rights)
def erasures(request):
    pending = (
        DataRequest.objects.filter(kind=RequestKind.ERASURE, state=RequestState.REQUESTED)
        .select_related("citizen", "requested_by")
        .order_by("requested_at", "pk")
    )
    done = (
        DataRequest.objects.filter(kind=RequestKind.ERASURE)
        .exclude(state=RequestState.REQUESTED)
        .select_related("requested_by", "decided_by")
        .order_by("-decided_at", "-pk")[:20]
    )
    return render(request, "privacy/erasures.html", {"pending": pending, "done": done})


@require_POST
@staff_required(allow=handles_data_rights)
def decide_erasure(request, request_id: int):
    row = DataRequest.objects.filter(pk=request_id, kind=RequestKind.ERASURE).first()
    if row is None:
        raise Http404
    approve = request.POST.get("decision") == "approve"
    decide = services.approve_erasure if approve else services.refuse_erasure
    try:
        decide(request_id=row.pk, by=request.user, now=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The person's data was erased.") if approve else _("The request was refused."),
        )
    return redirect("privacy:erasures")


@require_http_methods(["GET", "POST"])
@staff_required(allow=may_restrict_cases)
def restrict(request, code: str):
    case = get_case_for_user(request, code)
    # Whoever works cases may be named (not administrators or officials, who read none).
    staff = (
        get_user_model().objects.filter(is_active=True, memberships__role__in=CASE_ROLES).distinct()
    )
    if request.method == "POST":
        form = RestrictForm(request.POST, staff=staff)
        if form.is_valid():
            try:
                restrict_case(
                    case=case,
                    actor=request.user,
                    people=form.cleaned_data["people"],
                    now=timezone.now(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Who may see the case was saved."))
                return redirect("cases:detail", code=case.code)
    else:
        form = RestrictForm(staff=staff, initial={"people": list(case.restricted_to.all())})
    return render(
        request,
        "privacy/restrict.html",
        {"case": case, "form": form, "access": access_for(request)},
    )
