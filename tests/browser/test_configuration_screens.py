"""The configuration screens this round changed, as a person sees them in both languages:
the message texts (defaults from files, the office's overrides, restoring a default) and
what an administrator, who reads no cases, is shown on signing in."""

import pytest

from mithaq.testing import PASSWORD
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["ar", "en"])
def test_message_texts_edit_and_restore_screens(new_page, org, screenshot, locale):
    manager = new_page(locale=locale)
    sign_in(manager, org.office_manager)
    manager.goto("/staff/messages/templates/")
    assert manager.locator("html").get_attribute("dir") == ("rtl" if locale == "ar" else "ltr")
    assert manager.locator("h1").count() == 1
    screenshot(manager, f"messages-01-texts-{locale}")
    manager.goto("/staff/messages/templates/replied/sms/ar/")
    body = manager.locator("textarea").first
    body.fill(body.input_value() + " {institution}")
    manager.locator("main form button[type=submit]").first.click()
    manager.wait_for_url("**/staff/messages/templates/**")
    screenshot(manager, f"messages-02-override-saved-{locale}")
    manager.goto("/staff/messages/templates/replied/sms/ar/")
    screenshot(manager, f"messages-03-override-with-restore-{locale}")
    assert manager.locator("form[action$='/default/']").count() == 1


@pytest.mark.parametrize("locale", ["ar", "en"])
def test_an_administrator_lands_on_the_configuration_they_keep(new_page, org, screenshot, locale):
    admin = new_page(locale=locale)
    admin.goto("/staff/login/")
    admin.fill("#id_username", org.administrator.username)

    admin.fill("#id_password", PASSWORD)
    admin.locator("main form button[type=submit]").click()
    admin.wait_for_url("**/staff/routing/rules/")
    nav = admin.locator("header nav")
    assert nav.locator("a[href='/staff/routing/rules/']").count() == 1
    assert nav.locator("a[href='/staff/clocks/']").count() == 1
    assert nav.locator("a[href='/staff/']").count() == 0
    screenshot(admin, f"configuration-administrator-{locale}")
    admin.goto("/staff/clocks/")
    screenshot(admin, f"configuration-calendar-{locale}")
