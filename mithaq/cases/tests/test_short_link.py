"""The SMS's short link to a case (decision 0002, shortened): it opens the case only after the
last four digits of the case's phone, shows nothing before, and is limited per address and
per link; forged and expired links get a clear page. The Arabic referral text needs no
agreement with the unit's gender."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from mithaq.common import links
from mithaq.notifications.defaults import FOLDER
from mithaq.notifications.models import Message
from mithaq.testing import make_case


@pytest.fixture(autouse=True)
def _fresh(client):
    cache.clear()
    client.cookies["django_language"] = "en"
    yield
    cache.clear()


def short_path(case) -> str:
    sms = Message.objects.get(case=case, event_key="received", channel="sms")
    found = re.search(r"/c/[A-Za-z0-9._-]+/", sms.body)
    assert found, sms.body
    return found.group(0)


def test_the_received_sms_carries_the_case_link_and_the_right_digits_open_it(client, org):
    case = make_case(org, citizen_phone="+9647701234567")
    path = short_path(case)
    page = client.get(path)
    assert page.status_code == 200
    assert case.code not in page.content.decode() and case.subject not in page.content.decode()
    opened = client.post(path, {"digits": "4567"})
    assert opened.status_code == 302
    assert opened["Location"] == reverse("portal:track_case", args=[case.code])
    assert client.get(opened["Location"]).status_code == 200
    # The session remembers it: the link opens the case at once now.
    assert client.get(path)["Location"] == reverse("portal:track_case", args=[case.code])


def test_arabic_indic_digits_are_read(client, org):
    case = make_case(org, citizen_phone="+9647701234567")
    assert client.post(short_path(case), {"digits": "٤٥٦٧"}).status_code == 302


def test_wrong_digits_open_nothing(client, org):
    case = make_case(org, citizen_phone="+9647701234567")
    page = client.post(short_path(case), {"digits": "1234"})
    assert page.status_code == 400
    assert "These are not the last four digits" in page.content.decode()
    tracked = client.get(reverse("portal:track_case", args=[case.code]))
    assert tracked.status_code == 302  # back to the tracking form


def test_a_link_allows_few_attempts(client, org, settings):
    settings.MITHAQ_CASE_LINK_ATTEMPTS = 3
    case = make_case(org, citizen_phone="+9647701234567")
    path = short_path(case)
    for _ in range(3):
        assert client.post(path, {"digits": "0000"}).status_code == 400
    assert client.post(path, {"digits": "4567"}).status_code == 429


def test_a_forged_link_gets_a_clear_404(client, org):
    case = make_case(org)
    token = links.make_token("case", case.pk)
    other = links.make_token("case", case.pk + 1).split(".")[0]
    page = client.get(reverse("portal:open", args=[other + token[token.index(".") :]]))
    assert page.status_code == 404
    assert "This link is not valid" in page.content.decode()


def test_an_expired_link_sends_to_the_tracking_form(client, org, settings):
    settings.MITHAQ_CASE_LINK_DAYS = 30
    case = make_case(org)
    old = links.make_token("case", case.pk, now=timezone.now() - datetime.timedelta(days=31))
    page = client.get(reverse("portal:open", args=[old]))
    assert page.status_code == 410
    assert "This link has expired" in page.content.decode()


def test_a_survey_link_does_not_open_a_case(client, org):
    case = make_case(org)
    token = links.make_token("survey-case", case.pk)
    assert client.get(reverse("portal:open", args=[token])).status_code == 404


def test_the_arabic_referral_needs_no_agreement_with_the_units_gender():
    # "{unit} المختصة" was wrong for a قسم (masculine); the texts now name the unit alone.
    for path in (FOLDER / "referred" / "ar").glob("*.txt"):
        assert not re.search(r"\{unit\}\s+المختص", path.read_text(encoding="utf-8")), path
