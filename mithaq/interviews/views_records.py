"""The monthly interview records' pages: the month's overview (who has submitted) and one
official's month, where their office adds the interviews held outside Mithaq and submits."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from mithaq.accounts import access
from mithaq.accounts.decorators import staff_required
from mithaq.accounts.models import Membership, Role

from . import records
from .forms import RecordedInterviewForm


def _month(value: str | None) -> datetime.date:
    """'2026-11' as its first day; the month before this one when absent; 404 when bad."""
    if not value:
        first = timezone.localdate().replace(day=1)
        return (first - datetime.timedelta(days=1)).replace(day=1)
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()  # noqa: DTZ007 - a month
    except ValueError:
        raise Http404 from None


def _shift(month: datetime.date, months: int) -> datetime.date:
    if months < 0:
        return (month - datetime.timedelta(days=1)).replace(day=1)
    return (month + datetime.timedelta(days=32)).replace(day=1)


@require_GET
@staff_required(allow=access.reads_interview_records)
def overview(request):
    month = _month(request.GET.get("month"))
    units = access.interview_record_units(request)
    assert units is not None  # noqa: S101 - the gate above said so
    rows = records.month_overview(units, month)
    return render(
        request,
        "interviews/records.html",
        {
            "month": month,
            "previous": _shift(month, -1),
            "next": _shift(month, 1),
            "rows": rows,
            "missing": [row for row in rows if not row.submitted],
        },
    )


def _membership(request, pk: int) -> Membership:
    units = access.interview_record_units(request)
    if units is None:
        raise Http404
    return get_object_or_404(
        Membership.objects.filter(units).select_related("user", "unit"), pk=pk, role=Role.OFFICIAL
    )


def _page(request, membership, month, form=None, status=200):
    record = membership.user.interview_records.filter(unit=membership.unit, month=month).first()
    return render(
        request,
        "interviews/record.html",
        {
            "membership": membership,
            "month": month,
            "record": record,
            "entries": record.entries.all() if record else [],
            "held": records.held_interviews(membership, month),
            "keeps": access.keeps_interview_record(request, membership.unit, membership.user_id),
            "form": form or RecordedInterviewForm(),
        },
        status=status,
    )


@require_GET
@staff_required(allow=access.reads_interview_records)
def record(request, pk: int, month: str):
    return _page(request, _membership(request, pk), _month(month))


def _keeper(request, pk: int) -> Membership:
    membership = _membership(request, pk)
    if not access.keeps_interview_record(request, membership.unit, membership.user_id):
        raise Http404
    return membership


@require_POST
@staff_required(allow=access.reads_interview_records)
def record_add(request, pk: int, month: str):
    membership, first = _keeper(request, pk), _month(month)
    form = RecordedInterviewForm(request.POST)
    if form.is_valid():
        try:
            records.add_recorded_interview(
                membership=membership, month=first, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The interview is recorded."))
            return redirect("interview_office:record", pk=pk, month=month)
    return _page(request, membership, first, form=form, status=400)


@require_POST
@staff_required(allow=access.reads_interview_records)
def record_submit(request, pk: int, month: str):
    membership, first = _keeper(request, pk), _month(month)
    try:
        records.submit_month(membership=membership, month=first, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The month's record is submitted."))
    return redirect("interview_office:record", pk=pk, month=month)
