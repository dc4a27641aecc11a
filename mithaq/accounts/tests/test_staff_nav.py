"""The staff navigation, rendered once per language, rights and page (staff_nav_links)."""

import re

import pytest
from django.urls import reverse

from mithaq.testing import PERSONAS


def _links(html):
    nav = html.split('<nav class="topnav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="([^"]+)"( aria-current="page")?>', nav)


def test_each_person_gets_the_links_of_their_own_rights(org, client):
    inbox = reverse("cases:inbox")
    client.force_login(org.office_manager)
    manager = _links(client.get(inbox).content.decode())
    client.force_login(org.officer_a)  # the same page after, from the same process
    officer = _links(client.get(inbox).content.decode())
    rules = reverse("routes:rules")
    assert (rules, "") in manager and rules not in [href for href, _ in officer]
    assert (reverse("routes:consultations"), "") in officer
    assert (inbox, ' aria-current="page"') in manager and (inbox, ' aria-current="page"') in officer


def test_the_current_page_is_marked_and_the_language_followed(org, client):
    client.force_login(org.office_manager)
    html = client.get(reverse("routes:rules")).content.decode()
    assert (reverse("routes:rules"), ' aria-current="page"') in _links(html)
    assert (reverse("cases:inbox"), "") in _links(html)
    assert "قواعد التوجيه" in html
    client.cookies["django_language"] = "en"
    html = client.get(reverse("routes:rules")).content.decode()
    assert ">Routing rules</a>" in html and "قواعد التوجيه" not in html.split("</nav>")[0]


# Every link of the navigation opens for the person it is shown to, and the configuration's
# links are shown to exactly those who keep it (office managers and administrators).
@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "nobody"])
def test_every_link_shown_opens_and_the_configuration_links_follow_the_right(org, client, persona):
    client.force_login(getattr(org, persona))
    home = client.get(reverse("cases:inbox"), follow=True)
    assert home.status_code == 200
    links = [href for href, _current in _links(home.content.decode())]
    for href in links:
        if href.startswith(reverse("admin:index")):
            continue  # Django's admin: its own gate (is_staff), tested in test_two_factor
        assert client.get(href).status_code == 200, (persona, href)
    keeps = persona in {"office_manager", "administrator", "admin"}
    assert (reverse("routes:rules") in links) is keeps
    assert (reverse("routing:calendar") in links) is keeps
