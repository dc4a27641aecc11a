"""Staff pages of the citizen registry, and a case's duplicates panel and unlinking."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, Func, Prefetch, Q, Value
from django.db.models.functions import Lower, Replace
from django.db.models.lookups import Contains
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mithaq.accounts.access import access_for, handles_data_rights, may_request_erasure
from mithaq.accounts.decorators import staff_required
from mithaq.cases.access import (
    cases_visible_to,
    citizens_visible_to,
    get_case_for_user,
    get_citizen_for_user,
)
from mithaq.cases.forms.public import normalize_code, normalize_national_id
from mithaq.cases.states import Action
from mithaq.citizens import services
from mithaq.common import recent
from mithaq.common.phones import parse_phone
from mithaq.common.search_text import normalize_for_search
from mithaq.common.text import to_ascii_digits

from ..forms.registry import FindCitizenForm, PreferencesForm
from ..services import duplicates

FOUND_MAX = 20
EARLIER_MAX = 10


def _registry_user(request):
    return access_for(request).may_use_registry


# The inbox's spelling rules (mithaq.common.search_text.normalize_for_search), written in SQL
# for the stored names: one alef, ta marbuta as ha, alef maqsura as ya, hamza seats as a bare
# hamza, Persian ya and kaf, no tatweel or diacritics. "احمد" finds "أحمد", "فاطمه" finds
# "فاطمة", as they do in the inbox.
_FOLDS = (
    ("ؤ", "ء"), ("ئ", "ء"), ("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"), ("ة", "ه"),
    ("ى", "ي"), ("ی", "ي"), ("ک", "ك"), ("\u0640", ""),
    *((chr(mark), "") for mark in range(0x064B, 0x0653)), ("\u0670", ""),
)  # fmt: skip


def _folded(field: str) -> Func:
    expression: Func = Lower(F(field))
    for letter, written in _FOLDS:
        expression = Replace(expression, Value(letter), Value(written))
    return expression


def _citizen_query(text: str) -> Q | None:
    """What a typed phone (any format, Arabic-Indic digits), national ID or name matches."""
    text = (text or "").strip()
    if not text:
        return None
    digits = to_ascii_digits(text)
    q = Q()
    try:
        q |= Q(phone=parse_phone(digits))
    except ValidationError:
        pass
    national_id = normalize_national_id(text)
    if national_id.isdigit() and len(national_id) >= 5:
        q |= Q(national_id=national_id)
    if not any(ch.isdigit() for ch in digits) and len(text) >= 2:
        q |= Q(Contains(_folded("name"), normalize_for_search(text)))
    return q if q else Q(pk__in=[])


def _earlier_cases(request):
    """The cases a citizen's page lists: those the viewer may see and may know whose they are."""
    access = access_for(request)
    return (
        cases_visible_to(request)
        .filter(access.identity_filter())
        .select_related("unit")
        .only(
            "code",
            "subject",
            "kind",
            "state",
            "created_at",
            "merged_into",
            "citizen",
            "unit__name_ar",
            "unit__name_en",
        )
        .order_by("-created_at")
    )


def _lookup_fragment(request) -> bool:
    return bool(
        request.headers.get("HX-Request") and request.headers.get("HX-Target") == "citizen-lookup"
    )


@require_http_methods(["GET", "POST"])
@recent.text_kept_out_of_urls
@staff_required(allow=_registry_user)
def find(request):
    """Find a person. The phone, ID or name is posted, never put in a URL: reception's form
    gets the lookup fragment (HTMX) in the answer, with each person's earlier cases and a
    button that fills the form; the registry's page redirects to its address with the
    search's key (`s=`, mithaq.common.recent), so that going back does not post again."""
    search_lost = False
    if request.method == "POST":
        form = FindCitizenForm(request.POST)
        if form.is_valid() and not _lookup_fragment(request):
            key = recent.remember(request, form.cleaned_data["q"])
            return recent.see_other(recent.with_params(request.path, [(recent.KEY, key)]))
    else:
        key = request.GET.get(recent.KEY)
        text = recent.recall(request, key)
        search_lost = bool(key) and text is None
        form = FindCitizenForm({"q": text} if text else None)
    # Citizens, each given its `earlier` cases here, for the template.
    found: list[Any] | None = None
    if form.is_valid():
        q = _citizen_query(form.cleaned_data["q"])
        found = list(
            citizens_visible_to(request)
            .filter(q)
            .select_related("verified_by")
            .prefetch_related(Prefetch("cases", queryset=_earlier_cases(request)))
            .order_by("-updated_at")[:FOUND_MAX]
        )
        for citizen in found:
            citizen.earlier = list(citizen.cases.all())[:EARLIER_MAX]
    context = {"form": form, "found": found, "search_lost": search_lost}
    if _lookup_fragment(request):
        return render(request, "citizens/_lookup.html", context)
    return render(request, "citizens/find.html", context, status=400 if form.errors else 200)


@require_GET
@staff_required(allow=_registry_user)
def detail(request, pk: int):
    citizen = get_citizen_for_user(request, pk)
    access = access_for(request)
    context = {
        "citizen": citizen,
        "earlier": list(_earlier_cases(request).filter(citizen=citizen)[:50]),
        "may_edit": access.may_edit_registry,
        # The person's data page (mithaq.privacy): export and erasure.
        "data_rights": handles_data_rights(access) or may_request_erasure(access),
        "preferences": PreferencesForm(
            initial={
                "allow_sms": citizen.allow_sms,
                "allow_whatsapp": citizen.allow_whatsapp,
                "allow_email": citizen.allow_email,
                "preferred_channel": citizen.preferred_channel,
                "language": citizen.language,
            }
        ),
    }
    return render(request, "citizens/detail.html", context)


def _editable_citizen(request, pk: int):
    citizen = get_citizen_for_user(request, pk)
    if not access_for(request).may_edit_registry:
        raise Http404
    return citizen


@require_POST
@staff_required(allow=_registry_user)
def verify(request, pk: int):
    citizen = _editable_citizen(request, pk)
    services.mark_verified(citizen=citizen, actor=request.user)
    messages.success(request, _("The person's data is marked as verified."))
    return redirect("citizens:detail", pk=citizen.pk)


@require_POST
@staff_required(allow=_registry_user)
def preferences(request, pk: int):
    citizen = _editable_citizen(request, pk)
    form = PreferencesForm(request.POST)
    if form.is_valid():
        try:
            services.update_preferences(citizen=citizen, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("preferred_channel", exc)
        else:
            messages.success(request, _("The contact preferences are saved."))
            return redirect("citizens:detail", pk=citizen.pk)
    context = {
        "citizen": citizen,
        "earlier": list(_earlier_cases(request).filter(citizen=citizen)[:50]),
        "may_edit": True,
        "preferences": form,
    }
    return render(request, "citizens/detail.html", context, status=400)


@require_GET
@staff_required
def case_duplicates(request, code: str):
    """A case's possible duplicates (loaded into the case page when it scrolls into view)."""
    case = get_case_for_user(request, code)
    access = access_for(request)
    actions = access.case_actions(case)
    suggestions = duplicates.possible_duplicates(case, request.user)
    linked = duplicates.linked_ids(case)
    for s in suggestions:
        other_actions = access.case_actions(s.case)
        s.may_act = Action.MERGE in other_actions or Action.LINK in other_actions
        both = Action.MERGE in actions and Action.MERGE in other_actions
        # Either way round (the survivor must be open too): checked again when posted.
        s.may_merge = both and case.is_open and s.case.is_open
        s.linked = s.case.pk in linked
        s.percent = round(s.similarity * 100)
    context = {
        "case": case,
        "suggestions": suggestions,
        "may_link": Action.LINK in actions,
    }
    if request.headers.get("HX-Request"):
        return render(request, "citizens/_duplicates.html", context)
    return render(request, "citizens/duplicates.html", context)


@require_http_methods(["POST"])
@staff_required
def unlink(request, code: str, other: str):
    case = get_case_for_user(request, code, action=Action.LINK)
    other_case = get_case_for_user(request, normalize_code(other), action=Action.LINK)
    try:
        duplicates.unlink_cases(case=case, other=other_case, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The link is removed."))
    return redirect("cases:detail", code=case.code)
