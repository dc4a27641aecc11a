"""Referrals with acceptance: accept, return as not competent, the office's returns list,
and onward referral along the tree."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mithaq.accounts.access import StaffAccess
from mithaq.cases.models import CaseEvent
from mithaq.cases.services import (
    CaseStateError,
    acknowledge_case,
    add_note,
    assign_case,
    close_case,
    consultations,
    decide_case,
    refer_case,
    referrals,
    reopen_case,
    reply_to_citizen,
    request_information,
    resolve_case,
)
from mithaq.cases.services.duplicates import merge_cases
from mithaq.cases.states import Action, ClosureCode, Decision, EventKind, State
from mithaq.routing import rules
from mithaq.routing.models import AssignmentMode, Referral, ReferralStatus, RoutingRule
from mithaq.testing import make_case


def referred_to_b(org, case):
    return refer_case(
        case=case, actor=org.officer_a, to_unit=org.dept_b, reason="من اختصاص الجراحة"
    )


def test_a_referral_is_recorded_and_waits(org, case_a):
    referred_to_b(org, case_a)
    referral = Referral.objects.get(case=case_a)
    assert (referral.from_unit, referral.to_unit) == (org.dept_a, org.dept_b)
    assert referral.status == ReferralStatus.PENDING
    assert referral.referred_by == org.officer_a
    assert referral.reason == "من اختصاص الجراحة"


def test_the_receiving_unit_accepts(org, case_a):
    case = referred_to_b(org, case_a)
    case = referrals.accept_referral(case=case, actor=org.officer_b)
    assert case.state == State.UNDER_REVIEW and case.unit == org.dept_b
    referral = Referral.objects.get(case=case_a)
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.decided_by == org.officer_b and referral.decided_at is not None
    event = case.events.get(kind=EventKind.REFERRAL_ACCEPTED)
    assert (event.from_state, event.to_state) == (State.REFERRED, State.UNDER_REVIEW)
    assert event.from_unit == org.dept_a and event.to_unit == org.dept_b
    assert event.is_public is False


def test_accepting_applies_the_units_assignment_mode(org, case_a):
    rules.set_assignment_mode(unit=org.dept_b, mode=AssignmentMode.ROUND_ROBIN)
    case = referrals.accept_referral(case=referred_to_b(org, case_a), actor=org.office_manager)
    assert case.assignee == org.officer_b
    assert case.events.filter(kind=EventKind.ASSIGNED, assignee=org.officer_b).exists()


def test_the_receiving_unit_returns_it_to_the_referring_unit(org, case_a):
    acknowledge_case(case=case_a, actor=org.officer_a)
    case = referred_to_b(org, case_a)
    case = referrals.return_referral(case=case, actor=org.officer_b, reason=" ليس من اختصاصنا ")
    assert case.unit == org.dept_a and case.state == State.UNDER_REVIEW
    assert case.assignee is None
    referral = Referral.objects.get(case=case_a)
    assert referral.status == ReferralStatus.RETURNED
    assert referral.return_reason == "ليس من اختصاصنا"
    event = case.events.get(kind=EventKind.REFERRAL_RETURNED)
    assert event.body == "ليس من اختصاصنا" and event.is_public is False
    assert (event.from_unit, event.to_unit) == (org.dept_b, org.dept_a)
    assert list(referrals.open_returns()) == [referral]


def test_a_new_case_routed_by_a_rule_is_returned_to_the_office(org):
    RoutingRule.objects.create(name="رسوم", unit=org.dept_b, words="رسوم")
    case = make_case(org, subject="الرسوم الدراسية")
    assert case.unit == org.dept_b and case.state == State.RECEIVED
    case = referrals.return_referral(case=case, actor=org.officer_b, reason="ليست لنا")
    assert case.unit == org.office and case.state == State.UNDER_REVIEW
    [returned] = referrals.open_returns()
    assert returned.from_unit == org.office and returned.to_unit == org.dept_b


def test_return_without_a_reason_is_refused_and_writes_nothing(org, case_a):
    case = referred_to_b(org, case_a)
    events = CaseEvent.objects.count()
    with pytest.raises(ValidationError) as bad:
        referrals.return_referral(case=case, actor=org.officer_b, reason="  ")
    assert bad.value.code == "reason"
    case.refresh_from_db()
    assert case.unit == org.dept_b and case.state == State.REFERRED
    assert CaseEvent.objects.count() == events
    assert Referral.objects.get(case=case_a).status == ReferralStatus.PENDING


def test_accept_is_refused_unless_referred(org, case_a):
    with pytest.raises(CaseStateError):
        referrals.accept_referral(case=case_a, actor=org.officer_a)


def test_rerouting_a_returned_case_takes_it_off_the_returns_list(org, case_a):
    case = referrals.return_referral(
        case=referred_to_b(org, case_a), actor=org.officer_b, reason="ليست لنا"
    )
    case = refer_case(case=case, actor=org.office_manager, to_unit=org.dept_a2, reason="للكهربائية")
    assert list(referrals.open_returns()) == []
    statuses = dict(Referral.objects.values_list("to_unit", "status"))
    assert statuses == {org.dept_b.pk: ReferralStatus.RETURNED, org.dept_a2.pk: "pending"}
    assert Referral.objects.get(to_unit=org.dept_b).rerouted_at is not None
    case = referrals.accept_referral(case=case, actor=org.officer_a2)
    assert case.unit == org.dept_a2 and case.state == State.UNDER_REVIEW


def test_onward_referral_along_the_tree(org, case_a):
    case = referred_to_b(org, case_a)
    # Surgery passes it on to its college, without accepting it first.
    case = refer_case(case=case, actor=org.officer_b, to_unit=org.college_b, reason="للعمادة")
    assert case.state == State.REFERRED and case.unit == org.college_b
    first, second = Referral.objects.order_by("referred_at", "id")
    assert first.status == ReferralStatus.PASSED_ON
    assert second.status == ReferralStatus.PENDING and second.from_unit == org.dept_b
    case = referrals.return_referral(case=case, actor=org.office_manager, reason="ليست للعمادة")
    # Back to whoever referred it last.
    assert case.unit == org.dept_b


def test_a_case_referred_before_referrals_were_recorded_can_still_be_decided(org, case_a):
    case = referred_to_b(org, case_a)
    Referral.objects.all().delete()
    case = referrals.return_referral(case=case, actor=org.officer_b, reason="ليست لنا")
    assert case.unit == org.dept_a
    assert Referral.objects.get().status == ReferralStatus.RETURNED


def test_the_office_cannot_return_its_own_new_cases(org):
    case = make_case(org, unit=org.office)
    with pytest.raises(ValidationError):
        referrals.return_referral(case=case, actor=org.office_manager, reason="لا")
    assert Action.RETURN_REFERRAL not in StaffAccess(org.office_manager).case_actions(case)


def test_only_the_receiving_unit_is_offered_accept_and_return(org, case_a):
    case = referred_to_b(org, case_a)
    actions = StaffAccess(org.officer_b).case_actions(case)
    assert {Action.ACCEPT_REFERRAL, Action.RETURN_REFERRAL} <= actions
    assert not StaffAccess(org.officer_a).case_actions(case)
    # The office sees every case and may refer it on, but is not the receiving unit.
    actions = StaffAccess(org.office_manager).case_actions(case)
    assert Action.ACCEPT_REFERRAL not in actions and Action.REFER in actions
    from mithaq.accounts.models import Role
    from mithaq.accounts.services import add_membership
    from mithaq.testing import make_user

    office_officer = make_user("office_officer", "موظف المكتب")
    add_membership(user=office_officer, unit=org.office, role=Role.OFFICER)
    actions = StaffAccess(office_officer).case_actions(case)
    assert Action.ACCEPT_REFERRAL not in actions and Action.REFER in actions
    # Not offered once accepted (the transition table says so).
    referrals.accept_referral(case=case, actor=org.officer_b)


# --- When a return leaves the office's list ------------------------------------------------


def returned_to_office(org, **fields):
    """A new case a rule sent to surgery, which returned it to the office."""
    RoutingRule.objects.create(name="رسوم", unit=org.dept_b, words="رسوم")
    case = make_case(org, subject="الرسوم الدراسية", **fields)
    return referrals.return_referral(case=case, actor=org.officer_b, reason="ليست لنا")


DEALING_WITH_IT = {
    "assigned within the office": lambda org, case: assign_case(
        case=case, actor=org.office_manager, assignee=org.office_manager
    ),
    "asked the citizen": lambda org, case: request_information(
        case=case, actor=org.office_manager, question="أرسل صورة الوصل"
    ),
    "answered": lambda org, case: reply_to_citizen(
        case=case, actor=org.office_manager, body="تمت معالجة طلبك"
    ),
    "decided": lambda org, case: decide_case(
        case=case, actor=org.office_manager, decision=Decision.ACCEPTED, reasons="الطلب مستوفٍ"
    ),
    "resolved": lambda org, case: resolve_case(
        case=case, actor=org.office_manager, summary="أُعيدت الرسوم"
    ),
    "closed": lambda org, case: close_case(
        case=case, actor=org.office_manager, closure_code=ClosureCode.ANSWERED
    ),
    "merged": lambda org, case: merge_cases(
        case=case, survivor=make_case(org, unit=org.office), actor=org.office_manager
    ),
}


@pytest.mark.parametrize("dealing", DEALING_WITH_IT)
def test_a_return_the_office_deals_with_itself_leaves_the_list(org, dealing):
    case = returned_to_office(org)
    assert len(referrals.open_returns()) == 1
    DEALING_WITH_IT[dealing](org, case)
    assert list(referrals.open_returns()) == []


def test_a_note_or_an_opinion_asked_keeps_the_return_on_the_list(org):
    case = returned_to_office(org)
    add_note(case=case, actor=org.office_manager, body="ننتظر رأي الحسابات")
    consultations.ask_units(
        case=case, actor=org.office_manager, units=[org.dept_a], question="لمن تعود الرسوم؟"
    )
    assert [r.case for r in referrals.open_returns()] == [case]


def test_a_settled_return_stays_off_the_list_when_the_case_is_reopened(org):
    case = returned_to_office(org)
    case = close_case(case=case, actor=org.office_manager, closure_code=ClosureCode.ANSWERED)
    reopen_case(case=case, actor=org.office_manager, reason="تظلم المواطن")
    assert list(referrals.open_returns()) == []


def test_what_happened_before_the_return_does_not_count_even_at_the_same_moment(org):
    now = timezone.now()
    rules.set_assignment_mode(unit=org.dept_a, mode=AssignmentMode.ROUND_ROBIN)
    case = make_case(org, now=now)  # assigned on submission, at `now`
    case = refer_case(case=case, actor=org.officer_a, to_unit=org.dept_b, reason="للجراحة", now=now)
    case = referrals.return_referral(case=case, actor=org.officer_b, reason="ليست لنا", now=now)
    assert len(referrals.open_returns()) == 1
    # With a frozen clock, what follows the return is told apart by its order.
    assign_case(case=case, actor=org.officer_a, assignee=org.officer_a, now=now)
    assert list(referrals.open_returns()) == []


def test_only_the_latest_return_of_a_case_is_listed(org, case_a):
    case = referrals.return_referral(
        case=referred_to_b(org, case_a), actor=org.officer_b, reason="ليست لنا"
    )
    case = refer_case(case=case, actor=org.officer_a, to_unit=org.dept_b, reason="راجعوها ثانية")
    case = referrals.return_referral(case=case, actor=org.officer_b, reason="ليست لنا حقاً")
    [listed] = referrals.open_returns()
    assert listed.return_reason == "ليست لنا حقاً"
