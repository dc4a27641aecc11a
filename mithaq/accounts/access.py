"""The one place that says who may see and do what. Every view and API endpoint asks here.

A membership grants a role in a unit. What it lets a person see:
- members of the citizens' affairs office, office managers, leadership and auditors: every case;
- a unit manager: the cases of the unit and of every unit under it;
- officers and reception: the cases of their own unit;
- anyone: the cases assigned to them, and the cases they registered at reception.
Missing and forbidden both answer 404, so that a reference reveals nothing.
"""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q
from django.http import Http404

from mithaq.cases.states import Action

from .models import Membership, Role

_EVERYWHERE_ROLES = {Role.OFFICE_MANAGER, Role.LEADERSHIP, Role.AUDITOR}
_CASE_ROLES = {
    Role.RECEPTION,
    Role.OFFICER,
    Role.UNIT_MANAGER,
    Role.OFFICE_MANAGER,
    Role.LEADERSHIP,
    Role.AUDITOR,
}

_OFFICER_ACTIONS = frozenset(
    {
        Action.ACKNOWLEDGE,
        Action.ASSIGN,
        Action.REFER,
        Action.REQUEST_INFO,
        Action.REPLY,
        Action.NOTE,
        Action.DECIDE,
        Action.RESOLVE,
    }
)
ROLE_ACTIONS: dict[str, frozenset] = {
    Role.RECEPTION: frozenset({Action.NOTE}),
    Role.OFFICER: _OFFICER_ACTIONS,
    Role.UNIT_MANAGER: _OFFICER_ACTIONS | {Action.CLOSE},
    Role.OFFICE_MANAGER: frozenset(Action),
    Role.LEADERSHIP: frozenset({Action.NOTE, Action.DECIDE}),
    Role.AUDITOR: frozenset(),
    Role.ADMINISTRATOR: frozenset(),
}


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int
    unit_path: str
    everywhere: bool
    subtree: bool

    def covers(self, unit_path: str, unit_id: int) -> bool:
        if self.everywhere:
            return True
        if self.subtree:
            return unit_path.startswith(self.unit_path)
        return unit_id == self.unit_id


class StaffAccess:
    """What one signed-in person may see and do, computed once per request."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def grants(self) -> list[Grant]:
        if not (self.user.is_authenticated and self.user.is_active):
            return []
        grants = []
        for m in Membership.objects.filter(user=self.user, unit__is_active=True).select_related(
            "unit"
        ):
            if m.role not in _CASE_ROLES:
                continue
            everywhere = m.role in _EVERYWHERE_ROLES or m.unit.is_citizens_office
            grants.append(
                Grant(
                    role=m.role,
                    unit_id=m.unit_id,
                    unit_path=m.unit.path,
                    everywhere=everywhere,
                    subtree=m.role == Role.UNIT_MANAGER,
                )
            )
        return grants

    @cached_property
    def roles(self) -> frozenset:
        return frozenset(g.role for g in self.grants)

    @property
    def is_staff_member(self) -> bool:
        return bool(self.grants)

    @property
    def sees_everything(self) -> bool:
        return any(g.everywhere for g in self.grants)

    @property
    def may_register_cases(self) -> bool:
        return bool(
            self.roles & {Role.RECEPTION, Role.OFFICE_MANAGER, Role.OFFICER, Role.UNIT_MANAGER}
        )

    def case_filter(self) -> Q:
        """A filter for the cases this person may see (Q() when all of them)."""
        if self.sees_everything:
            return Q()
        q = Q(assignee=self.user) | Q(received_by=self.user)
        own = [g.unit_id for g in self.grants if not g.subtree]
        if own:
            q |= Q(unit_id__in=own)
        for g in self.grants:
            if g.subtree:
                q |= Q(unit__path__startswith=g.unit_path)
        return q

    def case_actions(self, case) -> frozenset:
        """Every action this person may take on `case`, whatever its state."""
        actions: set = set()
        for g in self.grants:
            if g.covers(case.unit.path, case.unit_id):
                actions |= ROLE_ACTIONS[g.role]
        if case.assignee_id == self.user.pk and self.grants:
            actions |= _OFFICER_ACTIONS
        return frozenset(actions)

    def may_see_case(self, case) -> bool:
        if not self.grants:
            return False
        if self.sees_everything or case.assignee_id == self.user.pk:
            return True
        if case.received_by_id == self.user.pk:
            return True
        return any(g.covers(case.unit.path, case.unit_id) for g in self.grants)

    def may_see_identity(self, case) -> bool:
        """A citizen who asked for confidentiality is named only to the office's officers and
        managers, leadership, auditors and whoever registered the case (not to reception)."""
        if not case.identity_confidential:
            return True
        if case.received_by_id == self.user.pk:
            return True
        return any(g.everywhere and g.role != Role.RECEPTION for g in self.grants)

    def is_read_only(self) -> bool:
        return self.roles <= {Role.AUDITOR}


def access_for(request_or_user) -> StaffAccess:
    """The StaffAccess of a request (cached on it) or of a user."""
    user = getattr(request_or_user, "user", request_or_user)
    holder = request_or_user if hasattr(request_or_user, "user") else None
    if holder is not None:
        cached = getattr(holder, "_mithaq_access", None)
        if cached is None or cached.user is not user:
            cached = StaffAccess(user)
            holder._mithaq_access = cached
        return cached
    return StaffAccess(user)


# The walk-in hall: who works in a hall (of the hall's unit, as Grant.covers says) and who
# supervises it.
HALL_ROLES = frozenset({Role.OFFICER, Role.RECEPTION, Role.UNIT_MANAGER, Role.OFFICE_MANAGER})
HALL_SUPERVISOR_ROLES = frozenset({Role.UNIT_MANAGER, Role.OFFICE_MANAGER})


def _holds_role_over(request_or_user, unit, roles) -> bool:
    access = access_for(request_or_user)
    return any(g.role in roles and g.covers(unit.path, unit.pk) for g in access.grants)


def halls_for_user(request_or_user, *, supervise: bool = False) -> list:
    from mithaq.walkin.models import Hall

    roles = HALL_SUPERVISOR_ROLES if supervise else HALL_ROLES
    halls = Hall.objects.active().select_related("unit")
    return [h for h in halls if _holds_role_over(request_or_user, h.unit, roles)]


def get_hall_for_user(request_or_user, code: str, *, supervise: bool = False):
    """The hall if this person works in it (or supervises it); Http404 otherwise."""
    from mithaq.walkin.models import Hall

    hall = Hall.objects.active().select_related("unit").filter(code=code).first()
    roles = HALL_SUPERVISOR_ROLES if supervise else HALL_ROLES
    if hall is None or not _holds_role_over(request_or_user, hall.unit, roles):
        raise Http404
    return hall


def may_supervise_hall(request_or_user, hall) -> bool:
    return _holds_role_over(request_or_user, hall.unit, HALL_SUPERVISOR_ROLES)


def may_manage_calendar(request_or_user) -> bool:
    """Office managers and administrators keep the working calendar and the charter's
    commitments."""
    user = getattr(request_or_user, "user", request_or_user)
    if not (user.is_authenticated and user.is_active):
        return False
    return Membership.objects.filter(
        user=user, unit__is_active=True, role__in=[Role.OFFICE_MANAGER, Role.ADMINISTRATOR]
    ).exists()


def cases_visible_to(request_or_user):
    from mithaq.cases.models import Case

    access = access_for(request_or_user)
    if not access.is_staff_member:
        return Case.objects.none()
    return Case.objects.filter(access.case_filter())


def get_case_for_user(request_or_user, code: str, *, action: Action | None = None):
    """The case with this reference if the person may see it (and take `action` on it,
    when given); otherwise Http404, the same answer for missing and forbidden."""
    from mithaq.cases.models import Case

    access = access_for(request_or_user)
    if not access.is_staff_member:
        raise Http404
    try:
        case = Case.objects.select_related("unit", "service", "assignee", "received_by").get(
            code=code.upper()
        )
    except Case.DoesNotExist:
        raise Http404 from None
    if not access.may_see_case(case):
        raise Http404
    if action is not None and action not in access.case_actions(case):
        raise Http404
    return case
