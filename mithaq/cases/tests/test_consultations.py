"""Consultation without transfer: the consulted unit sees that case, and only that case,
until it answers; the answer joins the timeline as an internal note."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mithaq.accounts.access import StaffAccess
from mithaq.cases.access import cases_visible_to
from mithaq.cases.models import CaseEvent
from mithaq.cases.services import consultations
from mithaq.cases.states import Action, EventKind
from mithaq.routing.models import Consultation
from mithaq.testing import make_case


def ask_b(org, case, *units, question="هل الطالب مسجل لديكم؟"):
    return consultations.ask_units(
        case=case, actor=org.officer_a, units=units or [org.dept_b], question=question
    )


def test_asking_records_one_consultation_and_one_internal_event_per_unit(org, case_a):
    made = ask_b(org, case_a, org.dept_b, org.dept_a2)
    assert {c.unit for c in made} == {org.dept_b, org.dept_a2}
    events = case_a.events.filter(kind=EventKind.CONSULTATION_REQUESTED)
    assert {e.to_unit for e in events} == {org.dept_b, org.dept_a2}
    assert all(not e.is_public and e.body == "هل الطالب مسجل لديكم؟" for e in events)
    case_a.refresh_from_db()
    assert case_a.unit == org.dept_a  # no transfer


def test_the_consulted_unit_sees_that_case_only_until_it_answers(org, case_a):
    other = make_case(org, subject="قضية أخرى لقسم أ")
    ask_b(org, case_a)
    access = StaffAccess(org.officer_b)
    assert access.may_see_case(case_a)
    assert not access.may_see_case(other)
    assert set(cases_visible_to(org.officer_b)) == {case_a}
    # One action only: giving the opinion.
    assert access.case_actions(case_a) == {Action.GIVE_OPINION}

    consultations.answer(case=case_a, actor=org.officer_b, opinion=" نعم، مسجل منذ ٢٠٢٤ ")
    after = StaffAccess(org.officer_b)
    assert not after.may_see_case(case_a)
    assert list(cases_visible_to(org.officer_b)) == []
    event = case_a.events.get(kind=EventKind.CONSULTATION_ANSWERED)
    assert event.body == "نعم، مسجل منذ ٢٠٢٤" and event.is_public is False
    assert event.from_unit == org.dept_b and event.actor == org.officer_b
    consultation = Consultation.objects.get()
    assert consultation.answered_by == org.officer_b and not consultation.is_open


def test_another_unit_still_gets_404_on_the_page(org, case_a, login):
    ask_b(org, case_a)
    url = reverse("cases:detail", args=[case_a.code])
    assert login(org.officer_a2).get(url).status_code == 404
    assert login(org.officer_b).get(url).status_code == 200


def test_the_consulted_officer_can_take_no_other_action(org, case_a, login):
    ask_b(org, case_a)
    client = login(org.officer_b)
    for action in ("note", "reply", "refer", "assign", "acknowledge", "consult"):
        url = reverse("cases:act", args=[case_a.code, action])
        assert client.post(url, {f"{action}-body": "x"}).status_code == 404, action
    html = client.get(reverse("cases:detail", args=[case_a.code])).content.decode()
    assert 'id="action-give_opinion"' in html and 'id="action-note"' not in html


def test_answering_through_the_page_ends_the_view(org, case_a, login):
    ask_b(org, case_a)
    client = login(org.officer_b)
    url = reverse("cases:act", args=[case_a.code, "give_opinion"])
    response = client.post(url, {"give_opinion-opinion": "لا مانع لدينا"})
    assert response.status_code == 302 and response["Location"] == reverse("cases:inbox")
    assert client.get(reverse("cases:detail", args=[case_a.code])).status_code == 404


def test_an_empty_opinion_is_refused_and_writes_nothing(org, case_a, login):
    ask_b(org, case_a)
    before = CaseEvent.objects.count()
    with pytest.raises(ValidationError):
        consultations.answer(case=case_a, actor=org.officer_b, opinion=" ")
    response = login(org.officer_b).post(
        reverse("cases:act", args=[case_a.code, "give_opinion"]), {"give_opinion-opinion": ""}
    )
    assert response.status_code == 400
    assert CaseEvent.objects.count() == before
    assert Consultation.objects.get().is_open


def test_asking_needs_a_question_and_a_unit_other_than_the_cases(org, case_a):
    with pytest.raises(ValidationError):
        ask_b(org, case_a, question="")
    with pytest.raises(ValidationError):
        consultations.ask_units(case=case_a, actor=org.officer_a, units=[], question="؟")
    with pytest.raises(ValidationError):
        ask_b(org, case_a, org.dept_a)
    assert not Consultation.objects.exists()


def test_a_unit_is_not_asked_twice_while_its_answer_is_awaited(org, case_a):
    ask_b(org, case_a)
    with pytest.raises(ValidationError):
        ask_b(org, case_a, org.dept_a2, org.dept_b)
    assert Consultation.objects.count() == 1


def test_consult_through_the_page_with_several_units(org, case_a, login):
    client = login(org.officer_a)
    response = client.post(
        reverse("cases:act", args=[case_a.code, "consult"]),
        {"consult-units": [org.dept_b.pk, org.dept_a2.pk], "consult-question": "رأيكم؟"},
    )
    assert response.status_code == 302
    assert Consultation.objects.filter(case=case_a).count() == 2
    panel = client.get(reverse("routes:case_panel", args=[case_a.code])).content.decode()
    assert "رأيكم؟" in panel and "قسم الجراحة" in panel


def test_the_unit_manager_above_a_consulted_unit_sees_it_too(org):
    case = make_case(org, unit=org.dept_b)
    consultations.ask_units(case=case, actor=org.officer_b, units=[org.dept_a2], question="رأيكم؟")
    assert StaffAccess(org.manager_college_a).may_see_case(case)
    assert Action.GIVE_OPINION in StaffAccess(org.manager_college_a).case_actions(case)


def test_the_list_of_opinions_asked_of_my_unit(org, case_a, login):
    ask_b(org, case_a)
    html = login(org.officer_b).get(reverse("routes:consultations")).content.decode()
    assert case_a.code in html and "هل الطالب مسجل لديكم؟" in html
    html = login(org.officer_a2).get(reverse("routes:consultations")).content.decode()
    assert case_a.code not in html


def test_visibility_costs_one_query_per_request(org, case_a, django_assert_num_queries):
    ask_b(org, case_a)
    access = StaffAccess(org.officer_b)
    access.grants  # noqa: B018 - loaded first: one query of its own
    with django_assert_num_queries(1):
        access.may_see_case(case_a)
        access.case_actions(case_a)
        access.case_filter()
