"""Headers on every page: no personal page may be kept by a cache (issue 19, finding 2)."""

import pytest
from django.urls import reverse

from tests.access_personas import LOGIN
from tests.test_access_matrix import full_matrix, world  # noqa: F401


def test_every_staff_and_personal_response_says_no_store(client, world):  # noqa: F811
    checked = 0
    for url_name, (method, args, expected) in sorted(full_matrix().items()):
        for persona, status in expected.items():
            if status in (404, LOGIN):
                continue
            client.logout()
            if persona != "anonymous":
                client.force_login(getattr(world["org"], persona))
            response = getattr(client, method)(reverse(url_name, args=args(world)))
            if (
                persona == "anonymous"
                and not response.cookies
                and "Cookie" not in response.get("Vary", "")
            ):
                continue  # a public page, the same for everyone
            assert "no-store" in response.get("Cache-Control", ""), (url_name, persona)
            checked += 1
            break
    assert checked > 50


@pytest.mark.parametrize(
    "path", ["/track/", "/staff/login/", "/staff/audit/confidential-reads/", "/staff/"]
)
def test_tracking_and_sign_in_pages_say_no_store(client, world, path):  # noqa: F811
    client.force_login(world["org"].auditor)
    response = client.get(path, follow=False)
    assert "no-store" in response["Cache-Control"]


def test_every_page_refuses_the_browser_features_it_never_uses(client, db):
    response = client.get(reverse("portal:home"))
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy
