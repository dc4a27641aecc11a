"""Helpers the browser journeys share. The harness itself (Chromium, the live server, the
`page`, `new_page` and `screenshot` fixtures) is in the repository's root conftest.py."""

import time

import pytest

from mithaq.testing import PASSWORD, restore_migration_seeds

POLL_MS = 50


@pytest.fixture(autouse=True)
def _migration_seeds(transactional_db):
    """Every journey starts with what the migrations add (the charter's commitments, the
    visits' checklist), which an earlier journey's flush removed."""
    restore_migration_seeds()


def sign_in(page, user, base=""):
    """Signs `user` in on `page` through the staff sign-in form; `base` is the site's URL
    when the page is not on the live server (the hall's uvicorn)."""
    page.goto(f"{base}/staff/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/staff/")


def open_action(page, name):
    """Opens the case page's actions menu, then its `name` action, and returns its form."""
    menu = page.locator("details#actions")
    if menu.get_attribute("open") is None:
        menu.locator("> summary").click()
    page.locator(f"#action-{name} > summary").click()
    return page.locator(f"#action-{name} form")


def wait_for_js(page, expression: str, arg=None, timeout: float = 15_000):
    """page.wait_for_function without eval: Playwright's evaluates the expression with the
    page's own eval, which the Content-Security-Policy refuses (config/settings/base.py).
    This asks through the DevTools protocol instead, which the page's policy does not govern,
    every POLL_MS until the value is truthy, and returns it. `expression` is a function of
    `arg` ("x => ...") or an expression."""
    function = expression if "=>" in expression.split("\n")[0][:40] else f"() => ({expression})"
    deadline = time.monotonic() + timeout / 1000
    while not (value := page.evaluate(function, arg)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"not true after {timeout:.0f} ms: {expression}")
        page.wait_for_timeout(POLL_MS)
    return value
