"""The one place that says who may see and do what. Every view and API endpoint asks here.

A membership grants a role in a unit. What it lets a person see:
- members of the citizens' affairs office, office managers, leadership and auditors: every case;
- a unit manager: the cases of the unit and of every unit under it;
- officers and reception: the cases of their own unit;
- anyone: the cases assigned to them, and the cases they registered at reception.
Missing and forbidden both answer 404, so that a reference reveals nothing.
"""

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from mithaq.common.cache import ProcessCopy

from .actions import Action
from .models import Membership, OrgUnit, Role, User

_EVERYWHERE_ROLES = {Role.OFFICE_MANAGER, Role.LEADERSHIP, Role.AUDITOR}
# The roles that work on cases (every role but the administrator's and the official's).
CASE_ROLES = {
    Role.RECEPTION,
    Role.OFFICER,
    Role.UNIT_MANAGER,
    Role.OFFICE_MANAGER,
    Role.LEADERSHIP,
    Role.AUDITOR,
}

_REPORT_READERS = frozenset({Role.OFFICE_MANAGER, Role.LEADERSHIP, Role.AUDITOR})

# The working calendar, the commitments and the routing rules (StaffAccess.manages_configuration).
_CONFIGURATION_ROLES = frozenset({Role.OFFICE_MANAGER, Role.ADMINISTRATOR})

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
        Action.ACCEPT_REFERRAL,
        Action.RETURN_REFERRAL,
        Action.CONSULT,
        Action.MERGE,
        Action.LINK,
    }
)
# Accepting or returning a referral is the receiving unit's to do, not everyone's who sees it.
_REFERRAL_ACTIONS = frozenset({Action.ACCEPT_REFERRAL, Action.RETURN_REFERRAL})
# Officers and managers of a unit asked for its opinion see that case, to give it.
_CONSULTED_ROLES = frozenset({Role.OFFICER, Role.UNIT_MANAGER})
ROLE_ACTIONS: dict[str, frozenset] = {
    Role.RECEPTION: frozenset({Action.NOTE}),
    Role.OFFICER: _OFFICER_ACTIONS,
    Role.UNIT_MANAGER: _OFFICER_ACTIONS | {Action.CLOSE},
    Role.OFFICE_MANAGER: frozenset(Action) - {Action.GIVE_OPINION},
    Role.LEADERSHIP: frozenset({Action.NOTE, Action.DECIDE}),
    Role.AUDITOR: frozenset(),
    Role.ADMINISTRATOR: frozenset(),
}


def _load_memberships() -> dict[int, tuple]:
    by_user: dict[int, list] = {}
    rows = (
        Membership.objects.filter(unit__is_active=True)
        .order_by("pk")
        .values_list("user_id", "role", "unit_id", "unit__path", "unit__is_citizens_office")
    )
    for user_id, *membership in rows:
        by_user.setdefault(user_id, []).append(tuple(membership))
    return {user_id: tuple(rows) for user_id, rows in by_user.items()}


# Every staff page reads a person's memberships: every membership in active units is kept in
# each process (mithaq.common.cache.ProcessCopy), dropped everywhere once a write of
# memberships or units commits (accounts.services.memberships_changed / units_changed, called
# by each write path): at once in the process that made the change, within a second in the
# others.
MEMBERSHIPS = ProcessCopy(
    "mithaq:memberships:version",
    _load_memberships,
    changed_by=("accounts.Membership", "accounts.OrgUnit"),
)


# The cases on which one of some units (a filter over `unit`) was asked for an opinion not
# yet given. Consultations are written above this module (cases); cases hands this lookup
# over when it loads (cases.apps), so that the rights stay here without importing upward.
def _no_consultations(units: Q) -> Iterable[int]:
    return ()


_open_consultations: Callable[[Q], Iterable[int]] = _no_consultations


def set_open_consultations(lookup: Callable[[Q], Iterable[int]]) -> None:
    global _open_consultations
    _open_consultations = lookup


# The restricted cases a person is named on (a lazy queryset of case ids, used as a
# subquery), handed over by cases when it loads, as the consultations are.
def _no_restricted_cases(user_id: int) -> Iterable[int]:
    return ()


_restricted_cases: Callable[[int], Iterable[int]] = _no_restricted_cases


def set_restricted_cases(lookup: Callable[[int], Iterable[int]]) -> None:
    global _restricted_cases
    _restricted_cases = lookup


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


# Who is asking, as request.user holds them: a signed-in user or nobody.
AnyUser = User | AnonymousUser


class CaseFacts(Protocol):
    """What the rights read of a case (mithaq.cases.models.Case, which stands above this
    module)."""

    @property
    def pk(self) -> Any: ...
    @property
    def unit_id(self) -> int: ...
    @property
    def unit(self) -> OrgUnit: ...
    @property
    def assignee_id(self) -> int | None: ...
    @property
    def received_by_id(self) -> int | None: ...
    @property
    def identity_confidential(self) -> bool: ...
    @property
    def is_restricted(self) -> bool: ...


class HasUnit(Protocol):
    """A walk-in hall, or anything else of a unit (walkin.models.Hall stands above)."""

    @property
    def unit(self) -> OrgUnit: ...


class StaffAccess:
    """What one signed-in person may see and do, computed once per request."""

    def __init__(self, user: AnyUser) -> None:
        self.user = user

    @cached_property
    def grants(self) -> list[Grant]:
        if not (self.user.is_authenticated and self.user.is_active):
            return []
        return [
            Grant(
                role=role,
                unit_id=unit_id,
                unit_path=unit_path,
                everywhere=role in _EVERYWHERE_ROLES or citizens_office,
                subtree=role == Role.UNIT_MANAGER,
            )
            for role, unit_id, unit_path, citizens_office in MEMBERSHIPS.get().get(self.user.pk, ())
            if role in CASE_ROLES
        ]

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

    @cached_property
    def consulted_case_ids(self) -> frozenset:
        """The cases on which a unit of this person's (as officer or manager) was asked for
        an opinion not yet given: one query, once per request, and none for the others."""
        units = self.consulted_units()
        return frozenset() if units is None else frozenset(_open_consultations(units))

    def consulted_units(self) -> Q | None:
        """A filter over `unit` for the units this person answers for when one is asked for
        an opinion (as officer or manager); None when they answer for none."""
        grants = [g for g in self.grants if g.role in _CONSULTED_ROLES]
        if not grants:
            return None
        q = Q()
        for g in grants:
            q |= Q(unit__path__startswith=g.unit_path) if g.subtree else Q(unit_id=g.unit_id)
        return q

    def answers_for(self, unit: OrgUnit) -> bool:
        """May this person give `unit`'s opinion when it is consulted?"""
        return any(g.role in _CONSULTED_ROLES and g.covers(unit.path, unit.pk) for g in self.grants)

    def manages_unit(self, unit: OrgUnit) -> bool:
        """Office managers manage every unit, a unit manager theirs and those under it: its
        ready answers, its assignment mode."""
        if Role.OFFICE_MANAGER in self.roles:
            return True
        return any(
            g.role == Role.UNIT_MANAGER and g.covers(unit.path, unit.pk) for g in self.grants
        )

    @property
    def manages_some_unit(self) -> bool:
        return bool(self.roles & {Role.OFFICE_MANAGER, Role.UNIT_MANAGER})

    @property
    def routes_cases(self) -> bool:
        """The citizens' affairs office's officers and managers: the triage queue and the
        returned referrals are theirs."""
        return any(
            g.everywhere and g.role in {Role.OFFICER, Role.UNIT_MANAGER, Role.OFFICE_MANAGER}
            for g in self.grants
        )

    @property
    def may_use_registry(self) -> bool:
        """The citizen registry (mithaq.citizens): whoever registers or sees cases."""
        return self.is_staff_member

    @property
    def may_edit_registry(self) -> bool:
        """Marking a person's data verified, editing their contact preferences: whoever
        registers and works cases (auditors and leadership only read)."""
        return self.may_register_cases

    @property
    def names_every_citizen(self) -> bool:
        """The office's officers and managers, leadership and auditors are named every
        citizen, even one who asked for confidentiality (not reception, whose front desk
        registers, nor a unit's staff): may_see_identity, identity_filter and the search's
        results and exports (mithaq.search) ask here."""
        return any(g.everywhere and g.role != Role.RECEPTION for g in self.grants)

    def identity_filter(self) -> Q:
        """The cases whose citizen this person may know, as may_see_identity says: the
        registry shows a person only through such cases."""
        if self.names_every_citizen:
            return Q()
        return Q(identity_confidential=False) | Q(received_by=self.user)

    @property
    def views_audit_log(self) -> bool:
        """Auditors, office managers and leadership read the audit trail (mithaq/cases/views/
        audit.py), such as who read which confidential identity. Each of them sees every case,
        so the trail shows them nothing of a case they may not see."""
        return bool(self.roles & {Role.AUDITOR, Role.OFFICE_MANAGER, Role.LEADERSHIP})

    @property
    def gives_opinions(self) -> bool:
        """Officers and unit managers: their units may be asked for an opinion."""
        return any(g.role in _CONSULTED_ROLES for g in self.grants)

    @cached_property
    def manages_configuration(self) -> bool:
        """Office managers and administrators keep the working calendar, the charter's
        commitments and the routing rules: the one right behind those pages, their links in
        the navigation and may_manage_calendar / may_manage_routing, read from the kept
        memberships (no query). A membership gives it, never the superuser flag, which opens
        Django's admin only."""
        if not (self.user.is_authenticated and self.user.is_active):
            return False
        held = MEMBERSHIPS.get().get(self.user.pk, ())
        return any(role in _CONFIGURATION_ROLES for role, *_rest in held)

    # The reports to the ministry (mithaq.reports): office managers, leadership and auditors
    # read every pack, a unit manager the packs of the unit's subtree; officers and reception
    # none. Building, signing off and submitting are the office managers'.
    @property
    def reads_reports(self) -> bool:
        return bool(self.roles & _REPORT_READERS) or Role.UNIT_MANAGER in self.roles

    @property
    def builds_reports(self) -> bool:
        return Role.OFFICE_MANAGER in self.roles

    def may_read_report_of(self, unit: OrgUnit | None) -> bool:
        """A pack of `unit`'s subtree (None: the whole institution's)."""
        if self.roles & _REPORT_READERS:
            return True
        if unit is None:
            return False
        return any(
            g.role == Role.UNIT_MANAGER and unit.path.startswith(g.unit_path) for g in self.grants
        )

    def report_unit_filter(self, field: str = "unit") -> Q | None:
        """A filter over a pack's scope unit for the packs this person reads: Q() for all,
        None for none."""
        if self.roles & _REPORT_READERS:
            return Q()
        paths = [g.unit_path for g in self.grants if g.role == Role.UNIT_MANAGER]
        if not paths:
            return None
        q = Q(pk__in=[])
        for path in paths:
            q |= Q(**{f"{field}__path__startswith": path})
        return q

    def dashboard_filter(self) -> Q | None:
        """A filter over a case's `unit` for the managers' dashboard: the office (its
        officers and managers), leadership and auditors see the whole institution, a unit
        manager the unit's subtree; None for everyone else."""
        if self.roles & _REPORT_READERS or any(
            g.everywhere and g.role != Role.RECEPTION for g in self.grants
        ):
            return Q()
        return self.report_unit_filter()

    @cached_property
    def restricted_case_ids(self) -> frozenset:
        """The restricted cases this person is named on (one query, when first asked)."""
        if not self.grants or self.user.pk is None:
            return frozenset()
        return frozenset(_restricted_cases(self.user.pk))

    def _named_filter(self) -> Q:
        # A restricted case is seen by the people named on it, and by nobody else whatever
        # their role (the case's page asks may_see_case, lists this filter).
        if self.user.pk is None:
            return Q(pk__in=[])
        return Q(pk__in=_restricted_cases(self.user.pk))

    def case_filter(self) -> Q:
        """A filter for the cases this person may see."""
        if self.sees_everything:
            return Q(is_restricted=False) | self._named_filter()
        q = Q(assignee=self.user) | Q(received_by=self.user)
        if self.consulted_case_ids:
            q |= Q(pk__in=self.consulted_case_ids)
        own = [g.unit_id for g in self.grants if not g.subtree]
        if own:
            q |= Q(unit_id__in=own)
        for g in self.grants:
            if g.subtree:
                q |= Q(unit__path__startswith=g.unit_path)
        return (q & Q(is_restricted=False)) | self._named_filter()

    def case_actions(self, case: CaseFacts) -> frozenset:
        """Every action this person may take on `case`, whatever its state."""
        actions: set = set()
        for g in self.grants:
            if g.covers(case.unit.path, case.unit_id):
                granted = ROLE_ACTIONS[g.role]
                if g.everywhere and g.unit_id != case.unit_id:
                    granted = granted - _REFERRAL_ACTIONS
                actions |= granted
        if case.assignee_id == self.user.pk and self.grants:
            actions |= _OFFICER_ACTIONS
        # The office's own new cases are routed from the triage queue, not returned.
        if case.unit.is_citizens_office:
            actions.discard(Action.RETURN_REFERRAL)
        if case.pk in self.consulted_case_ids:
            # Someone who sees the case only because their unit was asked has this one action.
            actions.add(Action.GIVE_OPINION)
        return frozenset(actions)

    def may_see_case(self, case: CaseFacts) -> bool:
        if not self.grants:
            return False
        if case.is_restricted:
            return case.pk in self.restricted_case_ids
        if self.sees_everything or case.assignee_id == self.user.pk:
            return True
        if case.received_by_id == self.user.pk:
            return True
        if any(g.covers(case.unit.path, case.unit_id) for g in self.grants):
            return True
        return case.pk in self.consulted_case_ids

    def may_see_identity(self, case: CaseFacts) -> bool:
        """A citizen who asked for confidentiality is named only to the office's officers and
        managers, leadership, auditors and whoever registered the case (not to reception)."""
        if not case.identity_confidential:
            return True
        if case.received_by_id == self.user.pk:
            return True
        return self.names_every_citizen

    def may_take(self, case: CaseFacts, action: str) -> bool:
        """May this person take `action` on `case` (which they must see)? get_case_for_user
        and the duplicates' services (mithaq.citizens.duplicates) ask here."""
        return self.may_see_case(case) and action in self.case_actions(case)

    def is_read_only(self) -> bool:
        return self.roles <= {Role.AUDITOR}

    @property
    def sees_interviews(self) -> bool:
        """The interviews' pages (mithaq.interviews): see sees_interviews below."""
        return sees_interviews(self)

    @property
    def reads_interview_records(self) -> bool:
        """The officials' monthly interview records: see interview_record_units below."""
        return reads_interview_records(self)

    @property
    def reads_visits(self) -> bool:
        """The field visits: see reads_visits below."""
        return reads_visits(self)

    @property
    def handles_data_rights(self) -> bool:
        """The people's data rights: see handles_data_rights below."""
        return handles_data_rights(self)


# A request (its user is asked about), a user, or the StaffAccess already made for them.
Asker = HttpRequest | AnyUser | StaffAccess


def _user_of(request_or_user: Asker) -> AnyUser:
    return cast(AnyUser, getattr(request_or_user, "user", request_or_user))


def access_for(request_or_user: Asker) -> StaffAccess:
    """The StaffAccess of a request (cached on it) or of a user (or the one given)."""
    if isinstance(request_or_user, StaffAccess):
        return request_or_user
    user = _user_of(request_or_user)
    # The request, whose StaffAccess is kept on it as an attribute of ours.
    holder: Any = request_or_user if hasattr(request_or_user, "user") else None
    if holder is not None:
        cached = getattr(holder, "_mithaq_access", None)
        if cached is None or cached.user is not user:
            cached = StaffAccess(user)
            holder._mithaq_access = cached
        return cached
    return StaffAccess(user)


# The walk-in hall: who works in a hall of a unit (as Grant.covers says) and who supervises
# it. The halls themselves are found in walkin.access.
HALL_ROLES = frozenset({Role.OFFICER, Role.RECEPTION, Role.UNIT_MANAGER, Role.OFFICE_MANAGER})
HALL_SUPERVISOR_ROLES = frozenset({Role.UNIT_MANAGER, Role.OFFICE_MANAGER})


def holds_role_over(request_or_user: Asker, unit: OrgUnit, roles: Collection[str]) -> bool:
    access = access_for(request_or_user)
    return any(g.role in roles and g.covers(unit.path, unit.pk) for g in access.grants)


def works_in_hall_of(request_or_user: Asker, unit: OrgUnit) -> bool:
    return holds_role_over(request_or_user, unit, HALL_ROLES)


def may_supervise_hall(request_or_user: Asker, hall: HasUnit) -> bool:
    return holds_role_over(request_or_user, hall.unit, HALL_SUPERVISOR_ROLES)


def may_manage_calendar(request_or_user: Asker) -> bool:
    """The working calendar and the charter's commitments: StaffAccess.manages_configuration."""
    return access_for(request_or_user).manages_configuration


# Ready answers (mithaq/knowledge): every member of staff reads and uses the canned replies
# and the published questions and answers; office managers edit all of them, a unit manager
# those of the unit and of the units under it (a service's belong to its unit).
def may_edit_ready_answers(request_or_user: Asker, unit: OrgUnit | None = None) -> bool:
    """May this person edit the ready answers of `unit`? With no unit: the institution-wide
    ones (office managers only)."""
    access = access_for(request_or_user)
    if unit is None:
        return Role.OFFICE_MANAGER in access.roles
    return access.manages_unit(unit)


def may_override_minimum_time(request_or_user: Asker) -> bool:
    """A decision before a service's minimum time (seed 003) is the office manager's to allow,
    with a reason (cases.services.checklist)."""
    return Role.OFFICE_MANAGER in access_for(request_or_user).roles


def may_edit_service_catalogue(request_or_user: Asker) -> bool:
    """The service catalogue's staff pages (mithaq.catalog) are the office manager's; any
    other member of staff, a unit's own included, gets 404."""
    return Role.OFFICE_MANAGER in access_for(request_or_user).roles


def may_edit_message_templates(request_or_user: Asker) -> bool:
    """The messages' template editor (mithaq/notifications) is the office managers' alone."""
    return Role.OFFICE_MANAGER in access_for(request_or_user).roles


def may_edit_some_ready_answers(request_or_user: Asker) -> bool:
    return access_for(request_or_user).manages_some_unit


def may_manage_routing(request_or_user: Asker) -> bool:
    """The routing rules: StaffAccess.manages_configuration, as for the calendar."""
    return access_for(request_or_user).manages_configuration


def may_issue_enrolment_codes(request_or_user: Asker) -> bool:
    """Giving staff a code to set up their second factor: office managers and
    administrators (StaffAccess.manages_configuration)."""
    return access_for(request_or_user).manages_configuration


def may_view_audit_log(request_or_user: Asker) -> bool:
    return access_for(request_or_user).views_audit_log


# Who may be given a case: a right over plain unit ids (cases, routing rules and the bulk
# actions ask the same question).
def assignable_officers(unit: OrgUnit) -> QuerySet[User]:
    """Who may be given a case of `unit`: its officers and managers, and the office's."""
    return assignable_officers_for_units([unit.pk])


def assignable_officers_for_units(unit_ids: Iterable[int]) -> QuerySet[User]:
    """Everyone who may hold cases of any of `unit_ids`: the units' officers and managers,
    managers of the units above them, and the citizens' affairs office."""
    paths = list(OrgUnit.objects.filter(pk__in=list(unit_ids)).values_list("path", flat=True))
    ancestor_ids = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    user_ids = (
        Membership.objects.filter(unit__is_active=True)
        .filter(
            Q(role__in=[Role.OFFICER, Role.UNIT_MANAGER], unit_id__in=list(unit_ids))
            | Q(role=Role.UNIT_MANAGER, unit_id__in=ancestor_ids)
            | Q(
                role__in=[Role.OFFICER, Role.OFFICE_MANAGER],
                unit__is_citizens_office=True,
            )
            | Q(role=Role.OFFICE_MANAGER)
        )
        .values("user_id")
    )
    return get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("full_name")


# Satisfaction (mithaq.surveys): the figures, the comments and the follow-up list of low
# answers, for the units a person oversees: every unit for the office's officers and
# managers, leadership and auditors; a unit manager's unit and those under it. Officers and
# reception of other units see their own figures only (survey_own_figures), never a page
# that ranks people.
_SATISFACTION_ROLES = frozenset(
    {Role.OFFICER, Role.UNIT_MANAGER, Role.OFFICE_MANAGER, Role.LEADERSHIP, Role.AUDITOR}
)


def satisfaction_units(request_or_user: Asker) -> Q | None:
    """A filter over `unit` for the units whose survey results this person may read (Q()
    for all of them); None when they may read none."""
    grants = [
        g
        for g in access_for(request_or_user).grants
        if (g.everywhere and g.role in _SATISFACTION_ROLES) or g.role == Role.UNIT_MANAGER
    ]
    if not grants:
        return None
    if any(g.everywhere for g in grants):
        return Q()
    q = Q()
    for g in grants:
        q |= Q(unit__path__startswith=g.unit_path)
    return q


def may_moderate_survey_comments(request_or_user: Asker, unit: OrgUnit) -> bool:
    """Hiding an abusive comment, marking one acted on, closing a follow-up: the office
    managers, and a unit manager for the unit and those under it."""
    return access_for(request_or_user).manages_unit(unit)


# Interviews with officials (mithaq.interviews). The citizens' affairs office's officers and
# managers screen and book every request and record every meeting; reception registers
# requests at the desk and sees the day's interviews; an official (the president, an
# assistant, a dean: Role.OFFICIAL on a unit) sees the requests addressed to them.
def screens_interviews(request_or_user: Asker) -> bool:
    return access_for(request_or_user).routes_cases


def official_units(request_or_user: Asker) -> list[int]:
    """The units on which this person holds the official role (none for most)."""
    user = _user_of(request_or_user)
    if not (user.is_authenticated and user.is_active):
        return []
    held = MEMBERSHIPS.get().get(user.pk, ())
    return [unit_id for role, unit_id, *_rest in held if role == Role.OFFICIAL]


def registers_interviews(request_or_user: Asker) -> bool:
    """The office, and reception wherever it sits (the request comes to its desk)."""
    access = access_for(request_or_user)
    return access.routes_cases or Role.RECEPTION in access.roles


def sees_interviews(request_or_user: Asker) -> bool:
    """Who has the interviews' pages at all: the office, reception, and officials."""
    return registers_interviews(request_or_user) or bool(official_units(request_or_user))


def interview_filter(request_or_user: Asker) -> Q | None:
    """A filter over interview requests for the ones this person may read: Q() for all,
    None for none. Reception reads the requests it registered and the day's list; an
    official reads those addressed to them."""
    access = access_for(request_or_user)
    if access.routes_cases:
        return Q()
    q = Q(pk__in=[])
    if Role.RECEPTION in access.roles:
        q |= Q(received_by=access.user)
    if official_units(access):
        q |= Q(official=access.user)
    return None if q == Q(pk__in=[]) else q


# Monthly interview records (mithaq.interviews, seed 004 items 12, 13): the office, leadership
# and auditors read every official's; a unit manager (a dean's office) the officials' of the
# unit and below; an official their own. Each keeps (writes) what they read, but leadership
# and auditors, who only read.
def interview_record_units(request_or_user: Asker) -> Q | None:
    """A filter over officials' memberships (`unit`, `user`) for those whose records this
    person reads (Q() for all of them); None when they read none. An official reads their
    own only, not another official's of the same unit (the president's assistant is not the
    president)."""
    access = access_for(request_or_user)
    if access.routes_cases or access.roles & {Role.LEADERSHIP, Role.AUDITOR}:
        return Q()
    q = Q(pk__in=[])
    paths = [g.unit_path for g in access.grants if g.role == Role.UNIT_MANAGER]
    for path in paths:
        q |= Q(unit__path__startswith=path)
    own = official_units(access)
    if own:
        q |= Q(unit_id__in=own, user_id=access.user.pk)
    return q if paths or own else None


def keeps_interview_record(request_or_user: Asker, unit: OrgUnit, official_id: int) -> bool:
    """May this person write the monthly record of the official `official_id` on `unit`?"""
    access = access_for(request_or_user)
    if access.routes_cases:
        return True
    if official_id == access.user.pk and unit.pk in official_units(access):
        return True
    return any(g.role == Role.UNIT_MANAGER and g.covers(unit.path, unit.pk) for g in access.grants)


def reads_interview_records(request_or_user: Asker) -> bool:
    return interview_record_units(request_or_user) is not None


# Field visits (mithaq.interviews.visits): the office plans, scores and reports them;
# leadership and auditors read them.
def plans_visits(request_or_user: Asker) -> bool:
    return access_for(request_or_user).routes_cases


def reads_visits(request_or_user: Asker) -> bool:
    access = access_for(request_or_user)
    return access.routes_cases or bool(access.roles & {Role.LEADERSHIP, Role.AUDITOR})


# The people's data rights (capability 12, mithaq.privacy). The head of the citizens' affairs
# office (its office manager) exports what is held about a person, approves an erasure and
# restricts a case to named people; the office's staff and reception, who hear the person's
# request, file an erasure request; a second person with the right approves it.
def handles_data_rights(request_or_user: Asker) -> bool:
    return Role.OFFICE_MANAGER in access_for(request_or_user).roles


def may_request_erasure(request_or_user: Asker) -> bool:
    access = access_for(request_or_user)
    return access.routes_cases or Role.RECEPTION in access.roles or handles_data_rights(access)


def may_restrict_cases(request_or_user: Asker) -> bool:
    return handles_data_rights(request_or_user)


def works_government_systems(request_or_user: Asker) -> bool:
    """The office's officers and managers enter cases in the government's systems and keep
    the letters with the ministry (seed 004 items 5 and 11)."""
    return access_for(request_or_user).routes_cases


def reads_government_systems(request_or_user: Asker) -> bool:
    """Who reads the re-entry lists and the letters: whoever sees every case (the office's
    members, its reception included, leadership, auditors); only the office works them."""
    access = access_for(request_or_user)
    return access.routes_cases or access.sees_everything
