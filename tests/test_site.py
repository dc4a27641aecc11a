"""Site-wide invariants: every page answers with one <h1>, shows no emoji as an icon and
carries lang and dir, in Arabic, English, French and Spanish; no migration is pending."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.test_access_matrix import full_matrix, world  # noqa: F401

# A whole-site check: with PostgreSQL present it runs in that pass only (Makefile).
pytestmark = pytest.mark.site

H1 = re.compile(r"<h1[\s>]")
HTML_TAG = re.compile(r'<html lang="(?P<lang>[a-z-]+)" dir="(?P<dir>rtl|ltr)">')
# Pictographs that show as an empty box without an emoji font (the attachment clip 📎, ♿):
# icons are drawn as inline SVG instead.
EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")  # with the dingbats (✓, ✔, ✉)
# One date style per language (6 ديسمبر 2026, 6 December 2026): no 06/12/2026 or 2026-12-06
# in what a person reads (attributes such as <time datetime> are machine-readable and kept).
NUMERIC_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{4}-\d{2}-\d{2}\b")
TAG = re.compile(r"<[^>]*>|<script.*?</script>|<style.*?</style>", re.S)


def html_pages():
    for name, (method, args, expected) in sorted(full_matrix().items()):
        if method != "get":
            continue
        persona = next((p for p, status in expected.items() if status == 200), None)
        if persona is not None:
            yield name, args, persona


@pytest.mark.parametrize(
    ("language", "direction"), [("ar", "rtl"), ("en", "ltr"), ("fr", "ltr"), ("es", "ltr")]
)
def test_every_page_has_one_h1_and_lang_and_dir(client, world, language, direction):  # noqa: F811
    checked = 0
    for name, args, persona in html_pages():
        client.logout()
        if persona != "anonymous":
            client.force_login(getattr(world["org"], persona))
        # logout() drops every cookie, the language's too.
        client.cookies["django_language"] = language
        response = client.get(reverse(name, args=args(world)))
        assert response.status_code == 200, name
        if not response["Content-Type"].startswith("text/html"):
            continue
        body = response.content.decode()
        tag = HTML_TAG.search(body)
        assert tag, f"{name}: no <html lang dir>"
        assert (tag["lang"], tag["dir"]) == (language, direction), name
        assert len(H1.findall(body)) == 1, f"{name}: {len(H1.findall(body))} <h1>"
        assert not EMOJI.search(body), f"{name}: an emoji as an icon"
        shown = NUMERIC_DATE.findall(TAG.sub(" ", body))
        assert not shown, f"{name}: dates written as {shown}"
        checked += 1
    assert checked >= 4


def test_no_migration_is_pending(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
