"""The office's government-systems pages in a browser: the list of cases still to enter,
recording a case's entry, then a letter from the ministry, in Arabic and English."""

import pytest

from mithaq.cases.models import Case
from mithaq.intake.models import Letter
from mithaq.testing import make_case, make_org
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["ar", "en"])
def test_office_enters_a_case_and_records_a_letter(
    transactional_db, new_page, screenshot, language
):
    org = make_org()
    case = make_case(org)
    page = new_page(locale=language)
    sign_in(page, org.office_manager)
    page.goto("/staff/government/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert page.locator("h1").count() == 1
    screenshot(page, f"government-list-{language}")
    page.locator(f"a[href='/staff/government/cases/{case.code}/']").click()
    page.select_option("#id_system", "iq_ecitizen")
    page.fill("#id_reference", "EC-2027-481")
    page.fill("#id_status", "قيد المعالجة")
    screenshot(page, f"government-entry-{language}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/staff/government/")
    assert Case.objects.get(pk=case.pk).external_reference == "EC-2027-481"
    page.goto("/staff/government/letters/")
    page.locator("details.card > summary").click()
    page.fill("#id_case_code", case.code)
    page.fill("#id_number", "ت/4512")
    page.fill("#id_date", "2027-02-14")
    page.locator("details.card form button[type=submit]").click()
    page.wait_for_url("**/staff/government/letters/")
    assert Letter.objects.get().number == "ت/4512"
    assert page.locator("td", has_text="ت/4512").count() == 1
    screenshot(page, f"government-letters-{language}")
