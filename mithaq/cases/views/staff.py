"""Staff pages: the inbox, a case and its actions, and attachment downloads."""

from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from mithaq.accounts.access import (
    StaffAccess,
    access_for,
    may_override_minimum_time,
    may_restrict_cases,
    official_units,
)
from mithaq.accounts.decorators import staff_required
from mithaq.accounts.institution import institution_name
from mithaq.cases import services
from mithaq.cases.access import cases_visible_to, get_case_for_user
from mithaq.cases.facts import render_case_facts
from mithaq.cases.forms.reception import ReceptionCaseForm
from mithaq.cases.forms.staff import (
    ACTION_FORMS,
    INBOX_VIEWS,
    ComposerForm,
    InboxFilterForm,
    inbox_url,
)
from mithaq.cases.inbox import render_rows
from mithaq.cases.models import Attachment
from mithaq.cases.selectors import baked_page, filter_options_for, inbox_rows
from mithaq.cases.services import checklist, consultations, duplicates, referrals
from mithaq.cases.states import TRANSITIONS, Action
from mithaq.cases.timeline import render_timeline
from mithaq.cases.views import attachment_response
from mithaq.common import links, recent

PAGE_SIZE = 25


def _staff_or_configuration(request) -> bool:
    access = access_for(request)
    return access.is_staff_member or access.manages_configuration or bool(official_units(access))


@require_http_methods(["GET", "POST"])
@recent.text_kept_out_of_urls
@staff_required(allow=_staff_or_configuration)
def inbox(request):
    """GET: the inbox under the filters of the query string, the search by its key (`s`).
    POST (the filter bar): keep the search text for the session and redirect to the address
    that carries its key, never the text (mithaq.common.recent); from HTMX, answer with the
    results and push that address. An administrator reads no cases: the inbox, where signing
    in lands, sends them on to the routing rules; an official who holds no case role (the
    president's assistant, a dean) on to the interviews addressed to them."""
    access = access_for(request)
    if not access.is_staff_member:
        if access.manages_configuration:
            return redirect("routes:rules")
        return redirect("interview_office:list")
    results_only = (
        request.headers.get("HX-Request") and request.headers.get("HX-Target") == "inbox-results"
    )
    if request.method == "POST":
        return recent.answer_post(
            inbox_url(request, request.POST),
            lambda params: _inbox(request, params, results_only=True),
            results_only=results_only,
        )
    return _inbox(request, request.GET, results_only=results_only)


def _inbox(request, params, *, results_only):
    access = access_for(request)
    data, search_lost = recent.resolve(request, params)
    form = InboxFilterForm(data or None, options=filter_options_for(access))
    now = timezone.now()
    page = form.page_number
    similar = False
    rows = baked_page(access, form, page_size=PAGE_SIZE)
    if rows is None:
        visible = cases_visible_to(request, inbox_rows())
        # The deadline row (mithaq.routing) comes in the same query (see inbox_rows): the
        # clock column and the clock filters and sort read it.
        cases_qs = form.filter(visible, request.user, now=now, access=access)
        # No COUNT(*) over a million rows: fetch one extra row to know if there is a next page.
        rows = list(cases_qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
        if not rows and form.may_retry_fuzzy:
            # No case has these words: show those whose citizen's name is like them (a typo,
            # another spelling), saying so (mithaq.cases.search.fuzzy).
            similar_qs = form.filter(visible, request.user, now=now, access=access, fuzzy=True)
            rows = list(similar_qs[:PAGE_SIZE])
            similar = bool(rows)
    may_pick = not access.is_read_only()
    context = {
        "form": form,
        "cases": rows[:PAGE_SIZE],
        "rows_html": render_rows(rows[:PAGE_SIZE], now=now, pick=may_pick),
        "may_pick": may_pick,
        "similar": similar,
        "search_lost": search_lost,
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
        "has_previous": page > 1,
        "now": now,
        "query_params": params,  # recent.page_params: paging and exports go on from it
        "views": _views(request, counted=False),
    }
    template = "cases/staff/_inbox_results.html" if results_only else "cases/staff/inbox.html"
    return render(request, template, context)


# Written in the composer under the conversation, not in the actions menu.
COMPOSED = frozenset({Action.REPLY, Action.NOTE, Action.RESOLVE, Action.REQUEST_INFO})
# The composer's "send and …" buttons, in the order shown.
COMPOSER_THEN = (
    (Action.RESOLVE, _("Send and resolve")),
    (Action.REQUEST_INFO, _("Send and ask for information")),
)


def _composer(case, possible, *, bound=None, user=None):
    """The composer's form and its "send and …" buttons, or (None, []) when the person may
    neither reply nor note."""
    modes = [m for m, a in (("reply", Action.REPLY), ("note", Action.NOTE)) if a in possible]
    if not modes:
        return None, []
    then = [(a.value, label) for a, label in COMPOSER_THEN if a in possible and "reply" in modes]
    return bound or ComposerForm(case=case, user=user, modes=modes), then


def _views(request, *, counted: bool) -> list[dict]:
    """The inbox's views (mine, due today, late, waiting for the citizen, unassigned) with
    their addresses and, when `counted`, how many of the person's cases each holds."""
    base = reverse("cases:inbox")
    views = []
    now = timezone.now()
    visible = cases_visible_to(request, inbox_rows()) if counted else None
    for key, label, params in INBOX_VIEWS:
        view = {"key": key, "label": label, "url": f"{base}?{urlencode(params)}"}
        if visible is not None:
            data = {k: (True if k == "mine" else v) for k, v in params.items()}
            cases_qs = InboxFilterForm.filter_by(visible, data, request.user, now=now)
            view["count"] = cases_qs.order_by().count()
        views.append(view)
    return views


@require_GET
@staff_required
def inbox_views(request):
    """The inbox's views with their counts, fetched once the inbox has shown (the inbox itself
    counts nothing)."""
    if not access_for(request).is_staff_member:
        raise Http404
    context = {"views": _views(request, counted=True), "counted": True}
    partial = "_inbox_views.html" if request.headers.get("HX-Request") else "inbox_views.html"
    return render(request, f"cases/staff/{partial}", context)


def _case_context(request, case, *, bound_form=None, composer=None):
    access = access_for(request)
    allowed = access.case_actions(case)
    possible = {a for a in Action if a in allowed and case.state in TRANSITIONS[a].sources}
    # Each action's form is fetched when it is opened from the menu (see case_act's GET), so
    # the page pays only for the one form that came back with errors.
    forms = {
        action.value: bound_form if bound_form is not None and bound_form.action == action else None
        for action in Action
        if action in possible and action not in COMPOSED
    }
    composer_form, composer_then = _composer(case, possible, bound=composer, user=request.user)
    # One reverse() for every action's form URL.
    act_base = reverse("cases:act", args=[case.code, "-"]).removesuffix("-/")
    show_identity = access.may_see_identity(case)
    if case.identity_confidential and show_identity:
        services.log_confidential_read(case=case, user=request.user)
    return {
        "case": case,
        "timeline_html": render_timeline(case),
        "facts_html": render_case_facts(case, show_identity=show_identity),
        "forms": forms,
        "actions": [
            (name, Action(name).label, form, f"{act_base}{name}/") for name, form in forms.items()
        ],
        "open_action": bound_form.action.value if bound_form is not None else "",
        "composer": composer_form,
        "composer_then": composer_then,
        "may_pick_answer": Action.REPLY in possible,
        "may_register": access.may_register_cases,
        "show_identity": show_identity,
        "may_restrict": may_restrict_cases(access),
        "read_only": not allowed,
        # A service's checklist (cases.services.checklist): only a case submitted with a
        # service's version has one (cases.services.workflow.submit_case), so no other case
        # pays for looking.
        "documents": (
            list(case.documents.select_related("document", "attachment"))
            if case.service_version_id is not None
            else []
        ),
        "may_check_documents": access.may_take(case, Action.REQUEST_INFO),
        "document_statuses": [(s.value, s.label) for s in checklist.STAFF_STATUSES],
    }


@require_GET
@staff_required
def case_detail(request, code):
    case = get_case_for_user(request, code)
    return render(request, "cases/staff/case.html", _case_context(request, case))


def _run(action: Action, form, case, user):
    data = form.cleaned_data
    match action:
        case Action.ACKNOWLEDGE:
            return services.acknowledge_case(case=case, actor=user)
        case Action.ASSIGN:
            return services.assign_case(case=case, actor=user, assignee=data["assignee"])
        case Action.REFER:
            return services.refer_case(
                case=case, actor=user, to_unit=data["to_unit"], reason=data["reason"]
            )
        case Action.REQUEST_INFO:
            return services.request_information(case=case, actor=user, question=data["question"])
        case Action.REPLY:
            return services.reply_to_citizen(
                case=case, actor=user, body=data["body"], files=data["files"]
            )
        case Action.NOTE:
            return services.add_note(case=case, actor=user, body=data["body"], files=data["files"])
        case Action.DECIDE:
            return services.decide_case(
                case=case,
                actor=user,
                decision=data["decision"],
                reasons=data["reasons"],
                override_reason=data.get("override_reason", ""),
                may_override=may_override_minimum_time(user),
            )
        case Action.RESOLVE:
            return services.resolve_case(case=case, actor=user, summary=data["summary"])
        case Action.CLOSE:
            return services.close_case(
                case=case,
                actor=user,
                closure_code=data["closure_code"],
                external_system=data["external_system"],
                external_reference=data["external_reference"],
                note=data["note"],
            )
        case Action.REOPEN:
            return services.reopen_case(case=case, actor=user, reason=data["reason"])
        case Action.ACCEPT_REFERRAL:
            return referrals.accept_referral(case=case, actor=user)
        case Action.RETURN_REFERRAL:
            return referrals.return_referral(case=case, actor=user, reason=data["reason"])
        case Action.CONSULT:
            consultations.ask_units(
                case=case, actor=user, units=data["units"], question=data["question"]
            )
            return case
        case Action.GIVE_OPINION:
            consultations.answer(case=case, actor=user, opinion=data["opinion"])
            return case
        case Action.MERGE:
            return duplicates.merge_cases(
                case=case, survivor=data["survivor"], actor=user, note=data["note"]
            )
        case Action.LINK:
            duplicates.link_cases(case=case, other=data["other"], actor=user)
            return case
    raise Http404


DONE_MESSAGES = {
    Action.ACKNOWLEDGE: _("The case is acknowledged."),
    Action.ASSIGN: _("The case is assigned."),
    Action.REFER: _("The case is referred."),
    Action.REQUEST_INFO: _("The citizen is asked for information."),
    Action.REPLY: _("The reply is recorded."),
    Action.NOTE: _("The note is added."),
    Action.DECIDE: _("The decision is recorded."),
    Action.RESOLVE: _("The case is resolved."),
    Action.CLOSE: _("The case is closed."),
    Action.REOPEN: _("The case is reopened."),
    Action.ACCEPT_REFERRAL: _("The referral is accepted: the case is with your unit."),
    Action.RETURN_REFERRAL: _("The case is returned as not competent."),
    Action.CONSULT: _("The units are asked for their opinion."),
    Action.GIVE_OPINION: _("Your unit's opinion is recorded."),
    Action.MERGE: _("The case is merged into the other and closed as a duplicate."),
    Action.LINK: _("The cases are linked as related."),
}


@require_http_methods(["GET", "POST"])
@staff_required
def case_act(request, code, action):
    """GET: the action's form (a partial for HTMX, a page of its own otherwise).
    POST: take the action."""
    try:
        action = Action(action)
    except ValueError:
        raise Http404 from None
    case = get_case_for_user(request, code, action=action)
    if request.method == "GET":
        if case.state not in TRANSITIONS[action].sources:
            raise Http404
        initial = {}
        if action == Action.REQUEST_INFO and request.GET.get("missing"):
            # "Ask for the missing documents": the request comes filled with their names.
            initial["question"] = checklist.missing_documents_request(case)
        form = ACTION_FORMS[action](case=case, user=request.user, initial=initial)
        template = (
            "cases/staff/_action_form.html"
            if request.headers.get("HX-Request")
            else "cases/staff/action.html"
        )
        return render(request, template, {"case": case, "form": form, "name": action.value})
    form = ACTION_FORMS[action](request.POST, request.FILES, case=case, user=request.user)
    if form.is_valid():
        try:
            updated = _run(action, form, case, request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, DONE_MESSAGES[action])
            # A referred-away case may no longer be visible to this officer.
            # Asked afresh: an answered consultation ends the person's view of the case.
            if StaffAccess(request.user).may_see_case(updated):
                return redirect("cases:detail", code=case.code)
            return redirect("cases:inbox")
    context = _case_context(request, case, bound_form=form)
    return render(request, "cases/staff/case.html", context, status=400)


@require_http_methods(["POST"])
@staff_required
def case_compose(request, code):
    """The composer's submission (cases.services.answer_case): a reply, a note, or a reply that
    resolves the case or asks the citizen for information, in one event."""
    case = get_case_for_user(request, code)
    access = access_for(request)
    allowed = access.case_actions(case)
    modes = [m for m, a in (("reply", Action.REPLY), ("note", Action.NOTE)) if a in allowed]
    if not modes:
        raise Http404
    form = ComposerForm(request.POST, request.FILES, case=case, user=request.user, modes=modes)
    if form.is_valid():
        then = form.then_action
        if then is not None and then not in allowed:
            raise Http404
        try:
            updated = services.answer_case(
                case=case,
                actor=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
                internal=form.internal,
                then=then,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            done = DONE_MESSAGES[then or (Action.NOTE if form.internal else Action.REPLY)]
            messages.success(request, done)
            return redirect("cases:detail", code=updated.code)
    context = _case_context(request, case, composer=form)
    return render(request, "cases/staff/case.html", context, status=400)


@require_GET
@staff_required
def receipt(request, code):
    """Reception's receipt (وصل استلام) for a case it registered or may register: the
    reference, when it was received, and a QR code of the case's short link, which opens it
    once the last digits of its phone are typed (common.links.case_url)."""
    if not access_for(request).may_register_cases:
        raise Http404
    case = get_case_for_user(request, code)
    qr = segno.make(links.case_url(case.pk), error="m").svg_inline(scale=4, border=1)
    return render(
        request,
        "cases/staff/receipt.html",
        {"case": case, "qr_svg": qr, "institution": institution_name()},
    )


@require_GET
@staff_required
def attachment(request, code, pk):
    case = get_case_for_user(request, code)
    return attachment_response(get_object_or_404(Attachment, pk=pk, case=case))


@staff_required
def new_case(request):
    """Reception (or an officer) registers a case that arrived by another channel."""
    if not access_for(request).may_register_cases:
        raise Http404
    form = ReceptionCaseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.submit_case(**form.case_fields(), received_by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The case is registered."))
            return redirect("cases:detail", code=case.code)
    status = 400 if request.method == "POST" else 200
    if form.is_bound:
        form.prepare_choices()
    return render(request, "cases/staff/new.html", {"form": form}, status=status)
