"""Duplicates in a real browser: an officer opens a case, sees the suggested duplicate,
merges it; the merged case shows its banner and the survivor lists it; the citizen of the
merged case sees the survivor's state. Reception finds a person before registering. In
Arabic (right to left) and English."""

import re

import pytest

from mithaq.cases import services as case_services
from mithaq.testing import make_case
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def two_cases(org):
    survivor = make_case(org)
    duplicate = make_case(
        org,
        citizen_name="سعاد كريم",
        citizen_phone="+9647809876543",
        citizen_email="suad@example.com",
        subject="تأخر اصدار كشف الدرجات",
        body="قدمت طلب كشف درجات منذ شهر ولم استلمه حتى الان",
    )
    return survivor, duplicate


def merge_from_the_case_page(page, duplicate, survivor, screenshot, suffix):
    page.goto(f"/staff/cases/{duplicate.code}/")
    suggestion = page.locator(f"#suggestion-{survivor.code}")
    suggestion.wait_for()
    screenshot(page, f"merge-01-suggested-duplicate-{suffix}")
    suggestion.locator(f"form[action$='/cases/{duplicate.code}/act/merge/'] button").click()
    page.wait_for_url(f"**/staff/cases/{duplicate.code}/")
    banner = page.locator("#merged-banner")
    assert banner.is_visible()
    assert survivor.code in banner.inner_text()
    screenshot(page, f"merge-02-merged-banner-{suffix}")
    banner.locator("a").click()
    page.wait_for_url(f"**/staff/cases/{survivor.code}/")
    related = page.locator("#related-cases")
    assert duplicate.code in related.inner_text()
    screenshot(page, f"merge-03-survivor-{suffix}")


def test_an_officer_merges_a_suggested_duplicate_in_arabic(new_page, org, screenshot):
    survivor, duplicate = two_cases(org)
    page = new_page(locale="ar")
    sign_in(page, org.officer_a)
    assert page.locator("html").get_attribute("dir") == "rtl"
    merge_from_the_case_page(page, duplicate, survivor, screenshot, "ar")
    # The survivor counts both people now.
    survivor.refresh_from_db()
    assert survivor.is_collective and survivor.head_count == 2

    # The merged case's citizen sees that it was joined, and the survivor's answer.
    case_services.reply_to_citizen(
        case=survivor, actor=org.officer_a, body="سيصدر الكشف خلال يومين."
    )
    citizen = new_page(locale="ar")
    citizen.goto("/track/")
    citizen.fill("#id_code", duplicate.code)
    citizen.fill("#id_contact", "٠٧٨٠٩٨٧٦٥٤٣")
    citizen.locator("main form button[type=submit]").click()
    citizen.wait_for_url(f"**/track/{duplicate.code}/")
    merged = citizen.locator("#merged")
    assert "سيصدر الكشف خلال يومين." in merged.inner_text()
    assert "أحمد محمود" not in citizen.locator("main").inner_text()
    screenshot(citizen, "merge-04-portal-merged-ar")


@pytest.mark.parametrize("browser_locale", ["en"])
def test_an_officer_merges_a_suggested_duplicate_in_english(page, org, screenshot):
    survivor, duplicate = two_cases(org)
    sign_in(page, org.officer_a)
    assert page.locator("html").get_attribute("dir") == "ltr"
    merge_from_the_case_page(page, duplicate, survivor, screenshot, "en")


def test_reception_finds_the_person_and_fills_the_form(new_page, org, screenshot):
    earlier = make_case(org, citizen_national_id="19901234567")
    page = new_page(locale="ar")
    sign_in(page, org.reception)
    page.goto("/staff/cases/new/")
    page.fill("#lookup-q", "٠٧٧٠١٢٣٤٥٦٧")
    page.locator(".citizen-lookup button[type=submit]").click()
    found = page.locator("#citizen-lookup .person")
    found.wait_for()
    assert earlier.code in found.inner_text()
    found.locator("[data-fill-citizen]").click()
    assert page.input_value("#id_citizen_name") == "أحمد محمود"
    assert page.input_value("#id_citizen_phone") == "+9647701234567"
    assert page.input_value("#id_citizen_national_id") == "19901234567"
    screenshot(page, "merge-05-reception-lookup-ar")


@pytest.mark.parametrize("browser_locale", ["ar", "en"])
def test_reception_marks_a_persons_data_verified(page, org, browser_locale, screenshot):
    earlier = make_case(org, citizen_national_id="19901234567")
    sign_in(page, org.reception)
    page.goto("/staff/citizens/")
    page.fill("input[name=q]", "07701234567")
    page.locator(".registry-search button[type=submit]").click()
    # Posted: the page's address carries the search's key, not the phone.
    page.wait_for_url(re.compile(r"/staff/citizens/\?s="))
    assert "7701234567" not in page.url
    page.locator(".person a").first.click()
    page.wait_for_url(f"**/staff/citizens/{earlier.citizen_id}/")
    assert earlier.code in page.locator("main").inner_text()
    page.locator("#verification form button").click()
    page.wait_for_url(f"**/staff/citizens/{earlier.citizen_id}/")
    assert page.locator("#verification .verified").is_visible()
    screenshot(page, f"merge-06-citizen-verified-{browser_locale}")
