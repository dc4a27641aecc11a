"""Saved filters, bulk actions and exports of the inbox. The inbox page itself (with its
search box) is mithaq.cases.views.staff.inbox; what these add to it loads only when opened.
Each reads the inbox's search by its key (`s`), never its text from a URL (see recent)."""

from typing import cast

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.forms import ModelChoiceField
from django.http import Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mithaq.accounts.access import access_for, assignable_officers_for_units
from mithaq.accounts.decorators import staff_required
from mithaq.accounts.models import OrgUnit
from mithaq.cases.access import cases_visible_to
from mithaq.cases.forms.staff import InboxFilterForm, inbox_url
from mithaq.cases.selectors import filter_options_for
from mithaq.cases.services.bulk import BULK_LIMIT, run_bulk
from mithaq.common import recent

from . import export
from .forms import BulkActionForm, SavedFilterForm, clean_inbox_query
from .models import SavedFilter


def _partial(request, full: str, partial: str) -> str:
    return partial if request.headers.get("HX-Request") else full


@require_http_methods(["GET", "POST"])
@staff_required
def filters(request):
    """GET: this person's saved filters and a form to save the current one (`?query=`, the
    inbox's own query string, its search by key). POST: save it under a name (the same name
    replaces it), with the search's text (kept in the database, never put in a URL)."""
    if request.method == "POST":
        form = SavedFilterForm(request.POST, request=request)
        if form.is_valid():
            name, query = form.cleaned_data["name"], form.cleaned_data["query"]
            try:
                with transaction.atomic():
                    SavedFilter.objects.update_or_create(
                        user=request.user, name=name, defaults={"query": query}
                    )
            except IntegrityError:  # the same name saved twice at once: the other one won
                pass
            messages.success(request, _("The filter is saved."))
            return recent.see_other(inbox_url(request, QueryDict(query)))
        status = 400
    else:
        form = SavedFilterForm(initial={"query": clean_inbox_query(request.GET.get("query", ""))})
        status = 200
    saved = SavedFilter.objects.filter(user=request.user)
    context = {
        "form": form,
        "saved": [(f, reverse("search:apply_filter", args=[f.pk])) for f in saved],
        "can_save": bool(form["query"].value()),
    }
    template = _partial(request, "search/filters.html", "search/_filters.html")
    return render(request, template, context, status=status)


@require_GET
@staff_required
def apply_filter(request, pk):
    """The inbox under a saved filter: its search text is kept for the session as a typed one
    is, and the inbox's address carries only its key."""
    saved = get_object_or_404(SavedFilter, pk=pk, user=request.user)
    return recent.see_other(inbox_url(request, QueryDict(saved.query)))


@require_POST
@staff_required
def delete_filter(request, pk):
    saved = get_object_or_404(SavedFilter, pk=pk, user=request.user)
    saved.delete()
    messages.success(request, _("The saved filter is deleted."))
    return redirect("search:filters")


def _bulk_choices(request):
    access = access_for(request)
    units = [
        u
        for u in OrgUnit.objects.active().filter(accepts_cases=True)
        if any(g.covers(u.path, u.pk) for g in access.grants)
    ]
    officers = assignable_officers_for_units([u.pk for u in units])
    refer_to = OrgUnit.objects.active().filter(accepts_cases=True)
    return officers, refer_to


@require_http_methods(["GET", "POST"])
@staff_required
def bulk(request):
    """GET: the bulk action bar's fields (fetched when the bar opens). POST: act on the
    selected cases, one by one through the case services, and say what was done and what
    was skipped, and why."""
    if access_for(request).is_read_only():
        raise Http404
    if request.method == "GET":
        form = BulkActionForm()
        officers, refer_to = _bulk_choices(request)
        cast(ModelChoiceField, form.fields["assignee"]).queryset = officers
        cast(ModelChoiceField, form.fields["to_unit"]).queryset = refer_to
        template = _partial(request, "search/bulk.html", "search/_bulk_fields.html")
        return render(request, template, {"form": form, "limit": BULK_LIMIT})
    form = BulkActionForm(request.POST)
    if not form.is_valid():
        officers, refer_to = _bulk_choices(request)
        cast(ModelChoiceField, form.fields["assignee"]).queryset = officers
        cast(ModelChoiceField, form.fields["to_unit"]).queryset = refer_to
        return render(request, "search/bulk.html", {"form": form, "limit": BULK_LIMIT}, status=400)
    data = form.cleaned_data
    outcome = run_bulk(request, action=data["action"], codes=data["cases"], **form.params())
    if outcome.done:
        messages.success(
            request,
            ngettext("Done: %(n)d case.", "Done: %(n)d cases.", len(outcome.done))
            % {"n": len(outcome.done)},
        )
    if outcome.skipped:
        reasons: dict[str, list[str]] = {}
        for code, why in outcome.skipped:
            reasons.setdefault(why, []).append(code)
        details = "; ".join(f"{why}: {', '.join(codes)}" for why, codes in reasons.items())
        messages.warning(
            request,
            ngettext(
                "Skipped: %(n)d case (%(details)s).",
                "Skipped: %(n)d cases (%(details)s).",
                len(outcome.skipped),
            )
            % {"n": len(outcome.skipped), "details": details},
        )
    return redirect(recent.address(reverse("cases:inbox"), data["back"]))


def _filtered_cases(request, data):
    """The inbox's cases under the filter (and search) of `data`, as the inbox resolved it."""
    access = access_for(request)
    form = InboxFilterForm(data or None, options=filter_options_for(access))
    qs = form.filter(cases_visible_to(request).select_related(None), request.user, access=access)
    return qs, access


@require_http_methods(["GET"])
# An old export link with the search's text goes to the inbox, not to a wider export.
@recent.text_kept_out_of_urls(to="cases:inbox")
@staff_required
def export_cases(request, fmt):
    """The current inbox filter as CSV (streamed) or XLSX, at most EXPORT_LIMIT rows: the
    same cases as the inbox shows at the same address (`s=` resolved in this session)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    data, search_lost = recent.resolve(request, request.GET)
    if search_lost:
        # Not every case under the other filters instead: back to the inbox, which says so.
        return recent.see_other(recent.address(reverse("cases:inbox"), request.GET.urlencode()))
    qs, access = _filtered_cases(request, data)
    export.log_identity_reads(qs, access)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"mithaq-cases-{stamp}.{fmt}"
    response: HttpResponseBase
    if fmt == "csv":
        response = StreamingHttpResponse(
            export.csv_stream(qs, access), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            export.xlsx_bytes(qs, access),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
