"""Reports in a real browser: the office manager builds a monthly pack (the job runs at once
under the immediate tasks backend), signs it off and records its submission; the dashboard
and the public charter page in Arabic and English. Screenshots of every new screen."""

import pytest

from mithaq.reports import services
from mithaq.reports.models import PackStatus, ReportPack
from mithaq.reports.tests import fixture
from mithaq.walkin.services import issue_ticket
from mithaq.walkin.testing import make_hall
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_build_sign_off_and_submit_a_monthly_pack(new_page, org, settings, screenshot):
    settings.TASKS = IMMEDIATE
    fixture.build(org)
    page = new_page("ar")
    sign_in(page, org.office_manager)
    page.goto("/staff/reports/")
    page.fill("#id_period", "monthly:2026-11")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/staff/reports/*/")
    assert page.locator("#pack-status").inner_text() == "مسودة"
    assert page.get_by_role("heading", name="المعاملات بإيجاز").is_visible()
    screenshot(page, "reports-pack-draft-ar")
    page.fill("#id_comment", "راجعتُ الأرقام مع السجلات")
    page.get_by_role("button", name="اعتماد الحزمة").click()
    page.wait_for_selector("#sign-off")
    assert page.locator("#pack-status").inner_text() == "معتمَد"
    page.fill("#id_recipient", "دائرة الشكاوى في وزارة التعليم العالي")
    page.check("#id_way_1")  # by hand
    page.fill("#id_letter_number", "ش/2026/118")
    page.get_by_role("button", name="تسجيل الإرسال").click()
    page.wait_for_selector("#submissions")
    assert "ش/2026/118" in page.locator("#submissions").inner_text()
    screenshot(page, "reports-pack-submitted-ar")
    pack = ReportPack.objects.get()
    assert pack.status == PackStatus.SIGNED_OFF and pack.submissions.count() == 1
    page.goto("/staff/reports/")
    assert pack.number in page.locator("main table").inner_text()
    screenshot(page, "reports-archive-ar")


@pytest.mark.parametrize("locale", ["ar", "en"])
def test_dashboard_charter_and_editors(new_page, org, settings, screenshot, locale):
    settings.MITHAQ_HOTLINES = ["5599"]
    settings.MITHAQ_EMERGENCY_NUMBER = "911"
    fixture.build(org)
    services.save_charter_text(
        actor=org.office_manager,
        text_ar="من حقك أن تُعامل باحترام، وأن تعرف موعد الإجابة عن طلبك.\n\nومن واجبك أن تُبقي رقم هاتفك محدَّثاً.",
        text_en="You have the right to be treated with respect and to know when you will be answered.\n\nIt is your duty to keep your phone number current.",
    )
    page = new_page(locale)
    sign_in(page, org.office_manager)
    hw = make_hall(org)
    issue_ticket(hall=hw.hall, hall_service=hw.transcripts)
    page.goto("/staff/dashboard/")
    assert page.locator("#dashboard-units").is_visible()
    screenshot(page, f"reports-dashboard-{locale}")
    # A compliance number opens the inbox filtered to its cases (J's promises, past due).
    page.locator('#dashboard-compliance a[data-count="past_due"]').first.click()
    page.wait_for_url("**/staff/?*promise=past_due*")
    assert page.locator("#id_promise").input_value() == "past_due"
    screenshot(page, f"reports-dashboard-promise-inbox-{locale}")
    page.goto("/staff/reports/")
    screenshot(page, f"reports-archive-empty-{locale}")
    page.goto("/staff/reports/letterhead/")
    screenshot(page, f"reports-letterhead-{locale}")
    page.goto("/staff/reports/charter/")
    screenshot(page, f"reports-charter-edit-{locale}")
    public = new_page(locale)
    public.goto("/charter/")
    assert public.locator("#commitments").is_visible()
    screenshot(public, f"charter-{locale}")
