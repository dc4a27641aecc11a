"""Helpers the browser journeys share. The harness itself (Chromium, the live server, the
`page`, `new_page` and `screenshot` fixtures) is in the repository's root conftest.py."""

from mithaq.testing import PASSWORD


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
