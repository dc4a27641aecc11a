"""The office's pages for government systems and the ministry: the re-entry lists and their
CSV, the external entry of one case, and the letters with a requesting body."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mithaq.accounts import access
from mithaq.accounts.decorators import staff_required
from mithaq.cases import services as case_services
from mithaq.cases.access import get_case_for_user
from mithaq.cases.states import ExternalSystem

from . import government
from .forms import ExternalEntryForm, LetterForm

PAGE_SIZE = 50


def _which(request) -> str:
    which = request.GET.get("list", government.TO_ENTER)
    return which if which in (government.TO_ENTER, government.TO_CLOSE) else government.TO_ENTER


def _system(request) -> str:
    system = request.GET.get("system", "")
    return system if system in ExternalSystem.values else ExternalSystem.OTHER


@require_GET
@staff_required(allow=access.reads_government_systems)
def reentry(request):
    which, system = _which(request), _system(request)
    page = Paginator(government.reentry_cases(which), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "intake/reentry.html",
        {
            "which": which,
            "system": system,
            "systems": ExternalSystem.choices,
            "page": page,
            "may_work": access.works_government_systems(request),
        },
    )


@require_GET
@staff_required(allow=access.reads_government_systems)
def reentry_csv(request):
    which, system = _which(request), _system(request)
    cases = government.reentry_cases(which)[: government.EXPORT_LIMIT]
    response = HttpResponse(
        government.reentry_csv(cases, system), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="mithaq-{system}-{which}-{stamp}.csv"'
    return response


@require_http_methods(["GET", "POST"])
@staff_required(allow=access.works_government_systems)
def external_entry(request, code: str):
    case = get_case_for_user(request, code)
    initial = {
        "system": case.external_system or ExternalSystem.OTHER,
        "reference": case.external_reference,
        "status": case.external_status,
        "closure_code": case.external_closure_code,
    }
    form = ExternalEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case_services.record_external_entry(
                case=case,
                actor=request.user,
                system=data["system"],
                reference=data["reference"],
                status=data["status"],
                closure_code=data["closure_code"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The external system's entry is recorded."))
            return redirect("government:reentry")
    return render(request, "intake/external_entry.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
@staff_required(allow=access.reads_government_systems)
def letters(request):
    may_work = access.works_government_systems(request)
    if request.method == "POST" and not may_work:
        raise Http404
    form = LetterForm(request.POST or None) if may_work else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            case = get_case_for_user(request, data["case_code"])
        except Http404:
            form.add_error("case_code", _("No case you may see has this reference."))
        else:
            try:
                government.record_letter(
                    case=case,
                    actor=request.user,
                    direction=data["direction"],
                    body_name=data["body_name"],
                    number=data["number"],
                    date=data["date"],
                    summary=data["summary"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The letter is recorded on its case."))
                return redirect("government:letters")
    query = request.GET.get("q", "")[:60]
    page = Paginator(government.search_letters(query), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "intake/letters.html", {"form": form, "page": page, "query": query})
