"""The hall display page: public, one <h1>, Arabic first, English where the screen asks."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from mithaq.walkin.tests.test_display_live import make_hall


@pytest.fixture
def hall(org):
    return make_hall(org)


def config_of(response) -> dict:
    match = re.search(
        r'<script id="display-config" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


def test_anyone_sees_the_display_in_arabic_with_one_h1(client, hall):
    response = client.get(reverse("walkin:display", args=["main"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in body
    assert len(re.findall(r"<h1[\s>]", body)) == 1
    assert "القاعة الرئيسية" in body
    config = config_of(response)
    assert config["stream"] == reverse("walkin:display_stream", args=["main"])
    assert config["languages"] == ["ar"]
    assert config["spoken"] == ["ar"]
    assert set(config["clips"]) == {"ar"}
    assert config["state"]["hall"]["code"] == "main"


def test_a_screen_set_to_english_shows_and_says_both(client, hall):
    response = client.get(reverse("walkin:display", args=["main"]) + "?english=1")
    config = config_of(response)
    assert config["languages"] == ["ar", "en"]
    assert config["spoken"] == ["ar", "en"]
    assert "Main hall" in response.content.decode()


def test_display_in_english(client, hall):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("walkin:display", args=["main"]))
    assert '<html lang="en" dir="ltr">' in response.content.decode()
    # The call is said in Arabic whatever the page's language.
    assert config_of(response)["spoken"] == ["ar"]


def test_display_serves_its_own_script_sound_and_font(client, hall):
    body = client.get(reverse("walkin:display", args=["main"])).content.decode()
    assert "walkin/display.js" in body and "walkin/display.css" in body
    # The Arabic font is the display's own, named by its stylesheet (no inline style: CSP).
    css = Path(finders.find("walkin/display.css")).read_text()
    assert 'url("../fonts/NotoSansArabic' in css
    assert "http" not in css
    assert "http://" not in body.replace("http://www.w3.org", "")
    assert "https://" not in body


def test_unknown_or_closed_hall_is_404(client, hall):
    assert client.get(reverse("walkin:display", args=["nowhere"])).status_code == 404
    hall.is_active = False
    hall.save()
    assert client.get(reverse("walkin:display", args=["main"])).status_code == 404
