"""Search on the inbox page itself, as each persona uses it."""

import pytest
from django.db import connection
from django.urls import reverse

from mithaq.cases import services
from mithaq.cases.states import ExternalSystem
from mithaq.testing import make_case


def inbox(client, **params):
    """The inbox as its filter bar gets it: the filter posted, then the page it redirects to."""
    return client.post(reverse("cases:inbox"), params, follow=True)


def searched_url(client, **params) -> str:
    """The address (`?s=<key>...`) the inbox redirects a posted search to."""
    response = client.post(reverse("cases:inbox"), params)
    assert response.status_code == 303
    return response["Location"]


@pytest.fixture
def cases(org):
    mine = make_case(
        org,
        subject="تأخر توقيع الأستاذة",
        citizen_name="زينب عبد الرحمن",
        citizen_phone="+9647701234567",
    )
    theirs = make_case(
        org, unit=org.dept_b, subject="الأستاذة غائبة", citizen_phone="+9647809998888"
    )
    return mine, theirs


def test_inbox_search_by_variant_spelling_and_phone(org, login, cases):
    mine, theirs = cases
    client = login(org.officer_a)
    page = inbox(client, q="الاستاذه").content.decode()
    assert mine.code in page and theirs.code not in page
    page = inbox(client, q="٠٧٧٠ ١٢٣ ٤٥٦٧").content.decode()
    assert mine.code in page
    assert 'value="٠٧٧٠ ١٢٣ ٤٥٦٧"' in page  # the box keeps what was typed


def test_other_unit_finds_nothing_of_unit_a(org, login, cases):
    mine, _theirs = cases
    client = login(org.officer_b)
    for q in ("توقيع", "07701234567", mine.code):
        # (The search box repeats what was typed: look at the rows.)
        assert f"<bdi>{mine.code}</bdi>" not in inbox(client, q=q).content.decode()


def test_search_combines_with_the_other_filters(org, login, cases):
    mine, _theirs = cases
    client = login(org.office_manager)
    assert mine.code in inbox(client, q="الأستاذة", state="received").content.decode()
    assert mine.code not in inbox(client, q="الأستاذة", state="closed").content.decode()


def test_htmx_search_returns_the_results_with_the_tools(org, login, cases):
    mine, _theirs = cases
    client = login(org.officer_a)
    response = client.post(
        reverse("cases:inbox"),
        {"q": "توقيع"},
        follow=True,
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="inbox-results",
    )
    body = response.content.decode()
    assert "<h1" not in body and mine.code in body
    assert 'name="bulk-cases"' in body and 'form="bulk-form"' in body
    assert reverse("search:export", args=["csv"]) + "?s=" in body


def test_inbox_search_stays_within_its_query_budget(
    org, login, cases, django_assert_max_num_queries
):
    client = login(org.officer_a)
    words, phone = searched_url(client, q="الاستاذه"), searched_url(client, q="07701234567")
    client.get(words)  # fills per-process caches
    # The page at the search's address: the key is resolved from the session already read.
    with django_assert_max_num_queries(12):
        client.get(words)
    with django_assert_max_num_queries(12):
        client.get(phone)


def test_auditor_sees_no_selection_boxes(org, login, cases):
    body = inbox(login(org.auditor), q="الأستاذة").content.decode()
    assert 'form="bulk-form"' not in body and "search:export" not in body
    assert reverse("search:export", args=["csv"]) in body


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram similarity")
def test_a_misspelled_name_falls_back_to_similar_names(org, login, cases):
    mine, _theirs = cases
    page = inbox(login(org.officer_a), q="زينت").content.decode()
    assert mine.code in page
    assert "search-note" in page  # saying that these are only alike


def test_the_letter_number_and_the_external_reference_are_searchable(org, login):
    """Before, neither was in the search document: reception's letter number and the
    reference given by the government's complaints system found nothing."""
    letter = make_case(org, subject="كتاب رسمي", letter_number="٤٥٧/ق")
    other = make_case(org, subject="أخرى")
    services.close_case(
        case=other,
        actor=org.office_manager,
        closure_code="answered",
        external_system=ExternalSystem.EG_UNIFIED,
        external_reference="SHK-2026-0091",
    )
    client = login(org.office_manager)
    page = inbox(client, q="457/ق", state="").content.decode()
    assert letter.code in page and other.code not in page
    page = inbox(client, q="SHK-2026-0091", state="").content.decode()
    assert other.code in page and letter.code not in page
