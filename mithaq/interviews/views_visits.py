"""The field visits' pages: the list and the planning form, one visit (scores, findings)
and its PDF report."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mithaq.accounts import access
from mithaq.accounts.decorators import staff_required
from mithaq.cases.views import attachment_response

from . import visits
from .forms import FindingForm, VisitForm, VisitPhotoForm
from .models_visits import Visit, VisitPhoto


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


def _page(request, visit: Visit, finding_form=None, photo_form=None, status=200):
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
            "photos": visit.photos.all(),
            "photo_form": photo_form or VisitPhotoForm(),
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


@require_POST
@staff_required(allow=access.plans_visits)
def visit_photos(request, pk: int):
    visit = get_object_or_404(Visit, pk=pk)
    form = VisitPhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            visits.add_photos(
                visit=visit,
                uploads=form.cleaned_data["photos"],
                caption=form.cleaned_data["caption"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error("photos", exc)
        else:
            messages.success(request, _("The photos are added."))
            return redirect("interview_office:visit", pk=pk)
    return _page(request, visit, photo_form=form, status=400)


@require_GET
@staff_required(allow=access.reads_visits)
def visit_photo(request, pk: int, photo: int):
    """A photo as a download, never inline (cases.views.attachment_response)."""
    return attachment_response(get_object_or_404(VisitPhoto, pk=photo, visit_id=pk))


@require_GET
@staff_required(allow=access.reads_visits)
def unit_scores(request):
    """Each unit's average checklist score per month, the last twelve months."""
    months, rows = visits.scores_by_unit_and_month(timezone.localdate())
    return render(
        request,
        "interviews/visit_trends.html",
        {
            "months": months,
            "rows": [
                {
                    "unit": row.unit,
                    # (score, bar height out of 40 px) per month
                    "cells": [(m, None if m is None else round(m * 8)) for m in row.by_month],
                }
                for row in rows
            ],
        },
    )
