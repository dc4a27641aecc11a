"""The people's data rights in a real browser: reception files a person's erasure from their
record, the office manager sees the person's data page and approves the erasure on the list;
the case's restriction page. Arabic (right to left) and English."""

import pytest

from mithaq.testing import make_case
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_reception_files_an_erasure_and_the_office_manager_approves_it(new_page, org, screenshot):
    case = make_case(org, citizen_name="خديجة الراوي", citizen_phone="+9647709876543")
    other = make_case(org, citizen_name="Laila Hassan", citizen_phone="+9647705550000")

    desk = new_page(locale="ar")
    sign_in(desk, org.reception)
    desk.goto(f"/staff/citizens/{case.citizen_id}/")
    desk.locator("#data-rights a").click()
    desk.wait_for_url(f"**/staff/privacy/people/{case.citizen_id}/")
    assert desk.locator("html").get_attribute("dir") == "rtl"
    assert desk.locator("h1").inner_text().endswith("خديجة الراوي")
    desk.locator("#erasure button").click()
    desk.wait_for_url(f"**/staff/privacy/people/{case.citizen_id}/")
    assert desk.locator(".flash-success").is_visible()
    screenshot(desk, "privacy-01-person-requested-ar")

    for language in ("ar", "en"):
        office = new_page(locale=language)
        sign_in(office, org.office_manager)
        office.goto(f"/staff/privacy/people/{other.citizen_id}/")
        screenshot(office, f"privacy-02-person-page-{language}")
        office.goto("/staff/privacy/erasures/")
        screenshot(office, f"privacy-03-erasures-{language}")
        office.goto(f"/staff/privacy/cases/{other.code}/restrict/")
        screenshot(office, f"privacy-04-restrict-{language}")

    office.goto("/staff/privacy/erasures/")
    office.locator("button[value=approve]").click()
    office.wait_for_url("**/staff/privacy/erasures/")
    assert "The person's data was erased." in office.locator(".flash-success").inner_text()
    screenshot(office, "privacy-05-erased-en")
    case.refresh_from_db()
    assert case.citizen_name == "—" and case.anonymised_at is not None
