"""Which cases and which people of the registry a person may see, and the one getter of a
case for a staff page (Http404 for missing and forbidden alike). The rights themselves are
predicates over plain fields in accounts.access (StaffAccess); this module applies them to
cases."""

from collections.abc import Iterable
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import Http404

from mithaq.accounts.access import Asker, access_for
from mithaq.accounts.actions import Action
from mithaq.citizens.models import CaseLink, Citizen
from mithaq.common.baked import Baked
from mithaq.routing.models import Consultation

from .models import Case


def open_consultation_case_ids(units: Q) -> Iterable[int]:
    """The cases on which one of `units` was asked for an opinion not yet given (handed to
    accounts.access when the app loads: cases.apps)."""
    return Consultation.objects.filter(units, answered_at__isnull=True).values_list(
        "case_id", flat=True
    )


def restricted_case_ids(user_id: int) -> QuerySet[Any, int]:
    """The restricted cases `user_id` is named on, as a subquery (handed to accounts.access
    when the app loads: cases.apps)."""
    return Case.restricted_to.through.objects.filter(user_id=user_id).values_list(
        "case_id", flat=True
    )


def has_relations() -> ExpressionWrapper:
    """An annotation: whether any case is linked to this one or merged into it."""
    linked = Q(Exists(CaseLink.objects.filter(case_low=OuterRef("pk")))) | Q(
        Exists(CaseLink.objects.filter(case_high=OuterRef("pk")))
    )
    absorbed = Q(Exists(Case.objects.filter(merged_into=OuterRef("pk"))))
    return ExpressionWrapper(linked | absorbed, output_field=BooleanField())


# Every staff page that shows a case reads it: its SQL is made once per process
# (mithaq.common.baked).
def _case_by_code_queryset(code: str) -> QuerySet[Case]:
    # The reference is unique: no ordering (the model's would sort the one row). Whether
    # other cases are linked or merged here comes along (three index probes), so that the
    # case page asks for them only when there are some (duplicates.relations).
    return (
        Case.objects.select_related("unit", "service", "assignee", "received_by")
        .annotate(has_relations=has_relations())
        .filter(code=code)
        .order_by()[:2]
    )


_case_by_code = Baked(_case_by_code_queryset, str)


def cases_visible_to(
    request_or_user: Asker, cases: QuerySet[Case, Any] | None = None
) -> QuerySet[Case, Any]:
    """The cases this person may see: of `cases` (a queryset of cases, e.g. the inbox's rows,
    cases.selectors.inbox_rows), or of all."""
    access = access_for(request_or_user)
    cases = Case.objects.all() if cases is None else cases
    if not access.is_staff_member:
        return cases.none()
    return cases.filter(access.case_filter())


def get_case_for_user(request_or_user: Asker, code: str, *, action: Action | None = None) -> Case:
    """The case with this reference if the person may see it (and take `action` on it,
    when given); otherwise Http404, the same answer for missing and forbidden."""
    access = access_for(request_or_user)
    if not access.is_staff_member:
        raise Http404
    found = _case_by_code(code.upper())
    if len(found) != 1:
        raise Http404
    case: Case = found[0]
    if not access.may_see_case(case):
        raise Http404
    if action is not None and not access.may_take(case, action):
        raise Http404
    return case


def citizens_visible_to(request_or_user: Asker) -> QuerySet[Citizen]:
    """The people of the registry this person may find: those behind a case they may see
    whose identity they may know. A citizen who asked for confidentiality is not revealed
    through the registry to anyone who may not see it on the case."""
    access = access_for(request_or_user)
    if not access.may_use_registry:
        return Citizen.objects.none()
    cases = cases_visible_to(request_or_user).filter(access.identity_filter())
    return Citizen.objects.filter(pk__in=cases.values("citizen_id"))


def get_citizen_for_user(request_or_user: Asker, pk: int) -> Citizen:
    """The citizen if this person may see them (citizens_visible_to); Http404 otherwise."""
    citizen = citizens_visible_to(request_or_user).filter(pk=pk).first()
    if citizen is None:
        raise Http404
    return citizen
