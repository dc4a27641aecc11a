"""Ready answers: the staff's canned replies and FAQ editors, the reply picker of a case, and
the public questions and answers of each service."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mithaq.accounts.access import access_for, may_edit_ready_answers, may_edit_some_ready_answers
from mithaq.accounts.decorators import staff_required
from mithaq.accounts.models import OrgUnit
from mithaq.cases import services as case_services
from mithaq.cases.access import get_case_for_user
from mithaq.cases.forms.staff import ACTION_FORMS
from mithaq.cases.states import TRANSITIONS, Action, Kind
from mithaq.catalog.models import Service
from mithaq.common import recent

from . import selectors, services
from .forms import LANGUAGE_NAMES, CannedReplyForm, FaqEntryForm, ReplyFilterForm
from .models import FaqEntry
from .placeholders import render_for_case, unknown_placeholders

# The action forms a canned reply may fill, and the field it goes into.
PICKER_FIELDS = {Action.REPLY: "body", Action.REQUEST_INFO: "question"}
PAGE_SIZE = 50


def _hx_target(request) -> str:
    return request.headers.get("HX-Target", "") if request.headers.get("HX-Request") else ""


# Canned replies: the list and the editor ---------------------------------------------------


@require_http_methods(["GET", "POST"])
@recent.text_kept_out_of_urls
@staff_required
def replies(request):
    """GET: the list under the filters of the address, the search by its key (`s`). POST
    (the filter bar): the search text is kept for the session (mithaq.common.recent) and the
    answer goes to the address with its key: the results at once for HTMX, pushing that
    address, a redirect otherwise."""
    if request.method == "POST":
        return recent.answer_post(
            recent.filter_url(
                request, "knowledge:replies", request.POST, ReplyFilterForm.base_fields
            ),
            lambda params: _replies(request, params),
            results_only=_hx_target(request) == "reply-results",
        )
    return _replies(request, request.GET)


def _replies(request, params):
    units = list(OrgUnit.objects.active())
    all_services = list(Service.objects.active().select_related("unit"))
    data, _lost = recent.resolve(request, params)
    form = ReplyFilterForm(data or None, units=units, services=all_services)
    # Any: each reply is given what the list shows of it here.
    rows: list[Any] = list(selectors.replies_for_list(**form.values())[: PAGE_SIZE + 1])
    for reply in rows:
        reply.shown = reply.text(get_language())
        reply.languages = sorted(t.language for t in reply.texts.all())
        reply.editable = may_edit_ready_answers(request, reply.scope_unit)
        reply.unknown = any(unknown_placeholders(f"{t.title}\n{t.body}") for t in reply.texts.all())
    context = {
        "form": form,
        "replies": rows[:PAGE_SIZE],
        "more": len(rows) > PAGE_SIZE,
        "may_create": may_edit_some_ready_answers(request),
        "language_names": LANGUAGE_NAMES,
    }
    if _hx_target(request) == "reply-results":
        return render(request, "knowledge/_reply_results.html", context)
    return render(request, "knowledge/replies.html", context)


def _reply_form(request, reply=None, data=None):
    units = selectors.editable_units(request)
    return CannedReplyForm(
        data,
        texts=reply.texts.all() if reply is not None else None,
        initial=(
            {
                "unit": str(reply.unit_id or ""),
                "service": str(reply.service_id or ""),
                "is_active": reply.is_active,
            }
            if reply is not None
            else {}
        ),
        units=units,
        services=selectors.editable_services(units),
        institution_wide=may_edit_ready_answers(request, None),
    )


def _edit_reply(request, reply=None):
    form = _reply_form(request, reply, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.save_canned_reply(
                actor=request.user,
                reply=reply,
                unit=data["unit"],
                service=data["service"],
                is_active=data["is_active"],
                texts=form.texts(),
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The canned reply is saved."))
            if form.unknown():
                messages.warning(
                    request,
                    _("Some placeholders are not known and will be left as written."),
                )
            return redirect("knowledge:reply_edit", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "knowledge/reply_edit.html",
        {"form": form, "reply": reply, "unknown": form.unknown()},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def reply_new(request):
    if not may_edit_some_ready_answers(request):
        raise Http404
    return _edit_reply(request)


@require_http_methods(["GET", "POST"])
@staff_required
def reply_edit(request, pk):
    return _edit_reply(request, selectors.get_reply_for_editing(request, pk))


@require_POST
@staff_required
def reply_active(request, pk):
    reply = selectors.get_reply_for_editing(request, pk)
    active = request.POST.get("active") == "1"
    services.set_canned_reply_active(reply=reply, actor=request.user, active=active)
    messages.success(
        request,
        _("The canned reply is back in use.") if active else _("The canned reply is put away."),
    )
    return redirect("knowledge:reply_edit", pk=reply.pk)


# The picker on a case's reply and request-for-information forms --------------------------


def _picker_case(request, code, action):
    try:
        action = Action(action)
    except ValueError:
        raise Http404 from None
    if action not in PICKER_FIELDS:
        raise Http404
    case = get_case_for_user(request, code, action=action)
    if case.state not in TRANSITIONS[action].sources:
        raise Http404
    return case, action


def _render(request, case, text) -> str:
    """The canned reply's text filled for `case`, in the language it is written in (an
    English reply says the unit, the service and the dates in English, whatever language
    the citizen chose)."""
    access = access_for(request)
    return render_for_case(
        text.body,
        case,
        officer=request.user,
        language=text.language,
        show_identity=access.may_see_identity(case),
    )


def _log_identity_read(request, case) -> None:
    if case.identity_confidential and access_for(request).may_see_identity(case):
        case_services.log_confidential_read(case=case, user=request.user)


@require_http_methods(["GET", "POST"])
@recent.text_kept_out_of_urls
@staff_required
def picker(request, code, action):
    """The canned replies that fit the case, rendered for it: a fragment for the action form
    (HTMX), its results alone when searching, a page of its own otherwise. A search is posted,
    never put in the address (mithaq.common.recent)."""
    case, action = _picker_case(request, code, action)
    query = request.POST.get(recent.TEXT, "")[:100] if request.method == "POST" else ""
    # Any: each text is given its rendering here.
    texts: list[Any] = selectors.fitting_texts(
        case, query=query, first_language=case.citizen_language
    )
    for text in texts:
        text.rendered = _render(request, case, text)
        text.language_name = LANGUAGE_NAMES.get(text.language, text.language)
    searching = _hx_target(request) == f"canned-results-{action.value}"
    if not searching:
        # Opening the list shows the name in its previews; each keystroke of a search does not
        # count as another reading.
        _log_identity_read(request, case)
    context = {
        "case": case,
        "name": action.value,
        "action": action,
        "field_id": f"id_{action.value}-{PICKER_FIELDS[action]}",
        "texts": texts,
        "query": query,
    }
    if not request.headers.get("HX-Request"):
        return render(request, "knowledge/picker_page.html", context)
    if searching:
        return render(request, "knowledge/_picker_results.html", context)
    return render(request, "knowledge/_picker.html", context)


@require_POST
@staff_required
def insert(request, code, action, pk):
    """The action form's text field with the chosen reply, rendered for the case, added to
    what the officer had written (HTMX swaps the field)."""
    case, action = _picker_case(request, code, action)
    text = selectors.get_fitting_text(case, pk)
    form_class = ACTION_FORMS[action]
    field = PICKER_FIELDS[action]
    current = request.POST.get(f"{action.value}-{field}", "").rstrip()
    rendered = _render(request, case, text)
    _log_identity_read(request, case)
    value = f"{current}\n\n{rendered}" if current else rendered
    form = form_class(case=case, user=request.user, initial={field: value})
    return HttpResponse(str(form[field]))


# The FAQ editor ----------------------------------------------------------------------------


@require_GET
@staff_required
def faq_entries(request):
    all_services = list(Service.objects.active().select_related("unit"))
    by_pk = {str(s.pk): s for s in all_services}
    service = by_pk.get(request.GET.get("service", ""))
    # Any: each entry is given what the list shows of it here.
    entries: list[Any] = list(selectors.faq_for_list(service=service))
    for entry in entries:
        entry.shown = entry.text(get_language())
        entry.languages = sorted(t.language for t in entry.texts.all())
        entry.editable = may_edit_ready_answers(request, entry.service.unit)
    return render(
        request,
        "knowledge/faq_entries.html",
        {
            "entries": entries,
            "services": all_services,
            "service": service,
            "may_create": may_edit_some_ready_answers(request),
        },
    )


def _edit_faq(request, entry=None):
    units = selectors.editable_units(request)
    form = FaqEntryForm(
        request.POST if request.method == "POST" else None,
        texts=entry.texts.all() if entry is not None else None,
        initial=(
            {
                "service": str(entry.service_id),
                "position": entry.position,
                "is_published": entry.is_published,
            }
            if entry is not None
            else {"service": request.GET.get("service", "")}
        ),
        services=selectors.editable_services(units),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.save_faq_entry(
                actor=request.user,
                entry=entry,
                service=data["service"],
                position=data["position"],
                is_published=data["is_published"],
                texts=form.texts(),
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The question and answer are saved."))
            return redirect(
                f"{reverse('knowledge:faq')}?{urlencode({'service': saved.service_id})}"
            )
    status = 400 if request.method == "POST" else 200
    return render(request, "knowledge/faq_edit.html", {"form": form, "entry": entry}, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def faq_new(request):
    if not may_edit_some_ready_answers(request):
        raise Http404
    return _edit_faq(request)


@require_http_methods(["GET", "POST"])
@staff_required
def faq_edit(request, pk):
    return _edit_faq(request, selectors.get_faq_for_editing(request, pk))


# The public pages ----------------------------------------------------------------------------


def _shown(entries):
    language = get_language()
    for entry in entries:
        entry.shown = entry.text(language)
    return [e for e in entries if e.shown is not None]


@require_GET
def faq_index(request):
    """Every active service that has published answers, by unit."""
    answered = (
        Service.objects.active()
        .filter(faq_entries__in=FaqEntry.objects.published())
        .distinct()
        .select_related("unit")
        .order_by("unit__path", "name_ar")
    )
    groups: dict = {}
    for service in answered:
        groups.setdefault(service.unit, []).append(service)
    return render(request, "knowledge/public/index.html", {"groups": list(groups.items())})


@require_GET
def faq_service(request, code):
    service = Service.objects.active().select_related("unit").filter(code=code).first()
    if service is None:
        raise Http404
    entries = _shown(selectors.published_faq(service))
    return render(
        request, "knowledge/public/service.html", {"service": service, "entries": entries}
    )


FAQ_KINDS = {Kind.INQUIRY, Kind.SERVICE_REQUEST}


@require_GET
def faq_for_submit(request):
    """The submit form's panel: the published answers of the chosen service, for an inquiry or
    a service request (HTMX). Without HTMX, the service's FAQ page."""
    service = None
    raw = request.GET.get("service", "")
    if raw.isdigit() and request.GET.get("kind") in FAQ_KINDS:
        service = Service.objects.active().filter(pk=int(raw)).first()
    if not request.headers.get("HX-Request"):
        if service is not None:
            return redirect("faq:service", code=service.code)
        return redirect("faq:index")
    entries = _shown(selectors.published_faq(service)) if service is not None else []
    return render(
        request, "knowledge/public/_for_submit.html", {"service": service, "entries": entries}
    )
