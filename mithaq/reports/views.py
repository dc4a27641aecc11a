"""The Reports pages: the archive of packs (and asking for one), a pack with its figures,
versions, sign-off and submissions, and its files (served as attachments). Who sees which
pack is accounts.access's to say; a pack one may not see answers 404."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mithaq.accounts.access import StaffAccess, access_for
from mithaq.accounts.decorators import staff_required
from mithaq.accounts.models import OrgUnit, Role
from mithaq.routing import calendar as working
from mithaq.walkin import access as hall_access

from . import charter, dashboard, services
from .forms import CharterTextForm, LogoForm, RequestPackForm, SignOffForm, SubmitForm
from .models import CharterText, ReportPack, Submission
from .render import cells, logo_data_uri
from .tables import pack_tables, shortened


def _reads_reports(request) -> bool:
    return access_for(request).reads_reports


def packs_visible_to(access: StaffAccess):
    scope = access.report_unit_filter()
    if scope is None:
        return ReportPack.objects.none()
    return ReportPack.objects.filter(scope).select_related("unit", "requested_by", "signed_off_by")


def get_pack_for_user(request, pk: int) -> ReportPack:
    """The one getter of a pack: missing and forbidden both answer 404."""
    pack = packs_visible_to(access_for(request)).filter(pk=pk).first()
    if pack is None:
        raise Http404
    return pack


def _today():
    return timezone.localdate(timezone.now(), working.active_calendar().tz)


@require_http_methods(["GET", "POST"])
@staff_required(allow=_reads_reports)
def archive(request):
    access = access_for(request)
    form = RequestPackForm(request.POST or None, today=_today())
    if request.method == "POST":
        if not access.builds_reports:
            raise Http404
        if form.is_valid():
            pack = services.request_pack(
                period=form.cleaned_data["period"],
                unit=form.cleaned_data["unit"],
                requested_by=request.user,
                language=form.cleaned_data["language"],
            )
            messages.success(
                request, _("The pack is being built; this page shows it when it is ready.")
            )
            return redirect("reports:pack", pk=pack.pk)
    packs = packs_visible_to(access).prefetch_related(
        Prefetch("submissions", queryset=Submission.objects.select_related("submitted_by"))
    )[:200]
    return render(
        request,
        "reports/archive.html",
        {"packs": packs, "form": form if access.builds_reports else None},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
@staff_required(allow=_reads_reports)
def pack(request, pk: int):
    found = get_pack_for_user(request, pk)
    access = access_for(request)
    tables = [
        {"table": t, "rows": cells(t)}
        for t in (
            [shortened(table) for table in pack_tables(found.figures)] if found.figures else []
        )
    ]
    versions = (
        packs_visible_to(access)
        .filter(period=found.period, unit=found.unit_id)
        .order_by("-version")
    )
    return render(
        request,
        "reports/pack.html",
        {
            "pack": found,
            "tables": tables,
            "versions": versions,
            "submissions": found.submissions.select_related("submitted_by"),
            "sign_off_form": SignOffForm() if access.builds_reports else None,
            "submit_form": SubmitForm() if access.builds_reports else None,
        },
    )


@require_POST
@staff_required(allow=_reads_reports)
def sign_off(request, pk: int):
    found = get_pack_for_user(request, pk)
    if not access_for(request).builds_reports:
        raise Http404
    form = SignOffForm(request.POST)
    if form.is_valid():
        try:
            services.sign_off_pack(
                pack=found, actor=request.user, comment=form.cleaned_data["comment"]
            )
            messages.success(request, _("The pack is signed off and frozen."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("reports:pack", pk=found.pk)


@require_POST
@staff_required(allow=_reads_reports)
def submit(request, pk: int):
    found = get_pack_for_user(request, pk)
    if not access_for(request).builds_reports:
        raise Http404
    form = SubmitForm(request.POST)
    if form.is_valid():
        try:
            services.submit_pack(pack=found, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The submission is recorded."))
            return redirect("reports:pack", pk=found.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
    for error in form.errors.values():
        messages.error(request, " ".join(str(e) for e in error))
    return redirect("reports:pack", pk=found.pk)


@require_GET
@staff_required(allow=_reads_reports)
def download(request, pk: int, fmt: str):
    found = get_pack_for_user(request, pk)
    field = {"pdf": found.pdf, "xlsx": found.xlsx}.get(fmt)
    if not field:
        raise Http404
    return FileResponse(
        field.open("rb"),
        as_attachment=True,
        filename=f"{found.number}.{fmt}",
        content_type=services.CONTENT_TYPES[fmt],
    )


def _builds_reports(request) -> bool:
    return access_for(request).builds_reports


@require_http_methods(["GET", "POST"])
@staff_required(allow=_builds_reports)
def letterhead(request):
    """The logo on the reports, uploaded by the office manager."""
    form = LogoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_letterhead_logo(actor=request.user, upload=form.cleaned_data["logo"])
        except ValidationError as exc:
            form.add_error("logo", exc)
        else:
            messages.success(request, _("The logo is saved; reports built from now on carry it."))
            return redirect("reports:letterhead")
    return render(
        request,
        "reports/letterhead.html",
        {"form": form, "logo": logo_data_uri()},
        status=400 if form.errors else 200,
    )


def _sees_dashboard(request) -> bool:
    return access_for(request).dashboard_filter() is not None


@require_GET
@staff_required(allow=_sees_dashboard)
def dashboard_page(request):
    """The managers' dashboard: the whole institution, or a unit manager's subtree."""
    access = access_for(request)
    scope = access.dashboard_filter()
    assert scope is not None  # noqa: S101 (the decorator let only these in)
    managed = [] if scope == Q() else [g for g in access.grants if g.role == Role.UNIT_MANAGER]
    unit = OrgUnit.objects.get(pk=managed[0].unit_id) if managed else None
    paths = [g.unit_path for g in managed] if managed else None
    now = timezone.now()
    return render(
        request,
        "reports/dashboard.html",
        {
            "unit": unit,
            "rows": dashboard.by_unit(scope, now=now),
            "halls": dashboard.halls_now(paths, now=now),
            "compliance": dashboard.compliance_by_unit(scope, now=now),
            "trend": dashboard.trend(unit, now=now),
            "supervised": {h.pk for h in hall_access.halls_for_user(request, supervise=True)},
            "now": now,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required(allow=_builds_reports)
def charter_edit(request):
    """The office manager writes the charter's text for the public page."""
    row = CharterText.objects.filter(pk=1).first()
    initial = {"text_ar": row.text_ar, "text_en": row.text_en} if row else {}
    form = CharterTextForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_charter_text(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The charter's text is saved."))
        return redirect("reports:charter_edit")
    return render(request, "reports/charter_edit.html", {"form": form, "row": row})


@require_GET
def charter_page(request):
    """The public charter page: the office's text, the channels, every commitment as
    promised and last month's measured share met on time."""
    row = CharterText.objects.filter(pk=1).first()
    arabic = (translation.get_language() or "ar").startswith("ar")
    text = (row.text_ar if arabic else row.text_en) if row else ""
    return render(
        request,
        "reports/charter.html",
        {
            "nav": "charter",
            "text": text,
            "commitments": charter.commitments(),
            "min_cases": charter.MIN_CASES,
            "hotlines": settings.MITHAQ_HOTLINES,
            "emergency": settings.MITHAQ_EMERGENCY_NUMBER,
            "office_email": settings.MITHAQ_OFFICE_EMAIL,
            "office_address": settings.MITHAQ_OFFICE_ADDRESS,
            "portal_url": settings.MITHAQ_PUBLIC_URL,
        },
    )
