"""The workbench's pages through HTTP: rules, assignment modes, triage, returns, the case
panel, the portal's "I don't know" choice, and their query budgets."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from mithaq.cases.models import Case
from mithaq.cases.services import refer_case, referrals
from mithaq.cases.states import Kind, State
from mithaq.cases.tests.test_portal import complaint_data, submit_url
from mithaq.routing.models import AssignmentMode, RoutingRule, UnitAssignment
from mithaq.testing import make_case


def rule_data(org, **overrides):
    data = {
        "name": "الرسوم إلى الجراحة",
        "is_active": "on",
        "service": "",
        "kind": "",
        "channel": "",
        "citizen_group": "",
        "words": "رسوم\nأقساط",
        "unit": org.dept_b.pk,
        "default_officer": "",
    }
    data.update(overrides)
    return data


# --- Rules ----------------------------------------------------------------------------------


def test_the_office_manager_creates_a_rule_and_tries_it(org, login):
    client = login(org.office_manager)
    response = client.post(reverse("routes:rule_new"), rule_data(org))
    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    assert rule.word_list() == ["رسوم", "أقساط"]
    page = client.get(
        reverse("routes:rules"),
        {
            "try": "1",
            "subject": "الاقساط",
            "kind": "complaint",
            "channel": "web",
            "citizen_group": "community",
        },
    )  # noqa: E501
    html = page.content.decode()
    assert "الرسوم إلى الجراحة" in html and "قسم الجراحة" in html
    assert page.context["hit"].pk == rule.pk
    miss = client.get(
        reverse("routes:rules"),
        {
            "try": "1",
            "subject": "شيء آخر",
            "kind": "complaint",
            "channel": "web",
            "citizen_group": "community",
        },
    )  # noqa: E501
    assert miss.context["hit"] is None and miss.context["fallback"] == org.office


def test_an_invalid_rule_comes_back_with_its_errors_and_saves_nothing(org, login):
    client = login(org.office_manager)
    response = client.post(
        reverse("routes:rule_new"), rule_data(org, default_officer=org.officer_a.pk)
    )
    assert response.status_code == 400
    assert "default_officer" in response.context["form"].errors
    response = client.post(reverse("routes:rule_new"), rule_data(org, words=""))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not RoutingRule.objects.exists()


def test_edit_move_switch_off_and_delete(org, login):
    client = login(org.office_manager)
    client.post(reverse("routes:rule_new"), rule_data(org, name="أولى"))
    client.post(reverse("routes:rule_new"), rule_data(org, name="ثانية", words="كشف"))
    first, second = RoutingRule.objects.all()
    client.post(reverse("routes:rule_move", args=[second.pk, "up"]))
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["ثانية", "أولى"]
    client.post(reverse("routes:rule_edit", args=[first.pk]), rule_data(org, name="معدلة"))
    first.refresh_from_db()
    assert first.name == "معدلة"
    client.post(reverse("routes:rule_toggle", args=[first.pk]))
    first.refresh_from_db()
    assert not first.is_active
    client.post(reverse("routes:rule_delete", args=[second.pk]))
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["معدلة"]
    assert client.post(reverse("routes:rule_move", args=[first.pk, "sideways"])).status_code == 404


def test_officers_cannot_reach_the_rules(org, login):
    assert login(org.officer_a).get(reverse("routes:rules")).status_code == 404
    assert (
        login(org.manager_college_a).post(reverse("routes:rule_new"), rule_data(org)).status_code
        == 404
    )  # noqa: E501
    assert not RoutingRule.objects.exists()


# --- Assignment modes -----------------------------------------------------------------------


def test_a_unit_manager_sets_the_mode_of_units_under_them_only(org, login):
    client = login(org.manager_college_a)
    page = client.get(reverse("routes:assignment"))
    units = [row["unit"] for row in page.context["rows"]]
    assert org.dept_a in units and org.dept_b not in units
    response = client.post(
        reverse("routes:assignment"),
        {"unit": org.dept_a.pk, f"u{org.dept_a.pk}-mode": "round_robin"},
    )
    assert response.status_code == 302
    assert UnitAssignment.objects.get(unit=org.dept_a).mode == AssignmentMode.ROUND_ROBIN
    response = client.post(
        reverse("routes:assignment"),
        {"unit": org.dept_b.pk, f"u{org.dept_b.pk}-mode": "round_robin"},
    )
    assert response.status_code == 404
    bad = client.post(
        reverse("routes:assignment"), {"unit": org.dept_a.pk, f"u{org.dept_a.pk}-mode": "dice"}
    )  # noqa: E501
    assert bad.status_code == 400
    assert UnitAssignment.objects.get(unit=org.dept_a).mode == AssignmentMode.ROUND_ROBIN


# --- Triage and returns ---------------------------------------------------------------------


def test_triage_lists_the_offices_new_unassigned_cases_and_routes_them(org, login):
    triaged = make_case(org, unit=org.office, subject="لا أعرف الجهة")
    elsewhere = make_case(org, subject="لقسم أ")
    client = login(org.office_manager)
    page = client.get(reverse("routes:triage"))
    assert list(page.context["cases"]) == [triaged]
    assert elsewhere.code not in page.content.decode()
    response = client.post(
        reverse("routes:route", args=[triaged.code]), {"to_unit": org.dept_b.pk, "back": "triage"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("routes:triage")
    triaged.refresh_from_db()
    assert (triaged.unit, triaged.state) == (org.dept_b, State.REFERRED)
    assert triaged.events.get(kind="referred").body
    assert list(client.get(reverse("routes:triage")).context["cases"]) == []


def test_routing_without_a_unit_changes_nothing(org, login):
    case = make_case(org, unit=org.office)
    response = login(org.office_manager).post(reverse("routes:route", args=[case.code]), {})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.unit == org.office and case.state == State.RECEIVED


def test_returns_list_newest_first_until_routed_again(org, login):
    first = make_case(org, subject="الأولى")
    second = make_case(org, subject="الثانية")
    for case in (first, second):
        case = refer_case(case=case, actor=org.officer_a, to_unit=org.dept_b, reason="للجراحة")
        referrals.return_referral(case=case, actor=org.officer_b, reason="ليست لنا")
    client = login(org.office_manager)
    page = client.get(reverse("routes:returns"))
    assert [r.case for r in page.context["rows"]] == [second, first]
    assert "ليست لنا" in page.content.decode()
    client.post(
        reverse("routes:route", args=[second.code]), {"to_unit": org.dept_a2.pk, "back": "returns"}
    )
    assert [r.case for r in client.get(reverse("routes:returns")).context["rows"]] == [first]


def test_return_through_the_page_needs_a_reason(org, case_a, login):
    case = refer_case(case=case_a, actor=org.officer_a, to_unit=org.dept_b, reason="للجراحة")
    client = login(org.officer_b)
    url = reverse("cases:act", args=[case.code, "return_referral"])
    response = client.post(url, {"return_referral-reason": ""})
    assert response.status_code == 400
    assert "return_referral-reason" in response.content.decode()
    case.refresh_from_db()
    assert case.unit == org.dept_b
    response = client.post(url, {"return_referral-reason": "ليست من اختصاصنا"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.unit == org.dept_a


def test_accept_through_the_page(org, case_a, login):
    refer_case(case=case_a, actor=org.officer_a, to_unit=org.dept_b, reason="للجراحة")
    client = login(org.officer_b)
    html = client.get(reverse("cases:detail", args=[case_a.code])).content.decode()
    assert 'id="action-accept_referral"' in html and 'id="action-return_referral"' in html
    response = client.post(reverse("cases:act", args=[case_a.code, "accept_referral"]))
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.state == State.UNDER_REVIEW


def test_the_case_panel_tells_a_pending_referral(org, case_a, login):
    refer_case(case=case_a, actor=org.officer_a, to_unit=org.dept_b, reason="للجراحة")
    client = login(org.officer_b)
    html = client.get(reverse("routes:case_panel", args=[case_a.code])).content.decode()
    assert "referral-pending" in html
    assert (
        login(org.officer_a2).get(reverse("routes:case_panel", args=[case_a.code])).status_code
        == 404
    )  # noqa: E501


def test_the_case_page_loads_the_panel_lazily(org, case_a, login, django_assert_max_num_queries):
    client = login(org.officer_a)
    url = reverse("cases:detail", args=[case_a.code])
    client.get(url)
    html = client.get(url).content.decode()
    assert reverse("routes:case_panel", args=[case_a.code]) in html
    with django_assert_max_num_queries(12):
        client.get(url)
    with django_assert_max_num_queries(8):
        client.get(reverse("routes:case_panel", args=[case_a.code]))


def test_queue_pages_stay_within_their_query_budget(org, login, django_assert_max_num_queries):
    for i in range(5):
        make_case(org, unit=org.office, subject=f"قضية {i}")
    client = login(org.office_manager)
    client.get(reverse("routes:triage"))
    with django_assert_max_num_queries(8):
        client.get(reverse("routes:triage"))
    with django_assert_max_num_queries(8):
        client.get(reverse("routes:returns"))
    with django_assert_max_num_queries(8):
        client.get(reverse("routes:rules"))


# --- The portal ------------------------------------------------------------------------------


def test_the_portal_offers_i_dont_know_first(client, org):
    form = client.get(submit_url()).context["form"]
    value, label = list(form.fields["unit"].choices)[0]
    # Arabic once the lead compiles locale/ar/pending/routing.txt.
    assert value == ""
    assert str(label) == gettext("I don't know — the citizens' affairs office will direct it")


def test_a_citizen_who_does_not_know_the_unit_reaches_the_triage_queue(client, org):
    response = client.post(submit_url(), complaint_data(org, unit="", service=""))
    assert response.status_code == 302
    assert Case.objects.get().unit == org.office


def test_a_citizen_who_names_only_a_service_reaches_its_unit(client, org):
    client.post(submit_url(), complaint_data(org, unit="", service=org.service_b.pk))
    assert Case.objects.get().unit == org.dept_b


def test_a_routed_web_submission_stays_within_the_statement_budget(client, org):
    """A citizen who does not know the unit, routed by a rule, with the rules cached: the
    rule costs no query, its ROUTED event one INSERT."""
    RoutingRule.objects.create(name="الكشوف", unit=org.dept_b, words="كشف")
    client.get(submit_url())
    client.post(submit_url(), complaint_data(org, unit="", service="", token=str(uuid.uuid4())))
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            submit_url(), complaint_data(org, unit="", service="", token=str(uuid.uuid4()))
        )
    assert response.status_code == 302
    assert Case.objects.filter(unit=org.dept_b, kind=Kind.COMPLAINT).count() == 2
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert not [s for s in statements if "routing_routingrule" in s or "unitassignment" in s]
    assert len(statements) <= 12, statements


# --- The new case actions, persona by persona ------------------------------------------------

# A case of unit A referred to surgery (B), whose opinion electrical engineering (A2) is
# asked. Empty forms: allowed people get the form back (400), or, for accepting, which needs
# nothing, the referral is accepted (302); everyone else 404.
ACTION_MATRIX = {
    "accept_referral": {"officer_b": 302},
    "return_referral": {"officer_b": 400},
    "consult": {"officer_b": 400, "office_manager": 400},
    "give_opinion": {"officer_a2": 400, "manager_college_a": 400},
}
ACTION_PERSONAS = [
    "officer_a",
    "officer_a2",
    "officer_b",
    "reception",
    "office_manager",
    "auditor",
    "manager_college_a",
]


@pytest.mark.parametrize("persona", ACTION_PERSONAS)
@pytest.mark.parametrize("action", sorted(ACTION_MATRIX))
def test_who_may_take_the_workbench_actions(org, client, persona, action):
    from mithaq.cases.services import consultations

    case = make_case(org)
    refer_case(case=case, actor=org.officer_a, to_unit=org.dept_b, reason="للجراحة")
    consultations.ask_units(case=case, actor=org.officer_b, units=[org.dept_a2], question="؟")
    client.force_login(getattr(org, persona))
    response = client.post(reverse("cases:act", args=[case.code, action]))
    assert response.status_code == ACTION_MATRIX[action].get(persona, 404), persona
