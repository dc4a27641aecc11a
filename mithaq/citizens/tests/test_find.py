"""Finding a person by phone or national ID never puts them in a URL: reception's lookup
posts and gets its fragment; the registry's page posts and shows the results at `?s=<key>`."""

import pytest
from django.test import Client
from django.urls import reverse

from mithaq.search.testing import leaks, urls_in
from mithaq.testing import make_case

pytestmark = pytest.mark.django_db

FIND = reverse("citizens:find")
PHONE_PARTS = ("7701234567", "٠٧٧٠", "19901234567", "١٩٩٠")


def test_reception_lookup_answers_the_post_with_no_phone_in_any_url(org, login):
    case = make_case(org, citizen_national_id="19901234567")
    client = login(org.reception)
    for typed in ("٠٧٧٠١٢٣٤٥٦٧", "١٩٩٠١٢٣٤٥٦٧"):
        response = client.post(
            FIND, {"q": typed}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="citizen-lookup"
        )
        body = response.content.decode()
        assert response.status_code == 200 and "<html" not in body
        assert case.code in body and "data-fill-citizen" in body
        assert not leaks(response, *PHONE_PARTS), leaks(response, *PHONE_PARTS)


def test_the_new_case_page_posts_its_lookup(org, login):
    body = login(org.reception).get(reverse("cases:new")).content.decode()
    assert f'hx-post="{FIND}"' in body and f'hx-get="{FIND}' not in body


def test_the_registry_page_redirects_to_a_key_and_shows_the_people(org, login):
    case = make_case(org, citizen_national_id="19901234567")
    client = login(org.officer_a)
    posted = client.post(FIND, {"q": "٠٧٧٠١٢٣٤٥٦٧"})
    assert posted.status_code == 303 and posted["Location"].startswith(FIND + "?s=")
    assert not leaks(posted, *PHONE_PARTS)
    page = client.get(posted["Location"])
    body = page.content.decode()
    assert "أحمد محمود" in body and case.code in body
    assert reverse("citizens:detail", args=[case.citizen_id]) in urls_in(page)
    assert not leaks(page, *PHONE_PARTS), leaks(page, *PHONE_PARTS)


def test_an_empty_lookup_is_refused_next_to_the_field(org, login):
    client = login(org.officer_a)
    response = client.post(FIND, {"q": ""})
    assert response.status_code == 400 and "errorlist" in response.content.decode()


def test_an_old_link_with_the_phone_is_sent_on_without_it(org, login):
    make_case(org)
    anonymous = Client().get(FIND, {"q": "07701234567"})
    assert anonymous.status_code == 303 and anonymous["Location"] == FIND
    response = login(org.reception).get(FIND, {"q": "07701234567"})
    assert response.status_code == 303 and response["Location"] == FIND


def test_an_unknown_key_shows_the_empty_search_and_says_so(org, login):
    make_case(org)
    body = login(org.reception).get(FIND, {"s": "AbCdEfGh12"}).content.decode()
    assert "search-lost" in body and "أحمد محمود" not in body
