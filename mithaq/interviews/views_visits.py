"""The field visits' pages: the list and the planning form, one visit (scores, findings)
and its PDF report."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mithaq.accounts import access
from mithaq.accounts.decorators import staff_required

from . import visits
from .forms import FindingForm, VisitForm
from .models_visits import Visit


@require_http_methods(["GET", "POST"])
@staff_required(allow=access.reads_visits)
def visit_list(request):
    plans = access.plans_visits(request)
    form = VisitForm(request.POST or None) if plans else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                visit = visits.plan_visit(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("interview_office:visit", pk=visit.pk)
    return render(
        request,
        "interviews/visits.html",
        {"visits": Visit.objects.select_related("unit")[:200], "form": form},
        status=400 if form is not None and form.errors else 200,
    )


def _page(request, visit: Visit, finding_form=None, status=200):
    return render(
        request,
        "interviews/visit.html",
        {
            "visit": visit,
            "scores": visit.scores.all(),
            "findings": visit.findings.select_related("unit", "case"),
            "average": visits.average(visit),
            "plans": access.plans_visits(request),
            "finding_form": finding_form or FindingForm(),
            "no_office_phone": visits.office_phone() is None,
        },
        status=status,
    )


@require_GET
@staff_required(allow=access.reads_visits)
def visit_detail(request, pk: int):
    return _page(request, get_object_or_404(Visit.objects.select_related("unit"), pk=pk))


@require_POST
@staff_required(allow=access.plans_visits)
def visit_score(request, pk: int):
    visit = get_object_or_404(Visit, pk=pk)
    scores = {}
    for row in visit.scores.all():
        raw = request.POST.get(f"score-{row.pk}", "")
        try:
            score = int(raw) if raw != "" else None
        except ValueError:
            score = -1  # refused by the service below, with its message
        scores[row.pk] = (score, request.POST.get(f"note-{row.pk}", ""))
    try:
        visits.score_visit(visit=visit, scores=scores)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The scores are saved."))
    return redirect("interview_office:visit", pk=pk)


@require_POST
@staff_required(allow=access.plans_visits)
def visit_finding(request, pk: int):
    visit = get_object_or_404(Visit, pk=pk)
    form = FindingForm(request.POST)
    if form.is_valid():
        try:
            visits.add_finding(visit=visit, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The finding is opened as a case."))
            return redirect("interview_office:visit", pk=pk)
    return _page(request, visit, finding_form=form, status=400)


@require_GET
@staff_required(allow=access.reads_visits)
def visit_pdf(request, pk: int):
    visit = get_object_or_404(Visit, pk=pk)
    response = HttpResponse(visits.report_pdf(visit, language="ar"), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="visit-{visit.pk}.pdf"'
    return response
