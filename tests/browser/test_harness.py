"""The browser harness works: Chromium opens the live server's sign-in page in Arabic and English."""

import re

import pytest

pytestmark = pytest.mark.browser

ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


def test_admin_login_is_arabic_and_right_to_left_by_default(page, screenshot):
    page.goto("/staff/login/")

    html = page.locator("html")
    assert html.get_attribute("lang") == "ar"
    assert html.get_attribute("dir") == "rtl"
    assert ARABIC_LETTER.search(page.locator("main").inner_text())
    screenshot(page, "harness-login-ar")


@pytest.mark.parametrize("browser_locale", ["en"])
def test_admin_login_follows_an_english_browser(page, screenshot):
    page.goto("/staff/login/")

    html = page.locator("html")
    assert html.get_attribute("lang") == "en"
    assert html.get_attribute("dir") == "ltr"
    assert page.locator("main button[type=submit]").inner_text() == "Sign in"
    screenshot(page, "harness-login-en")


def test_language_cookie_outranks_the_browser_language(new_page, live_server):
    page = new_page(locale="ar")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto("/staff/login/")

    assert page.locator("html").get_attribute("lang") == "en"


def test_a_refusal_of_the_content_security_policy_is_caught(page, csp_violations):
    """The harness fails a journey on any CSP refusal (conftest.py): here an inline style and
    an inline script put into a page, which the policy refuses."""
    page.goto("/staff/login/")
    page.evaluate(
        """() => {
          const box = document.createElement("div");
          box.innerHTML = '<p style="color: red">x</p>';
          document.body.append(box);
          const script = document.createElement("script");
          script.textContent = "window.ran = true";
          document.body.append(script);
        }"""
    )
    assert page.evaluate("() => window.ran") is None
    found = "\n".join(csp_violations)
    assert "style-src" in found and "script-src" in found, csp_violations
    csp_violations.clear()  # caught: this test passes
