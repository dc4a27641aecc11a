"""Headers on every page: no personal page may be kept by a cache (issue 19, finding 2); a
strict Content-Security-Policy, HSTS and a Permissions-Policy under the production settings
(finding 1)."""

import functools
import json

import pytest
from django.urls import reverse

from tests.access_personas import LOGIN
from tests.test_access_matrix import full_matrix, world  # noqa: F401

# A whole-site check: with PostgreSQL present it runs in that pass only (Makefile).
pytestmark = pytest.mark.site


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


# Issue 19, finding 1: a Content-Security-Policy, HSTS and a Permissions-Policy on every route
# under the production settings.
PROD_ENV = {
    "SECRET_KEY": "a-production-key-long-and-random-enough-for-the-deploy-check-0123456789abc",
    "REDIS_URL": "redis://127.0.0.1:6379/3",
    "ALLOWED_HOSTS": "mithaq.example.org",
    "MITHAQ_FIELD_KEYS": "cHJvZHVjdGlvbi1saWtlLWtleS1mb3ItdGhlLXRzdCE=",
    "MITHAQ_SEARCH_KEYS": "a-production-like-search-key-for-the-test",
}
PRODUCTION_SECURITY = """
import json
import django
django.setup()
from django.conf import settings
names = [n for n in dir(settings) if n.startswith(("SECURE_", "SESSION_COOKIE", "CSRF_COOKIE"))]
names += ["CONTENT_SECURITY_POLICY", "PERMISSIONS_POLICY", "MIDDLEWARE"]
print(json.dumps({n: getattr(settings, n) for n in names}))
"""


def _prod(code: str):
    """Runs `code` in a process of its own under the production settings, as deployed: without
    the test run's DJANGO_ALLOW_ASYNC_UNSAFE (the deploy check warns of it)."""
    from tests.test_settings import _python

    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
        return _python(code, "config.settings.prod", **PROD_ENV)


@functools.cache
def _production_security() -> dict:
    """The production settings' security values, as config.settings.prod computes them."""
    done = _prod(PRODUCTION_SECURITY)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_deploy_check_passes_with_the_production_settings():
    """`manage.py check --deploy --fail-level WARNING` with the README's production settings."""
    done = _prod(
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])"
    )
    assert done.returncode == 0, done.stderr + done.stdout


# What the policy must say, written here by hand (not read from the settings).
STRICT_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {part[0]: (part[1] if len(part) > 1 else "") for part in parts}


def test_every_route_under_the_production_settings_carries_csp_hsts_and_permissions(
    client,
    world,  # noqa: F811
    settings,
):
    production = _production_security()
    for name, value in production.items():
        if name != "MIDDLEWARE":
            setattr(settings, name, tuple(value) if name == "SECURE_PROXY_SSL_HEADER" else value)
    assert production["MIDDLEWARE"] == settings.MIDDLEWARE
    checked = set()
    for url_name, (method, args, expected) in sorted(full_matrix().items()):
        persona = next(
            (p for p, status in expected.items() if status not in (404, LOGIN)), "anonymous"
        )
        client.logout()
        if persona != "anonymous":
            client.force_login(getattr(world["org"], persona))
        response = getattr(client, method)(reverse(url_name, args=args(world)), secure=True)
        policy = _directives(response.get("Content-Security-Policy", ""))
        for directive, value in STRICT_CSP.items():
            # A fetch directive left out falls back on default-src; 'none' is stricter still
            # (a case file's own policy: mithaq/cases/views/__init__.py).
            said = policy.get(directive) or policy.get("default-src", "")
            assert said in (value, "'none'"), (url_name, directive, policy)
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], url_name
        assert "'unsafe-eval'" not in response["Content-Security-Policy"], url_name
        assert "max-age=31536000" in response.get("Strict-Transport-Security", ""), url_name
        assert "camera=()" in response.get("Permissions-Policy", ""), url_name
        checked.add(url_name)
    assert checked == set(full_matrix())


def test_plain_http_is_sent_to_https_under_the_production_settings(client, db, settings):
    production = _production_security()
    settings.SECURE_SSL_REDIRECT = production["SECURE_SSL_REDIRECT"]
    response = client.get("/track/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/track/"
