"""Routing at submission: the rules in order, the fall-backs, and assignment within a unit."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from mithaq.accounts.models import Membership, Role
from mithaq.accounts.services import add_membership, memberships_changed, save_unit
from mithaq.cases.models import Case, CaseEvent
from mithaq.cases.services import submit_case
from mithaq.cases.services.assignment import pick_assignee
from mithaq.cases.states import Channel, CitizenGroup, EventKind, Kind, State
from mithaq.cases.tests.test_search_query import spelling_of
from mithaq.routing import rules
from mithaq.routing.models import AssignmentMode, RoutingRule
from mithaq.testing import make_user


def rule(org, name, unit, position, **conditions):
    return RoutingRule.objects.create(name=name, unit=unit, position=position, **conditions)


def web_case(org, **overrides):
    fields = {
        "kind": Kind.COMPLAINT,
        "channel": Channel.WEB,
        "subject": "سؤال عام",
        "body": "نص الطلب",
        "citizen_name": "أحمد محمود",
        "citizen_phone": "+9647701234567",
    }
    fields.update(overrides)
    return submit_case(**fields)


# --- Order ----------------------------------------------------------------------------------


def test_first_matching_rule_wins(org):
    rule(org, "الرسوم إلى الجراحة", org.dept_b, 0, words="رسوم")
    rule(org, "الشكاوى إلى الكهربائية", org.dept_a2, 1, kind=Kind.COMPLAINT)
    case = web_case(org, subject="اعتراض على الرسوم الدراسية")
    assert case.unit == org.dept_b
    other = web_case(org, subject="تأخر الكشف")
    assert other.unit == org.dept_a2


def test_an_inactive_rule_is_skipped(org):
    rule(org, "معطلة", org.dept_b, 0, words="رسوم", is_active=False)
    rule(org, "تالية", org.dept_a2, 1, words="رسوم")
    assert web_case(org, subject="الرسوم").unit == org.dept_a2


@pytest.mark.parametrize(
    "typed",
    ["أقساط الدراسة", "اقساط الدراسه", "إقساط الدراسة", "أقْسَاط الدِّراسة", "أقســاط الدراسة"],
)
def test_words_match_whatever_the_spelling(org, typed):
    rule(org, "الأقساط", org.dept_b, 0, words="اقساط الدراسة")
    assert web_case(org, body=f"عندي مشكلة في {typed} هذا العام").unit == org.dept_b


def test_a_word_matches_with_its_prefixes_but_not_inside_another_word(org):
    rule(org, "رسوم", org.dept_b, 0, words="رسوم")
    assert web_case(org, body="اعتراض بالرسوم").unit == org.dept_b
    assert web_case(org, body="صدر مرسوم جديد").unit == org.office


def test_every_condition_set_must_hold(org):
    rule(
        org,
        "طلبة الدراسات العليا عبر الهاتف",
        org.dept_b,
        0,
        channel=Channel.PHONE,
        citizen_group=CitizenGroup.POSTGRADUATE,
        service=org.service_a,
    )
    web = web_case(org, service=org.service_a, citizen_group=CitizenGroup.POSTGRADUATE)
    assert web.unit == org.dept_a  # a web case: the service's unit
    phoned = web_case(
        org,
        service=org.service_a,
        citizen_group=CitizenGroup.POSTGRADUATE,
        channel=Channel.PHONE,
        received_by=org.reception,
    )
    assert phoned.unit == org.dept_b


def test_a_rule_records_a_routed_event_naming_it_internally(org):
    rule(org, "قاعدة الرسوم", org.dept_b, 0, words="رسوم")
    case = web_case(org, subject="الرسوم")
    routed = case.events.get(kind=EventKind.ROUTED)
    assert routed.body == "قاعدة الرسوم"
    assert routed.is_public is False
    assert routed.to_unit == org.dept_b
    assert case.state == State.RECEIVED


def test_a_rule_without_kind_leaves_requests_to_the_president_alone(org):
    rule(org, "كل شيء فيه رسوم", org.dept_b, 0, words="رسوم")
    case = web_case(org, kind=Kind.PRESIDENT_REQUEST, unit=org.college_a, subject="رسوم")
    assert case.unit == org.college_a


# --- Fall-backs -----------------------------------------------------------------------------


def test_no_rule_and_a_service_goes_to_the_services_unit(org):
    assert web_case(org, service=org.service_b).unit == org.dept_b


def test_no_rule_and_a_unit_goes_to_that_unit(org):
    assert web_case(org, unit=org.dept_a2).unit == org.dept_a2


def test_no_rule_no_unit_no_service_lands_in_the_triage_queue(org):
    case = web_case(org)
    assert case.unit == org.office and case.state == State.RECEIVED
    assert case.assignee is None
    assert not case.events.filter(kind=EventKind.ROUTED).exists()


def test_a_service_of_another_unit_than_the_one_chosen_is_still_refused(org):
    with pytest.raises(ValidationError):
        web_case(org, unit=org.dept_a, service=org.service_b)
    assert not Case.objects.exists()


def test_a_rule_whose_unit_stopped_taking_cases_is_passed_over(org):
    rule(org, "إلى الجراحة", org.dept_b, 0, words="رسوم")
    org.dept_b.accepts_cases = False
    org.dept_b.save()
    rules.invalidate()
    assert web_case(org, subject="الرسوم", unit=org.dept_a).unit == org.dept_a


# --- The rule's officer and the unit's assignment mode --------------------------------------


def test_the_rules_default_officer_gets_the_case(org):
    rule(org, "إلى مريم", org.dept_b, 0, words="رسوم", default_officer=org.officer_b)
    case = web_case(org, subject="الرسوم")
    assert case.assignee == org.officer_b
    assigned = case.events.get(kind=EventKind.ASSIGNED)
    assert assigned.assignee == org.officer_b and assigned.actor is None


def test_the_rules_officer_wins_over_the_units_mode(org):
    second = _second_officer(org, org.dept_b)
    rules.set_assignment_mode(unit=org.dept_b, mode=AssignmentMode.ROUND_ROBIN)
    rule(org, "إلى مريم", org.dept_b, 0, words="رسوم", default_officer=second)
    assert web_case(org, subject="الرسوم").assignee == second


def _second_officer(org, unit, username="officer_b2"):
    user = make_user(username, "زهراء الجراحة")
    add_membership(user=user, unit=unit, role=Role.OFFICER)
    return user


def test_manual_units_leave_new_cases_unassigned(org):
    assert web_case(org, unit=org.dept_b).assignee is None


def test_round_robin_gives_each_officer_a_case_in_turn(org):
    second = _second_officer(org, org.dept_b)
    rules.set_assignment_mode(unit=org.dept_b, mode=AssignmentMode.ROUND_ROBIN)
    got = [web_case(org, unit=org.dept_b).assignee for _ in range(4)]
    assert got == [org.officer_b, second, org.officer_b, second]


def test_least_loaded_gives_the_case_to_the_officer_with_fewest_open_cases(org):
    second = _second_officer(org, org.dept_b)
    rules.set_assignment_mode(unit=org.dept_b, mode=AssignmentMode.LEAST_LOADED)
    # officer_b already holds two open cases, the second officer none.
    for _ in range(2):
        Case.objects.filter(pk=web_case(org, unit=org.dept_b).pk).update(assignee=org.officer_b)
    Case.objects.filter(assignee__isnull=True).update(assignee=org.officer_b)
    assert web_case(org, unit=org.dept_b).assignee == second
    closed = Case.objects.filter(assignee=org.officer_b)
    closed.update(state=State.CLOSED)
    # Closed cases weigh nothing: now officer_b has none open and the earlier account wins.
    assert pick_assignee(org.dept_b) == org.officer_b


def test_a_unit_with_nobody_of_its_own_stays_unassigned(org):
    rules.set_assignment_mode(unit=org.dept_a2, mode=AssignmentMode.ROUND_ROBIN)
    Membership.objects.filter(unit=org.dept_a2).delete()
    assert web_case(org, unit=org.dept_a2).assignee is None


# --- The office's edits ---------------------------------------------------------------------


def test_a_rule_needs_a_condition(org):
    with pytest.raises(ValidationError) as bad:
        rules.save_rule(rule=RoutingRule(name="كل شيء", unit=org.dept_b))
    assert "__all__" in bad.value.error_dict
    assert not RoutingRule.objects.exists()


def test_the_default_officer_must_work_in_the_unit(org):
    with pytest.raises(ValidationError) as bad:
        rules.save_rule(
            rule=RoutingRule(
                name="خطأ", unit=org.dept_b, words="رسوم", default_officer=org.officer_a
            )
        )
    assert "default_officer" in bad.value.error_dict
    assert not RoutingRule.objects.exists()


def test_a_rule_cannot_send_to_a_unit_that_takes_no_cases(org):
    with pytest.raises(ValidationError) as bad:
        rules.save_rule(rule=RoutingRule(name="الجذر", unit=org.root, words="رسوم"))
    assert "unit" in bad.value.error_dict


def test_new_rules_go_last_and_move_up_and_down(org):
    a = rules.save_rule(rule=RoutingRule(name="أ", unit=org.dept_b, words="ا"))
    b = rules.save_rule(rule=RoutingRule(name="ب", unit=org.dept_b, words="ب"))
    c = rules.save_rule(rule=RoutingRule(name="ج", unit=org.dept_b, words="ج"))
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["أ", "ب", "ج"]
    rules.move_rule(rule=c, up=True)
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["أ", "ج", "ب"]
    rules.move_rule(rule=a, up=False)
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["ج", "أ", "ب"]
    rules.move_rule(rule=c, up=True)  # already first: nothing moves
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["ج", "أ", "ب"]
    rules.delete_rule(rule=a)
    assert list(RoutingRule.objects.values_list("position", flat=True)) == [0, 1]
    assert b.pk in RoutingRule.objects.values_list("pk", flat=True)


def test_a_change_drops_the_cached_rules(org):
    web_case(org)  # warms the cache with no rules
    r = rules.save_rule(rule=RoutingRule(name="رسوم", unit=org.dept_b, words="رسوم"))
    assert web_case(org, subject="الرسوم").unit == org.dept_b
    rules.set_rule_active(rule=r, active=False)
    assert web_case(org, subject="الرسوم").unit == org.office


def test_warm_rules_cost_no_query(org, django_assert_num_queries):
    rule(org, "رسوم", org.dept_b, 0, words="رسوم")
    rules.config()
    with django_assert_num_queries(0):
        hit = rules.first_match(
            kind=Kind.COMPLAINT,
            channel=Channel.WEB,
            service_id=None,
            citizen_group=CitizenGroup.COMMUNITY,
            subject="الرسوم",
            body="",
        )
        assert hit.unit == org.dept_b
        assert rules.citizens_office() == org.office
        assert rules.mode_of(org.dept_b.pk) == AssignmentMode.MANUAL


def test_reception_registers_without_a_unit_and_the_case_is_triaged(org):
    case = submit_case(
        kind=Kind.INQUIRY,
        channel=Channel.PHONE,
        subject="استفسار",
        body="متى يبدأ التسجيل؟",
        citizen_name="حسن",
        citizen_phone="+9647701234567",
        received_by=org.reception,
    )
    assert case.unit == org.office
    assert CaseEvent.objects.filter(case=case).count() == 1


# --- The cache follows the units and the people in them -------------------------------------


def _stale_copy_cached_before_the_commit(stale):
    """A process that reads the rules before this transaction commits keeps what it saw,
    under the version of that moment: only moving the version once committed keeps that from
    lasting an hour."""
    rules._COPY.invalidate_local()
    rules._COPY._load, load = (lambda: stale), rules._COPY._load
    try:
        assert rules.config() is stale
    finally:
        rules._COPY._load = load


@pytest.mark.parametrize("change", ["accepts_cases", "is_active"])
def test_a_unit_that_stops_taking_cases_drops_the_cached_rules(
    org, change, django_capture_on_commit_callbacks
):
    rule(org, "إلى الجراحة", org.dept_b, 0, words="رسوم")
    assert web_case(org, subject="الرسوم").unit == org.dept_b  # and the rules are cached
    stale = rules.config()
    with django_capture_on_commit_callbacks(execute=True):
        setattr(org.dept_b, change, False)
        save_unit(unit=org.dept_b)
        _stale_copy_cached_before_the_commit(stale)
    assert web_case(org, subject="الرسوم", unit=org.dept_a).unit == org.dept_a


def test_the_office_is_read_again_when_it_changes(org, django_capture_on_commit_callbacks):
    assert rules.citizens_office() == org.office
    stale = rules.config()
    with django_capture_on_commit_callbacks(execute=True):
        org.office.is_active = False
        save_unit(unit=org.office)
        _stale_copy_cached_before_the_commit(stale)
    assert rules.citizens_office() is None
    with pytest.raises(ValidationError):
        web_case(org)  # no unit, no service, and no office to triage it


@pytest.mark.parametrize("change", ["leaves", "joins"])
def test_a_membership_change_drops_the_cached_rules(
    org, change, django_capture_on_commit_callbacks
):
    stale = rules.config()
    with django_capture_on_commit_callbacks(execute=True):
        if change == "leaves":
            Membership.objects.filter(user=org.officer_b, unit=org.dept_b).delete()
            memberships_changed()
        else:
            _second_officer(org, org.dept_b)
        _stale_copy_cached_before_the_commit(stale)
    assert rules._COPY.peek() is None
    assert rules.config() is not stale


# --- The rule's officer, checked at submission ----------------------------------------------


def test_a_rules_officer_who_left_the_unit_gives_way_to_the_units_mode(org):
    second = _second_officer(org, org.dept_b)
    rules.set_assignment_mode(unit=org.dept_b, mode=AssignmentMode.ROUND_ROBIN)
    rule(org, "إلى زهراء", org.dept_b, 0, words="رسوم", default_officer=second)
    assert web_case(org, subject="الرسوم").assignee == second
    Membership.objects.filter(user=second, unit=org.dept_b).delete()
    memberships_changed()
    case = web_case(org, subject="الرسوم")
    assert case.unit == org.dept_b and case.assignee == org.officer_b
    assert case.events.get(kind=EventKind.ASSIGNED).assignee == org.officer_b


def test_a_rules_officer_whose_account_is_switched_off_is_not_given_the_case(org):
    rule(org, "إلى مريم", org.dept_b, 0, words="رسوم", default_officer=org.officer_b)
    org.officer_b.is_active = False
    org.officer_b.save()
    case = web_case(org, subject="الرسوم")
    # A unit assigned by hand: nobody yet, and no ASSIGNED event.
    assert case.unit == org.dept_b and case.assignee is None
    assert not case.events.filter(kind=EventKind.ASSIGNED).exists()


def test_a_rules_officer_moved_to_a_role_that_takes_no_cases_is_not_given_the_case(org):
    rule(org, "إلى مريم", org.dept_b, 0, words="رسوم", default_officer=org.officer_b)
    Membership.objects.filter(user=org.officer_b).update(role=Role.RECEPTION)
    memberships_changed()  # a bulk update sends no signal
    assert web_case(org, subject="الرسوم").assignee is None


# --- Words as search reads them -------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule_words", "typed"),
    [
        ("مسؤول", "مسئول"),
        ("مسئول", "مسؤول"),
        ("شؤون الطلبة", "شئون الطلبة"),
        ("المسؤولية", "مسئولية"),
    ],
)
def test_hamza_seats_match_either_way_as_search_reads_them(org, rule_words, typed):
    rule(org, "الهمزة", org.dept_b, 0, words=rule_words)
    assert web_case(org, body=f"لم يرد علي {typed} التسجيل").unit == org.dept_b


@pytest.mark.parametrize("typed", ["رسوم", "الرسوم", "بالرسوم", "والرسوم", "ورسوم", "للرسوم"])
def test_a_rule_word_written_with_its_article_matches_the_word_without_it(org, typed):
    rule(org, "الرسوم", org.dept_b, 0, words="الرسوم")
    assert web_case(org, body=f"اعتراض على {typed} الدراسية").unit == org.dept_b


def test_a_rule_word_with_its_article_still_does_not_match_inside_another_word(org):
    rule(org, "الرسوم", org.dept_b, 0, words="الرسوم")
    assert web_case(org, body="صدر مرسوم جديد").unit == org.office


def test_a_phrase_matches_with_or_without_the_articles_of_its_words(org):
    rule(org, "الأقساط", org.dept_b, 0, words="الأقساط الدراسية")
    assert web_case(org, body="مشكلة في أقساط دراسية متأخرة").unit == org.dept_b
    assert web_case(org, body="مشكلة في أقساط متأخرة").unit == org.office


RULE_WORDS = ["الرسوم", "مسؤول", "شؤون الطلبة", "الأستاذة", "مصطفى"]


def _compiled(word: str) -> rules.CompiledRule:
    return rules.CompiledRule(
        pk=1,
        name=word,
        service_id=None,
        kind="",
        channel="",
        citizen_group="",
        words=(rules.words_of(word),),
        unit=None,
        default_officer_id=None,
    )


@given(
    st.sampled_from(RULE_WORDS).flatmap(lambda word: st.tuples(st.just(word), spelling_of(word)))
)
def test_a_rule_matches_every_spelling_of_its_word_that_search_folds_together(pair):
    word, variant = pair
    text = rules.normalised_text("", f"بخصوص {variant} في الكلية")
    assert _compiled(word).matches(
        kind=Kind.COMPLAINT,
        channel=Channel.WEB,
        service_id=None,
        citizen_group=CitizenGroup.COMMUNITY,
        text=text,
    ), (word, variant, text)
