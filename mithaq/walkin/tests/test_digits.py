"""One digit style per institution (settings.MITHAQ_DIGITS) on the hall's TV display and its
desks: Western by default, Arabic-Indic where the institution writes them, on Arabic pages."""

import json
import re

import pytest
from django.urls import reverse

from mithaq.walkin import services
from mithaq.walkin.testing import make_hall

pytestmark = pytest.mark.django_db


def _display_config(client, hall) -> dict:
    body = client.get(reverse("walkin:display", args=[hall.code])).content.decode()
    found = re.search(
        r'<script id="display-config" type="application/json">(.*?)</script>', body, re.S
    )
    assert found
    return json.loads(found.group(1))


@pytest.mark.parametrize("setting", ["western", "arabic-indic"])
def test_the_display_and_the_desk_write_the_same_digits(org, login, client, settings, setting):
    settings.MITHAQ_DIGITS = setting
    world = make_hall(org)
    for _ in range(2):
        services.issue_ticket(hall=world.hall, hall_service=world.transcripts)
    assert _display_config(client, world.hall)["digits"] == setting
    officer = login(org.officer_a)
    officer.cookies["django_language"] = "ar"
    desk = officer.get(reverse("walkin:counter", args=[world.hall.code, 3])).content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", desk).group(1)
    if setting == "western":
        assert heading.endswith(" 3") and "٣" not in heading
    else:
        assert heading.endswith(" ٣")
    officer.cookies["django_language"] = "en"
    english = officer.get(reverse("walkin:counter", args=[world.hall.code, 3])).content.decode()
    assert "<h1>Window 3</h1>" in english  # English pages keep 0-9 whatever the setting
