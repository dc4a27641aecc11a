"""The registry's pages, reception's lookup, the case page's panel and the merge through
HTTP, the portal of a merged case."""

import pytest
from django.urls import reverse

from mithaq.cases import services as case_services
from mithaq.cases.services import duplicates
from mithaq.cases.states import ClosureCode, EventKind, State
from mithaq.citizens import services
from mithaq.citizens.models import CaseLink
from mithaq.testing import make_case

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def lookup(client, q):
    return client.post(
        reverse("citizens:find"), {"q": q}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="citizen-lookup"
    )


def test_reception_finds_a_person_by_phone_in_arabic_indic_digits(org, login):
    case = make_case(org, citizen_national_id="19901234567")
    client = login(org.reception)
    for typed in ("٠٧٧٠١٢٣٤٥٦٧", "07701234567", "+964 770 123 4567", "١٩٩٠١٢٣٤٥٦٧"):
        response = lookup(client, typed)
        body = response.content.decode()
        assert response.status_code == 200, typed
        assert "<html" not in body
        assert "أحمد محمود" in body and case.code in body, typed
        assert "data-fill-citizen" in body


def test_the_registry_finds_by_name_on_its_page(org, login):
    make_case(org)
    response = login(org.officer_a).post(reverse("citizens:find"), {"q": "محمود"}, follow=True)
    assert response.status_code == 200
    assert "أحمد محمود" in response.content.decode()


def test_a_person_with_cases_only_elsewhere_is_not_found(org, login):
    make_case(org, unit=org.dept_b)
    response = lookup(login(org.officer_a), "07701234567")
    assert "أحمد محمود" not in response.content.decode()


def test_earlier_cases_listed_are_only_those_the_viewer_may_see(org, login):
    mine = make_case(org)
    elsewhere = make_case(org, unit=org.dept_b, subject="في وحدة أخرى")
    response = login(org.officer_a).get(reverse("citizens:detail", args=[mine.citizen_id]))
    body = response.content.decode()
    assert mine.code in body and elsewhere.code not in body


def test_a_confidential_citizen_is_not_revealed_through_the_registry(org, login):
    case = make_case(org, identity_confidential=True, citizen_phone="+9647807777777")
    # Reception sees every case but not a confidential identity; neither does officer A.
    for person in (org.reception, org.officer_a):
        client = login(person)
        assert client.get(reverse("citizens:detail", args=[case.citizen_id])).status_code == 404
        assert "أحمد محمود" not in lookup(client, "07807777777").content.decode()
    # The office manager may know it.
    client = login(org.office_manager)
    assert client.get(reverse("citizens:detail", args=[case.citizen_id])).status_code == 200


def test_a_confidential_case_is_not_listed_on_the_persons_page(org, login):
    open_case = make_case(org)
    secret = make_case(org, identity_confidential=True, subject="سري")
    body = (
        login(org.officer_a)
        .get(reverse("citizens:detail", args=[open_case.citizen_id]))
        .content.decode()
    )
    assert open_case.code in body and secret.code not in body


def test_mark_verified_and_preferences_through_the_page(org, login):
    case = make_case(org)
    client = login(org.reception)
    url = reverse("citizens:verify", args=[case.citizen_id])
    assert client.post(url).status_code == 302
    case.citizen.refresh_from_db()
    assert case.citizen.verified_by == org.reception
    page = client.get(reverse("citizens:detail", args=[case.citizen_id])).content.decode()
    assert "سارة الاستقبال" in page
    response = client.post(
        reverse("citizens:preferences", args=[case.citizen_id]),
        {"allow_email": "on", "preferred_channel": "sms", "language": "ar"},
    )
    assert response.status_code == 400  # SMS is not allowed
    response = client.post(
        reverse("citizens:preferences", args=[case.citizen_id]),
        {"allow_sms": "on", "preferred_channel": "sms", "language": "en"},
    )
    assert response.status_code == 302
    case.citizen.refresh_from_db()
    assert case.citizen.preferred_channel == "sms" and case.citizen.language == "en"


def test_the_auditor_reads_the_registry_but_does_not_write(org, login):
    case = make_case(org)
    client = login(org.auditor)
    page = client.get(reverse("citizens:detail", args=[case.citizen_id]))
    assert page.status_code == 200
    assert reverse("citizens:verify", args=[case.citizen_id]) not in page.content.decode()
    assert client.post(reverse("citizens:verify", args=[case.citizen_id])).status_code == 404


def test_the_duplicates_panel_offers_merge_and_link(org, login):
    case = make_case(org)
    dup = make_case(org, citizen_phone="+9647809876543")
    response = login(org.officer_a).get(reverse("citizens:duplicates", args=[case.code]), **HX)
    body = response.content.decode()
    assert dup.code in body
    assert reverse("cases:act", args=[case.code, "merge"]) in body
    assert reverse("cases:act", args=[dup.code, "merge"]) in body
    assert reverse("cases:act", args=[case.code, "link"]) in body
    # The auditor sees the suggestion but no buttons.
    body = login(org.auditor).get(reverse("citizens:duplicates", args=[case.code]), **HX)
    body = body.content.decode()
    assert dup.code in body and "merge-survivor" not in body


def test_merge_through_the_case_action(org, login):
    survivor = make_case(org)
    dup = make_case(org, citizen_phone="+9647809876543")
    client = login(org.officer_a)
    response = client.post(
        reverse("cases:act", args=[dup.code, "merge"]), {"merge-survivor": survivor.code.lower()}
    )
    assert response.status_code == 302
    dup.refresh_from_db()
    assert dup.merged_into == survivor and dup.closure_code == ClosureCode.DUPLICATE
    page = client.get(reverse("cases:detail", args=[dup.code])).content.decode()
    assert 'id="merged-banner"' in page and survivor.code in page
    page = client.get(reverse("cases:detail", args=[survivor.code])).content.decode()
    assert 'id="related-cases"' in page and dup.code in page


def test_merge_into_a_case_out_of_reach_is_a_form_error(org, login):
    dup = make_case(org)
    elsewhere = make_case(org, unit=org.dept_b)
    response = login(org.officer_a).post(
        reverse("cases:act", args=[dup.code, "merge"]), {"merge-survivor": elsewhere.code}
    )
    assert response.status_code == 400
    dup.refresh_from_db()
    assert dup.state == State.RECEIVED


def test_merge_into_a_closed_case_says_why(org, login):
    survivor = make_case(org)
    dup = make_case(org, citizen_phone="+9647809876543")
    case_services.close_case(case=survivor, actor=org.office_manager, closure_code="answered")
    response = login(org.officer_a).post(
        reverse("cases:act", args=[dup.code, "merge"]), {"merge-survivor": survivor.code}
    )
    assert response.status_code == 400
    assert "reopen" in response.content.decode().lower() or "أعد فتح" in response.content.decode()


def test_link_and_unlink_through_http(org, login):
    case = make_case(org)
    other = make_case(org, citizen_phone="+9647809876543")
    client = login(org.officer_a)
    response = client.post(
        reverse("cases:act", args=[case.code, "link"]), {"link-other": other.code}
    )
    assert response.status_code == 302
    assert CaseLink.objects.count() == 1
    for code in (case.code, other.code):
        page = client.get(reverse("cases:detail", args=[code])).content.decode()
        assert 'id="related-cases"' in page
    assert client.post(reverse("citizens:unlink", args=[other.code, case.code])).status_code == 302
    assert not CaseLink.objects.exists()
    assert other.events.filter(kind=EventKind.UNLINKED).exists()


def test_case_page_stays_within_budget_with_relations(org, login, django_assert_max_num_queries):
    case = make_case(org)
    dup = make_case(org, citizen_phone="+9647809876543")
    linked = make_case(org, citizen_phone="+9647801111111")
    duplicates.merge_cases(case=dup, survivor=case, actor=org.officer_a)
    duplicates.link_cases(case=case, other=linked, actor=org.officer_a)
    case_services.add_note(case=case, actor=org.officer_a, body="ملاحظة")
    client = login(org.office_manager)
    client.get(reverse("accounts:security"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("cases:detail", args=[case.code])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("cases:detail", args=[dup.code])).status_code == 200


def submission_statements(client, org, **changes) -> list[str]:
    import uuid

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mithaq.cases.tests.test_portal import complaint_data, submit_url

    data = complaint_data(org, token=str(uuid.uuid4())) | changes
    with CaptureQueriesContext(connection) as queries:
        response = client.post(submit_url(), data)
    assert response.status_code == 302
    return [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_the_registry_costs_a_known_person_one_statement(client, org):
    from mithaq.cases.tests.test_portal import submit_url

    client.get(submit_url())
    submission_statements(client, org)  # warms the message templates' cache
    statements = submission_statements(client, org)
    assert len([s for s in statements if "citizens_citizen" in s]) == 1
    assert len(statements) <= 12, statements


def test_the_registry_costs_a_new_person_two_statements(client, org):
    from mithaq.cases.tests.test_portal import submit_url

    client.get(submit_url())
    submission_statements(client, org)
    statements = submission_statements(
        client, org, citizen_phone="07809998888", citizen_national_id="20011234567"
    )
    assert len([s for s in statements if "citizens_citizen" in s]) == 2
    assert len(statements) <= 12, statements


def test_the_merged_case_on_the_portal_shows_the_survivor_without_its_citizen(
    client, org, django_assert_max_num_queries
):
    survivor = make_case(org)
    dup = make_case(org, citizen_name="سعاد كريم", citizen_phone="+9647809876543")
    duplicates.merge_cases(case=dup, survivor=survivor, actor=org.officer_a)
    case_services.reply_to_citizen(case=survivor, actor=org.officer_a, body="سيصدر الكشف غداً")
    response = client.post(reverse("portal:track"), {"code": dup.code, "contact": "07809876543"})
    assert response.status_code == 302
    with django_assert_max_num_queries(12):
        response = client.get(reverse("portal:track_case", args=[dup.code]))
    body = response.content.decode()
    assert 'id="merged"' in body
    assert "سيصدر الكشف غداً" in body
    assert "أحمد محمود" not in body and "7701234567" not in body


def test_staff_verification_keeps_later_submissions_out(org):
    case = make_case(org)
    services.mark_verified(citizen=case.citizen, actor=org.reception)
    make_case(org, citizen_name="غيره")
    case.citizen.refresh_from_db()
    assert case.citizen.name == "أحمد محمود"


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("أحمد محمود", "احمد"),
        ("فاطمة علي", "فاطمه"),
        ("مصطفى كريم", "مصطفي"),
        ("إسراء حسن", "اسراء"),
        ("عائشة يوسف", "عاءشه"),
        ("نُور الهُدى", "نور الهدى"),
        ("Zainab Ali", "zainab"),
    ],
)
def test_the_registry_follows_the_inboxs_spelling_rules(org, login, stored, typed):
    """Before, "احمد" missed "أحمد" and "فاطمه" missed "فاطمة" (the name matched as typed)."""
    case = make_case(org, citizen_name=stored)
    body = lookup(login(org.reception), typed).content.decode()
    assert case.code in body, typed
