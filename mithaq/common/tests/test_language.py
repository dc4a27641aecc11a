"""The page's language: Arabic on a first visit whatever the browser asks for (or the
institution's chosen default), the visitor's choice from the switch after that, kept for a
year; the switch offers the four languages; French and Spanish read left to right."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HTML_TAG = re.compile(r'<html lang="(?P<lang>[a-z-]+)" dir="(?P<dir>rtl|ltr)">')


def lang_and_dir(response) -> tuple[str, str]:
    tag = HTML_TAG.search(response.content.decode())
    assert tag
    return tag["lang"], tag["dir"]


@pytest.mark.parametrize("asked", ["en-US,en;q=0.9", "fr-FR,fr;q=0.8", "es", ""])
def test_a_first_visit_is_in_arabic_whatever_the_browser_asks(client, org, asked):
    response = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE=asked)
    assert lang_and_dir(response) == ("ar", "rtl")
    assert response["Content-Language"] == "ar"
    assert "Cookie" in response["Vary"]


def test_the_institution_may_pick_another_default(client, org, settings):
    settings.LANGUAGE_CODE = "fr"
    response = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="ar")
    assert lang_and_dir(response) == ("fr", "ltr")
    assert "Portail des citoyens" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "direction", "words"),
    [
        ("fr", "ltr", "Suivre votre dossier"),
        ("es", "ltr", "Consultar su expediente"),
        ("en", "ltr", "Track your case"),
        ("ar", "rtl", "متابعة معاملتك"),
    ],
)
def test_the_choice_sticks_for_a_year(client, org, language, direction, words):
    response = client.post(
        reverse("set_language"), {"language": language, "next": reverse("portal:home")}
    )
    assert response.status_code == 302
    assert response.cookies["django_language"]["max-age"] == 365 * 24 * 3600
    page = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="de")
    assert lang_and_dir(page) == (language, direction)
    assert words in page.content.decode()


def test_an_unknown_language_in_the_cookie_falls_back_to_the_default(client, org):
    client.cookies["django_language"] = "de"
    assert lang_and_dir(client.get(reverse("portal:home"))) == ("ar", "rtl")


def test_the_switch_offers_the_four_languages(client, org):
    html = client.get(reverse("portal:home")).content.decode()
    switch = html[html.index('class="lang-switch"') :]
    switch = switch[: switch.index("</form>")]
    offered = re.findall(r'name="language" value="(\w+)"', switch)
    assert sorted(offered) == ["en", "es", "fr"]  # and Arabic, the page's own, is marked
    assert 'lang="ar" aria-current="true">العربيّة<' in switch
    for name in ("English", "français", "español"):
        assert f">{name}</button>" in switch
