"""Search in a real browser: an officer types a word the way people type it (no hamza, ه for
ة) and a phone in Arabic-Indic digits into the inbox's search box and finds the case; an
officer of another unit does not. The search is posted, never put in an address: the page's
address carries only its key (`?s=`), and no request the browser makes holds the phone. The
officer saves the search, opens it again from the saved filters and assigns the case from
the selection. Screenshots in Arabic and English."""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from mithaq.testing import make_case
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def search(page, text):
    box = page.locator("input[name=q]")
    box.fill(text)
    box.press("Enter")
    # Typing also searches by itself after a pause (hx-trigger keyup): let both settle.
    page.wait_for_timeout(600)
    page.wait_for_load_state("networkidle")


def record_urls(page) -> list[str]:
    """Every URL the page requests from now on (redirects followed included)."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


PHONE_PARTS = ("7701234567", "770%20123", "٠٧٧٠", "%D9%A0%D9%A7")


def test_officer_finds_a_case_by_variant_spelling_and_phone(new_page, org, screenshot):
    case = make_case(
        org,
        subject="تأخر توقيع الأستاذة المشرفة",
        body="راجعتُ الأستاذة المشرفة ثلاث مرات ولم توقّع استمارة التخرج.",
        citizen_name="زينب عبد الرحمن",
        citizen_phone="+9647701234567",
    )
    make_case(org, subject="انقطاع الإنترنت في القاعة", citizen_phone="+9647801112222")
    other_unit = make_case(
        org, unit=org.dept_b, subject="تأخر التدريب السريري", citizen_phone="+9647809998888"
    )

    officer = new_page(locale="ar")
    requested = record_urls(officer)
    sign_in(officer, org.officer_a)
    search(officer, "الاستاذه")
    rows = officer.locator("#inbox-results tbody tr")
    assert rows.count() == 1
    assert case.code in rows.first.inner_text()
    assert officer.locator("html").get_attribute("dir") == "rtl"
    screenshot(officer, "search-01-variant-spelling-ar")

    search(officer, "٠٧٧٠ ١٢٣ ٤٥٦٧")
    assert officer.locator("#inbox-results tbody tr").count() == 1
    assert case.code in officer.locator("#inbox-results").inner_text()
    # The post's answer brought the results only, swapped in (not a whole page), and pushed
    # the address of the search's key.
    assert officer.locator("h1").count() == 1
    # The page's address carries the search's key, never the phone; nor did any request.
    assert "s=" in officer.url and "q=" not in officer.url
    assert not [u for u in [officer.url, *requested] if any(p in u for p in PHONE_PARTS)]
    assert not [u for u in requested if "q" in dict(parse_qsl(urlsplit(u).query))]
    screenshot(officer, "search-02-arabic-indic-phone-ar")

    # Save this search under a name; it is listed for this officer.
    officer.locator(".inbox-tools > details > summary").click()
    officer.wait_for_selector(".saved-filters")
    officer.locator(".save-filter input[name=name]").fill("هاتف زينب")
    officer.locator(".save-filter button").click()
    officer.wait_for_load_state("networkidle")
    officer.locator(".inbox-tools > details > summary").click()
    officer.wait_for_selector(".saved-filter-list li:has-text('هاتف زينب')")
    screenshot(officer, "search-03-saved-filter-ar")

    # From a fresh inbox, the saved search opens again, through a key too.
    officer.goto("/staff/")
    officer.locator(".inbox-tools > details > summary").click()
    officer.locator(".saved-filter-list a:has-text('هاتف زينب')").click()
    officer.wait_for_url(re.compile(r"/staff/\?s="))
    assert officer.locator("#inbox-results tbody tr").count() == 1
    assert case.code in officer.locator("#inbox-results").inner_text()
    assert officer.input_value("input[name=q]") == "٠٧٧٠ ١٢٣ ٤٥٦٧"
    assert not [u for u in [officer.url, *requested] if any(p in u for p in PHONE_PARTS)]

    # Select the row and assign it to themselves from the action bar.
    officer.locator(f"input[name=bulk-cases][value='{case.code}']").check()
    officer.locator("#bulk-form summary").click()
    officer.wait_for_selector(".bulk-fields")
    officer.select_option("#bulk-form select[name=bulk-action]", "assign")
    officer.select_option("#bulk-form select[name=bulk-assignee]", str(org.officer_a.pk))
    screenshot(officer, "search-04-bulk-assign-ar")
    officer.locator(".bulk-fields button").click()
    officer.wait_for_load_state("networkidle")
    assert officer.locator(".flash").first.is_visible()
    case.refresh_from_db()
    assert case.assignee == org.officer_a
    # Back on the same search, still by its key.
    assert "s=" in officer.url and case.code in officer.locator("#inbox-results").inner_text()
    assert not [u for u in requested if any(p in u for p in PHONE_PARTS)]

    # An officer of another unit searching the same finds nothing of unit A's.
    stranger = new_page(locale="ar")
    sign_in(stranger, org.officer_b)
    search(stranger, "الاستاذه")
    assert case.code not in stranger.locator("#inbox-results").inner_text()
    search(stranger, "٠٧٧٠١٢٣٤٥٦٧")
    assert stranger.locator("#inbox-results tbody tr").count() == 0
    search(stranger, "التدريب")
    assert other_unit.code in stranger.locator("#inbox-results").inner_text()
    screenshot(stranger, "search-05-other-unit-ar")


@pytest.mark.parametrize("browser_locale", ["en"])
def test_search_in_english(page, org, screenshot):
    case = make_case(org, subject="طلب نسخة من الشهادة", citizen_phone="+9647701234567")
    sign_in(page, org.officer_a)
    search(page, "07701234567")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert case.code in page.locator("#inbox-results").inner_text()
    page.locator("#bulk-form summary").click()
    screenshot(page, "search-06-phone-en")
