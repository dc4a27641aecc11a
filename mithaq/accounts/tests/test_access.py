"""Who may see and do what, persona by persona (accounts/access.py)."""

import pytest
from django.contrib.auth import get_user_model
from django.http import Http404
from django.test import RequestFactory

from mithaq.accounts.access import access_for
from mithaq.accounts.models import Membership, OrgUnit, Role, UnitKind
from mithaq.accounts.services import create_unit, memberships_changed, save_unit
from mithaq.cases.access import cases_visible_to, get_case_for_user
from mithaq.cases.models import Case
from mithaq.cases.services import assign_case
from mithaq.cases.states import Action, Channel
from mithaq.testing import PERSONAS, make_case

ALL = frozenset(Action)
OFFICER = frozenset(
    {
        Action.ACKNOWLEDGE,
        Action.ASSIGN,
        Action.REFER,
        Action.REQUEST_INFO,
        Action.REPLY,
        Action.NOTE,
        Action.DECIDE,
        Action.RESOLVE,
        # Duplicates (mithaq.citizens): on both cases, checked again by the service.
        Action.MERGE,
        Action.LINK,
        # Referral and consultation (mithaq.routing): the receiving unit accepts or returns.
        Action.ACCEPT_REFERRAL,
        Action.RETURN_REFERRAL,
        Action.CONSULT,
    }
)
REFERRAL = frozenset({Action.ACCEPT_REFERRAL, Action.RETURN_REFERRAL})
# The office manager does everything but give another unit's opinion, and accepts or returns
# only what is referred to the office itself (whose own new cases are routed, not returned).
OFFICE_MANAGER_DOES = {
    unit: ALL - {Action.GIVE_OPINION} - (REFERRAL if unit != "office" else {Action.RETURN_REFERRAL})
    for unit in ["dept_a", "dept_a2", "dept_b", "college_a", "office"]
}
NONE = frozenset()
UNITS = ["dept_a", "dept_a2", "dept_b", "college_a", "office"]

# Which units' cases each persona sees (the reception desk belongs to the citizens' office).
SEES = {
    "reception": set(UNITS),
    "officer_a": {"dept_a"},
    "officer_a2": {"dept_a2"},
    "officer_b": {"dept_b"},
    "manager_college_a": {"college_a", "dept_a", "dept_a2"},
    "office_manager": set(UNITS),
    "leader": set(UNITS),
    "auditor": set(UNITS),
    "administrator": set(),
    "admin": set(),
    "superuser_officer": set(),  # an officer of college B itself, where no case is
    "official": set(),  # the president's assistant receives interviews, reads no case
    "nobody": set(),
}
# What each persona may do on a case of a unit they see.
MAY_DO = {
    "reception": {Action.NOTE},
    "officer_a": OFFICER,
    "officer_a2": OFFICER,
    "officer_b": OFFICER,
    "manager_college_a": OFFICER | {Action.CLOSE},
    "office_manager": OFFICE_MANAGER_DOES,
    "leader": {Action.NOTE, Action.DECIDE},
    "auditor": NONE,
    "administrator": NONE,
    "admin": NONE,
    "superuser_officer": OFFICER,
    "official": NONE,
    "nobody": NONE,
}


@pytest.fixture
def cases(org):
    """One web complaint in each of five units, keyed by unit."""
    return {unit: make_case(org, unit=getattr(org, unit)) for unit in UNITS}


def user(name: str, *memberships, **extra):
    person = get_user_model().objects.create_user(name, full_name=name, **extra)
    for unit, role in memberships:
        Membership.objects.create(user=person, unit=unit, role=role)
    return person


def sees(person, case) -> bool:
    try:
        get_case_for_user(person, case.code)
    except Http404:
        return False
    return True


def may(person, case, action) -> bool:
    try:
        get_case_for_user(person, case.code, action=action)
    except Http404:
        return False
    return True


# Seeing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_inbox_lists_exactly_the_cases_of_the_units_the_persona_follows(org, cases, persona):
    visible = set(cases_visible_to(getattr(org, persona)))
    assert visible == {cases[unit] for unit in SEES[persona]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_case_page_opens_exactly_for_the_cases_the_persona_follows(org, cases, persona):
    opened = {unit for unit, case in cases.items() if sees(getattr(org, persona), case)}
    assert opened == SEES[persona]


def test_officer_of_other_unit_gets_404(org, cases):
    with pytest.raises(Http404):
        get_case_for_user(org.officer_b, cases["dept_a"].code)


def test_officer_of_a_sister_department_gets_404(org, cases):
    with pytest.raises(Http404):
        get_case_for_user(org.officer_a2, cases["dept_a"].code)


def test_officer_does_not_see_the_cases_of_the_college_above(org, cases):
    with pytest.raises(Http404):
        get_case_for_user(org.officer_a, cases["college_a"].code)


def test_missing_and_forbidden_cases_answer_alike(org, cases):
    with pytest.raises(Http404) as missing:
        get_case_for_user(org.officer_a, "0000-0000")
    with pytest.raises(Http404) as forbidden:
        get_case_for_user(org.officer_a, cases["dept_b"].code)
    with pytest.raises(Http404) as not_allowed:
        get_case_for_user(org.officer_a, cases["dept_a"].code, action=Action.CLOSE)
    assert type(missing.value) is type(forbidden.value) is type(not_allowed.value) is Http404
    assert missing.value.args == forbidden.value.args == not_allowed.value.args


def test_reference_is_found_whatever_its_case(org, case_a):
    assert get_case_for_user(org.officer_a, case_a.code.lower()) == case_a


def test_case_is_found_from_a_request_too(org, case_a):
    request = RequestFactory().get("/")
    request.user = org.officer_a
    assert get_case_for_user(request, case_a.code) == case_a
    request.user = org.officer_b
    with pytest.raises(Http404):
        get_case_for_user(request, case_a.code)


def test_assignee_still_sees_a_case_after_moving_to_another_unit(org, case_a):
    assign_case(case=case_a, actor=org.office_manager, assignee=org.officer_a)
    Membership.objects.filter(user=org.officer_a).update(unit=org.dept_b)
    memberships_changed()  # a bulk update sends no signal
    assert case_a in cases_visible_to(org.officer_a)
    assert sees(org.officer_a, case_a)
    # They may work it, but not close it: closing is a manager's.
    assert may(org.officer_a, case_a, Action.RESOLVE)
    assert not may(org.officer_a, case_a, Action.CLOSE)


def test_receptionist_of_a_department_sees_the_cases_they_registered_elsewhere(org):
    desk = user("desk_b", (org.dept_b, Role.RECEPTION))
    registered = make_case(org, unit=org.dept_a, channel=Channel.WALK_IN, received_by=desk)
    someone_elses = make_case(org, unit=org.dept_a)
    assert set(cases_visible_to(desk)) == {registered}
    assert sees(desk, registered) and not sees(desk, someone_elses)


def test_unit_manager_sees_units_added_under_their_unit(org):
    lab = create_unit(
        parent=org.dept_a, kind=UnitKind.UNIT, code="eng-lab", name_ar="مختبر", name_en="Lab"
    )
    case = make_case(org, unit=lab)
    assert case in cases_visible_to(org.manager_college_a)
    assert may(org.manager_college_a, case, Action.CLOSE)


def test_unit_manager_sees_a_department_moved_under_their_unit(org):
    case = make_case(org, unit=org.dept_b)
    assert case not in cases_visible_to(org.manager_college_a)
    dept_b = OrgUnit.objects.get(pk=org.dept_b.pk)
    dept_b.parent = OrgUnit.objects.get(pk=org.college_a.pk)
    save_unit(unit=dept_b)
    assert case in cases_visible_to(org.manager_college_a)
    assert sees(org.manager_college_a, case)


def test_unit_manager_does_not_see_a_unit_whose_id_merely_starts_like_theirs(org):
    # Paths "/r/7100/" and "/r/71000/": a prefix match without the closing slash would leak.
    mine = create_unit(
        parent=org.root, id=7100, kind=UnitKind.COLLEGE, code="c7100", name_ar="أ", name_en="A"
    )
    lookalike = create_unit(
        parent=org.root, id=71000, kind=UnitKind.COLLEGE, code="c71000", name_ar="ب", name_en="B"
    )
    manager = user("manager_7100", (mine, Role.UNIT_MANAGER))
    case = make_case(org, unit=lookalike)
    assert lookalike.path.startswith(mine.path.rstrip("/"))
    assert case not in cases_visible_to(manager)
    assert not sees(manager, case)


def test_inactive_user_sees_nothing(org, cases):
    org.office_manager.is_active = False
    org.office_manager.save()
    assert not cases_visible_to(org.office_manager).exists()
    assert not any(sees(org.office_manager, case) for case in cases.values())


def test_member_of_a_closed_unit_sees_nothing_through_it(org, cases):
    org.dept_a.is_active = False
    org.dept_a.save()
    assert not cases_visible_to(org.officer_a).exists()
    assert not sees(org.officer_a, cases["dept_a"])
    # The college manager still follows the closed department's cases.
    assert sees(org.manager_college_a, cases["dept_a"])


def test_user_without_membership_sees_nothing_even_a_case_put_in_their_name(org, case_a):
    Case.objects.filter(pk=case_a.pk).update(assignee=org.nobody)
    assert not cases_visible_to(org.nobody).exists()
    assert not sees(org.nobody, case_a)


def test_administrator_configures_but_does_not_read_cases(org, cases):
    assert org.admin.is_superuser
    assert not cases_visible_to(org.admin).exists()
    assert not sees(org.admin, cases["office"])


# Doing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_may_take_exactly_their_actions_on_the_cases_they_follow(org, cases, persona):
    person = getattr(org, persona)
    wrong = []
    for unit, case in cases.items():
        does = MAY_DO[persona]
        does = does[unit] if isinstance(does, dict) else does
        expected = does if unit in SEES[persona] else NONE
        if access_for(person).case_actions(case) != expected and unit in SEES[persona]:
            wrong.append((unit, "case_actions", sorted(access_for(person).case_actions(case))))
        for action in Action:
            if may(person, case, action) != (action in expected):
                wrong.append((unit, action.value))
    assert wrong == []


def test_auditor_reads_every_case_but_may_not_even_note(org, cases):
    assert all(sees(org.auditor, case) for case in cases.values())
    assert not may(org.auditor, cases["dept_a"], Action.NOTE)
    assert access_for(org.auditor).is_read_only()


def test_reception_may_only_add_notes(org, case_a):
    assert may(org.reception, case_a, Action.NOTE)
    assert not may(org.reception, case_a, Action.ACKNOWLEDGE)
    assert not may(org.reception, case_a, Action.REPLY)


def test_officer_may_not_close_or_reopen(org, case_a):
    assert may(org.officer_a, case_a, Action.RESOLVE)
    assert not may(org.officer_a, case_a, Action.CLOSE)
    assert not may(org.officer_a, case_a, Action.REOPEN)


def test_unit_manager_may_close_within_their_college_only(org, cases):
    assert may(org.manager_college_a, cases["dept_a"], Action.CLOSE)
    assert may(org.manager_college_a, cases["college_a"], Action.CLOSE)
    assert not may(org.manager_college_a, cases["dept_b"], Action.CLOSE)
    assert not may(org.manager_college_a, cases["dept_a"], Action.REOPEN)


def test_office_manager_may_do_everything_everywhere(org, cases):
    for unit, case in cases.items():
        assert {a for a in Action if may(org.office_manager, case, a)} == OFFICE_MANAGER_DOES[unit]


def test_leader_may_decide_and_note_anywhere_but_not_close(org, cases):
    assert may(org.leader, cases["dept_b"], Action.DECIDE)
    assert may(org.leader, cases["office"], Action.NOTE)
    assert not may(org.leader, cases["dept_b"], Action.CLOSE)


def test_two_memberships_add_up(org, cases):
    both = user("two_hats", (org.dept_a, Role.OFFICER), (org.dept_b, Role.RECEPTION))
    assert set(cases_visible_to(both)) == {cases["dept_a"], cases["dept_b"]}
    assert access_for(both).case_actions(cases["dept_a"]) == OFFICER
    assert access_for(both).case_actions(cases["dept_b"]) == {Action.NOTE}


# Facts about a person -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "everything", "registers", "read_only"),
    [
        ("reception", True, True, False),
        ("officer_a", False, True, False),
        ("manager_college_a", False, True, False),
        ("office_manager", True, True, False),
        ("leader", True, False, False),
        ("auditor", True, False, True),
        ("administrator", False, False, True),
        ("admin", False, False, True),
        ("superuser_officer", False, True, False),
        ("official", False, False, True),
        ("nobody", False, False, True),
    ],
)
def test_what_each_persona_is(org, persona, everything, registers, read_only):
    access = access_for(getattr(org, persona))
    assert access.sees_everything is everything
    assert access.may_register_cases is registers
    assert access.is_read_only() is read_only
    assert access.is_staff_member is (
        persona not in {"administrator", "admin", "official", "nobody"}
    )


def test_every_role_is_held_alone_by_a_persona(org):
    """The persona list has, for each Role, someone whose only membership is that role."""
    alone = {}
    for name in PERSONAS:
        roles = list(
            Membership.objects.filter(user=getattr(org, name)).values_list("role", flat=True)
        )
        if len(roles) == 1:
            alone.setdefault(roles[0], name)
    assert set(alone) == set(Role)
    assert not getattr(org, alone[Role.ADMINISTRATOR]).is_superuser


# Who keeps the working calendar and the routing rules: office managers and administrators, by
# their membership; the superuser flag adds nothing.
MANAGES_CONFIGURATION = {"office_manager", "administrator", "admin"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_configuration_right_is_one_for_the_pages_and_the_navigation(org, persona):
    from mithaq.accounts.access import may_manage_calendar, may_manage_routing

    person = getattr(org, persona)
    expected = persona in MANAGES_CONFIGURATION
    assert access_for(person).manages_configuration is expected
    assert may_manage_calendar(person) is expected
    assert may_manage_routing(person) is expected


def test_access_is_computed_once_per_request_and_again_for_another_user(org):
    request = RequestFactory().get("/")
    request.user = org.officer_a
    first = access_for(request)
    assert access_for(request) is first
    request.user = org.officer_b
    assert access_for(request) is not first
    assert access_for(request).user == org.officer_b


# Confidential identity -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "named"),
    [
        ("reception", False),  # the office's front desk registers, it does not read names
        ("office_manager", True),
        ("leader", True),
        ("auditor", True),
        ("officer_a", False),
        ("manager_college_a", False),
    ],
)
def test_confidential_citizen_is_named_only_to_office_staff_leadership_and_auditors(
    org, persona, named
):
    case = make_case(org, identity_confidential=True)
    assert access_for(getattr(org, persona)).may_see_identity(case) is named


def test_confidential_citizen_is_named_to_whoever_registered_the_case(org):
    desk = user("desk_a", (org.dept_a, Role.RECEPTION))
    case = make_case(org, channel=Channel.WALK_IN, received_by=desk, identity_confidential=True)
    assert access_for(desk).may_see_identity(case)
    assert not access_for(org.officer_a).may_see_identity(case)


def test_confidential_citizen_is_named_to_an_officer_of_the_office(org):
    office_officer = user("office_officer", (org.office, Role.OFFICER))
    case = make_case(org, identity_confidential=True)
    assert access_for(office_officer).may_see_identity(case)


def test_office_reception_is_named_the_confidential_citizens_it_registered_itself(org):
    mine = make_case(
        org, channel=Channel.PHONE, received_by=org.reception, identity_confidential=True
    )
    others = make_case(org, identity_confidential=True)
    assert access_for(org.reception).may_see_identity(mine)
    assert not access_for(org.reception).may_see_identity(others)


def test_confidential_citizen_is_not_named_to_the_assignee(org, case_a):
    Case.objects.filter(pk=case_a.pk).update(identity_confidential=True)
    case = assign_case(case=case_a, actor=org.office_manager, assignee=org.officer_a)
    assert not access_for(org.officer_a).may_see_identity(case)


@pytest.mark.parametrize("persona", PERSONAS)
def test_citizen_who_did_not_ask_for_confidentiality_is_named(org, case_a, persona):
    assert access_for(getattr(org, persona)).may_see_identity(case_a)


# The inbox filter and the case page agree, for everyone and every case ------------------------


@pytest.fixture
def world(org):
    """Every persona, plus awkward ones, and cases that only some relationship reveals."""
    people = {name: getattr(org, name) for name in PERSONAS}
    cases = {unit: make_case(org, unit=getattr(org, unit)) for unit in UNITS}

    people["office_officer"] = user("office_officer", (org.office, Role.OFFICER))
    people["leaf_manager"] = user("leaf_manager", (org.dept_b, Role.UNIT_MANAGER))
    people["two_hats"] = user("two_hats", (org.dept_a, Role.OFFICER), (org.dept_b, Role.RECEPTION))
    people["inactive_officer"] = user(
        "inactive_officer", (org.dept_a, Role.OFFICER), is_active=False
    )

    people["desk_b"] = user("desk_b", (org.dept_b, Role.RECEPTION))
    cases["registered_away"] = make_case(
        org, unit=org.dept_a2, channel=Channel.WALK_IN, received_by=people["desk_b"]
    )

    people["moved_officer"] = user("moved_officer", (org.dept_a2, Role.OFFICER))
    cases["assigned_away"] = make_case(org, unit=org.dept_a2)
    assign_case(
        case=cases["assigned_away"], actor=org.office_manager, assignee=people["moved_officer"]
    )
    Membership.objects.filter(user=people["moved_officer"]).update(unit=org.dept_b)
    memberships_changed()  # a bulk update sends no signal

    old = create_unit(
        parent=org.college_a, kind=UnitKind.UNIT, code="eng-old", name_ar="قديم", name_en="Old"
    )
    cases["closed_unit"] = make_case(org, unit=old)
    OrgUnit.objects.filter(pk=old.pk).update(is_active=False)
    memberships_changed()  # a bulk update sends no signal
    people["closed_unit_officer"] = user("closed_unit_officer", (old, Role.OFFICER))
    # As the database has them now (assignment returns a new object; units changed).
    fresh = Case.objects.select_related("unit").in_bulk([c.pk for c in cases.values()])
    return people, {name: fresh[case.pk] for name, case in cases.items()}


WORLD_PEOPLE = [
    *PERSONAS,
    "office_officer",
    "leaf_manager",
    "two_hats",
    "inactive_officer",
    "desk_b",
    "moved_officer",
    "closed_unit_officer",
]


@pytest.mark.parametrize("persona", WORLD_PEOPLE)
def test_inbox_filter_and_case_page_agree_on_every_case(world, persona):
    people, cases = world
    person = people[persona]
    access = access_for(person)
    listed = set(cases_visible_to(person).values_list("pk", flat=True))
    disagreements = []
    for name, case in cases.items():
        opened = sees(person, case)
        if (case.pk in listed) != opened or access.may_see_case(case) != opened:
            disagreements.append((name, case.pk in listed, access.may_see_case(case), opened))
        for action in Action:
            expected = opened and action in access.case_actions(case)
            if may(person, case, action) != expected:
                disagreements.append((name, action.value))
    assert disagreements == []


def test_the_awkward_personas_see_what_their_relationships_give_them(world):
    people, cases = world

    def seen(persona):
        return {n for n, c in cases.items() if c in set(cases_visible_to(people[persona]))}

    assert seen("desk_b") == {"dept_b", "registered_away"}
    assert seen("moved_officer") == {"dept_b", "assigned_away"}
    assert seen("two_hats") == {"dept_a", "dept_b"}
    assert seen("leaf_manager") == {"dept_b"}
    assert seen("office_officer") == set(cases)
    assert seen("inactive_officer") == set()
    assert seen("closed_unit_officer") == set()
    assert "closed_unit" in seen("manager_college_a")


# --- Memberships kept per process ---------------------------------------------------------


def test_a_persons_grants_come_without_a_query_once_kept(org, django_assert_num_queries):
    access_for(org.officer_a).grants  # noqa: B018 - loads the copy
    with django_assert_num_queries(0):
        assert [g.unit_id for g in access_for(org.officer_a).grants] == [org.dept_a.pk]
        assert access_for(org.nobody).grants == []


def test_a_membership_given_or_taken_shows_at_once(org):
    from mithaq.accounts.models import Role
    from mithaq.accounts.services import add_membership, remove_membership

    assert not access_for(org.officer_b).may_see_case(make_case(org))
    given = add_membership(user=org.officer_b, unit=org.dept_a, role=Role.OFFICER)
    assert access_for(org.officer_b).may_see_case(make_case(org))
    remove_membership(given)
    assert not access_for(org.officer_b).may_see_case(make_case(org))


def test_a_unit_switched_off_takes_its_grants_at_once(org):
    case = make_case(org)
    assert access_for(org.officer_a).may_see_case(case)
    org.dept_a.is_active = False
    save_unit(unit=org.dept_a)
    assert access_for(org.officer_a).grants == []


def test_another_process_sees_a_change_within_a_look(org, monkeypatch):
    from django.core.cache import cache

    from mithaq.accounts import access
    from mithaq.accounts.models import Membership
    from mithaq.common import cache as shared

    clock = [1000.0]
    monkeypatch.setattr(shared.time, "monotonic", lambda: clock[0])

    def units():
        return [g.unit_id for g in access_for(org.officer_a).grants]

    assert units() == [org.dept_a.pk]
    # Another process moves the membership: the shared version moves, this copy stays...
    Membership.objects.filter(user=org.officer_a).update(unit=org.dept_b)  # no signal here
    cache.set(access.MEMBERSHIPS.version_key, "another process's change")  # a new version
    assert units() == [org.dept_a.pk]
    # ...until this process looks again, at most a second later.
    clock[0] += access.MEMBERSHIPS.check_every
    assert units() == [org.dept_b.pk]
