"""`assign_case`: who may hold a case, and who may not review a grievance."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from mithaq.accounts.access import assignable_officers
from mithaq.accounts.models import Role
from mithaq.accounts.services import add_membership
from mithaq.cases.models import Case
from mithaq.cases.services import (
    acknowledge_case,
    assign_case,
    close_case,
    decide_case,
    reopen_case,
    resolve_case,
)
from mithaq.cases.states import (
    ClosureCode,
    Decision,
    EventKind,
    State,
)
from mithaq.testing import make_case

from .conftest import later, reload, snapshot

# Assignment ------------------------------------------------------------------------------


class TestAssignCase:
    def test_officer_of_the_unit_is_assigned_with_a_private_event(self, org, case_a):
        now = later()
        case = assign_case(
            case=case_a, actor=org.manager_college_a, assignee=org.officer_a, now=now
        )
        assert reload(case).assignee == org.officer_a
        event = case.events.last()
        assert (event.kind, event.assignee, event.actor) == (
            EventKind.ASSIGNED,
            org.officer_a,
            org.manager_college_a,
        )
        assert (event.from_state, event.to_state, event.is_public, event.at) == ("", "", False, now)
        assert reload(case).state == State.RECEIVED

    @pytest.mark.parametrize("unit", ["dept_a", "dept_b", "college_a", "office"])
    def test_office_manager_may_hold_a_case_of_any_unit(self, org, unit):
        case = make_case(org, unit=getattr(org, unit))
        assign_case(case=case, actor=org.office_manager, assignee=org.office_manager)
        assert reload(case).assignee == org.office_manager

    def test_an_officer_of_the_office_may_hold_a_case_of_any_unit(self, org, case_a):
        office_officer = get_user_model().objects.create_user("office_officer")
        add_membership(user=office_officer, unit=org.office, role=Role.OFFICER)
        assign_case(case=case_a, actor=org.office_manager, assignee=office_officer)
        assert reload(case_a).assignee == office_officer

    def test_unit_manager_may_hold_a_case_of_their_own_unit(self, org):
        case = make_case(org, unit=org.college_a)
        assign_case(case=case, actor=org.office_manager, assignee=org.manager_college_a)
        assert reload(case).assignee == org.manager_college_a

    def test_manager_of_the_college_may_hold_a_case_of_one_of_its_departments(self, org, case_a):
        assign_case(case=case_a, actor=org.office_manager, assignee=org.manager_college_a)
        assert reload(case_a).assignee == org.manager_college_a

    def test_manager_of_a_department_may_not_hold_a_case_of_the_college_above(self, org):
        head_of_civil = get_user_model().objects.create_user("head_of_civil")
        add_membership(user=head_of_civil, unit=org.dept_a, role=Role.UNIT_MANAGER)
        case = make_case(org, unit=org.college_a)
        with pytest.raises(ValidationError) as refused:
            assign_case(case=case, actor=org.office_manager, assignee=head_of_civil)
        assert refused.value.code == "assignee"

    @pytest.mark.parametrize(
        "person",
        [
            "officer_a2",  # another department of the same college
            "officer_b",  # another college
            "reception",  # the office's reception registers cases; it does not work them
            "leader",
            "auditor",
            "admin",
            "nobody",
        ],
    )
    def test_people_outside_the_unit_and_the_office_are_refused(self, org, case_a, person):
        before = snapshot(case_a)
        with pytest.raises(ValidationError) as refused:
            assign_case(case=case_a, actor=org.office_manager, assignee=getattr(org, person))
        assert refused.value.code == "assignee"
        assert snapshot(case_a) == before

    def test_inactive_officer_is_refused(self, org, case_a):
        org.officer_a.is_active = False
        org.officer_a.save()
        with pytest.raises(ValidationError):
            assign_case(case=case_a, actor=org.office_manager, assignee=org.officer_a)
        assert reload(case_a).assignee is None

    def test_assignable_officers_are_the_units_its_managers_above_and_the_offices(self, org):
        assert set(assignable_officers(org.dept_a)) == {
            org.officer_a,
            org.manager_college_a,
            org.office_manager,
        }
        assert set(assignable_officers(org.dept_b)) == {org.officer_b, org.office_manager}
        assert set(assignable_officers(org.college_a)) == {
            org.manager_college_a,
            org.office_manager,
        }

    def test_reassigning_the_same_person_writes_nothing(self, org, case_a):
        case = assign_case(case=case_a, actor=org.office_manager, assignee=org.officer_a)
        before = snapshot(case)
        again = assign_case(
            case=case, actor=org.office_manager, assignee=org.officer_a, now=later()
        )
        assert again.assignee == org.officer_a
        assert snapshot(case) == before

    def test_reassigning_to_another_person_writes_a_second_event(self, org, case_a):
        assign_case(case=case_a, actor=org.office_manager, assignee=org.officer_a)
        assign_case(case=case_a, actor=org.office_manager, assignee=org.office_manager)
        assigned = case_a.events.filter(kind=EventKind.ASSIGNED)
        assert [e.assignee for e in assigned] == [org.officer_a, org.office_manager]
        assert reload(case_a).assignee == org.office_manager


class TestGrievanceReviewer:
    """A reopened case (a grievance, تظلم) is reviewed by someone other than who decided it."""

    @staticmethod
    def reopened(org, *, decider=None, resolver=None) -> Case:
        case = acknowledge_case(case=make_case(org), actor=org.office_manager)
        if decider is not None:
            case = decide_case(
                case=case, actor=decider, decision=Decision.REJECTED, reasons="خارج المدة"
            )
        if resolver is not None:
            case = resolve_case(case=case, actor=resolver, summary="أُبلغ المواطن")
        case = close_case(case=case, actor=org.office_manager, closure_code=ClosureCode.REJECTED)
        return reopen_case(case=case, actor=org.office_manager, reason="تظلم")

    def test_whoever_decided_may_not_review_the_grievance(self, org):
        case = self.reopened(org, decider=org.officer_a)
        before = snapshot(case)
        with pytest.raises(ValidationError) as refused:
            assign_case(case=case, actor=org.office_manager, assignee=org.officer_a)
        assert refused.value.code == "same_reviewer"
        assert snapshot(case) == before

    def test_whoever_resolved_may_not_review_the_grievance(self, org):
        case = self.reopened(org, resolver=org.officer_a)
        with pytest.raises(ValidationError) as refused:
            assign_case(case=case, actor=org.office_manager, assignee=org.officer_a)
        assert refused.value.code == "same_reviewer"

    def test_someone_else_may_review_the_grievance(self, org):
        case = self.reopened(org, decider=org.officer_a)
        assign_case(case=case, actor=org.office_manager, assignee=org.manager_college_a)
        assert reload(case).assignee == org.manager_college_a

    def test_a_case_reopened_without_a_decision_may_go_to_anyone_of_the_unit(self, org):
        case = self.reopened(org)
        assign_case(case=case, actor=org.office_manager, assignee=org.officer_a)
        assert reload(case).assignee == org.officer_a

    def test_whoever_decided_may_not_review_the_grievance_once_it_is_acknowledged(self, org):
        case = self.reopened(org, decider=org.officer_a)
        case = acknowledge_case(case=case, actor=org.manager_college_a)
        with pytest.raises(ValidationError):
            assign_case(case=case, actor=org.office_manager, assignee=org.officer_a)

    def test_whoever_decided_may_not_review_the_grievance_when_another_resolved_it(self, org):
        case = self.reopened(org, decider=org.officer_a, resolver=org.manager_college_a)
        with pytest.raises(ValidationError):
            assign_case(case=case, actor=org.office_manager, assignee=org.officer_a)
