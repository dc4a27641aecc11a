"""The foundation's journey in a real browser: a citizen submits a complaint in Arabic and
tracks it; an officer refers it; the other unit replies and resolves in one submission; the office manager closes it with
an external reference; the citizen sees the answer. Screenshots of each step are kept."""

import re

import pytest

from mithaq.notifications.models import Message
from tests.browser.conftest import open_action, sign_in

pytestmark = pytest.mark.browser

CODE = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}")


def test_complaint_from_portal_to_closure(new_page, org, screenshot):
    # A citizen submits a complaint in Arabic.
    citizen = new_page(locale="ar")
    citizen.goto("/")
    assert citizen.locator("html").get_attribute("dir") == "rtl"
    screenshot(citizen, "journey-01-portal-home-ar")
    citizen.locator("a[href='/submit/complaint/']").first.click()
    citizen.select_option("#id_unit", str(org.dept_a.pk))
    citizen.fill("#id_subject", "تأخر إصدار كشف الدرجات")
    citizen.fill("#id_body", "قدّمت طلب كشف الدرجات قبل شهر ولم أستلمه حتى اليوم.")
    citizen.fill("#id_remedy_sought", "إصدار الكشف خلال أسبوع")
    citizen.fill("#id_citizen_name", "أحمد محمود")
    citizen.fill("#id_citizen_phone", "٠٧٧٠١٢٣٤٥٦٧")
    citizen.fill("#id_citizen_email", "ahmed@example.com")
    screenshot(citizen, "journey-02-complaint-form-ar")
    citizen.locator("main form button[type=submit]").click()
    citizen.wait_for_url("**/submit/done/")
    code = CODE.search(citizen.locator(".reference").inner_text()).group(0)
    screenshot(citizen, "journey-03-reference-ar")

    # The citizen tracks it with the reference and the phone given.
    citizen.goto("/track/")
    citizen.fill("#id_code", code)
    citizen.fill("#id_contact", "07701234567")
    citizen.locator("main form button[type=submit]").click()
    citizen.wait_for_url(f"**/track/{code}/")
    assert "تأخر إصدار كشف الدرجات" in citizen.content()
    screenshot(citizen, "journey-04-tracking-received-ar")

    # An officer of unit A acknowledges it and refers it to unit B.
    officer_a = new_page(locale="ar")
    sign_in(officer_a, org.officer_a)
    officer_a.locator(f"a.code:has-text('{code}')").click()
    open_action(officer_a, "acknowledge").locator("button").click()
    assert officer_a.locator(".flash").is_visible()
    form = open_action(officer_a, "refer")
    form.locator("select").select_option(str(org.dept_b.pk))
    form.locator("textarea").fill("الطلب من اختصاص قسم الجراحة")
    screenshot(officer_a, "journey-05-officer-refers-ar")
    form.locator("button").click()
    officer_a.wait_for_url("**/staff/")

    # Unit B's officer finds it in the inbox and, in the composer under the conversation,
    # replies and resolves in one submission: the citizen gets one message, not two.
    officer_b = new_page(locale="ar")
    sign_in(officer_b, org.officer_b)
    officer_b.locator(f"a.code:has-text('{code}')").click()
    composer = officer_b.locator("#composer")
    assert composer.locator("input[value=reply]").is_checked()
    composer.locator("textarea").fill("أُصدر كشف الدرجات ويمكنك استلامه من شعبة التسجيل.")
    screenshot(officer_b, "journey-06-composer-ar")
    composer.locator("button[value=resolve]").click()
    officer_b.wait_for_load_state()
    assert "أُصدر كشف الدرجات" in officer_b.locator(".timeline").first.inner_text()
    assert officer_b.locator(".case-title .badge").first.inner_text() == "تمت المعالجة"
    answers = Message.objects.filter(case__code=code, event_key__in=["replied", "resolved"])
    assert {m.event_key for m in answers} == {"resolved"}
    assert answers.count() == len({m.channel for m in answers})
    screenshot(officer_b, "journey-06-other-unit-replies-and-resolves-ar")

    # The office manager closes it with the reference of Iraq's e-citizen programme.
    manager = new_page(locale="ar")
    sign_in(manager, org.office_manager)
    manager.goto(f"/staff/cases/{code}/")
    form = open_action(manager, "close")
    form.locator("select[name='close-closure_code']").select_option("remedied")
    form.locator("select[name='close-external_system']").select_option("iq_ecitizen")
    form.locator("input[name='close-external_reference']").fill("EC-2026-004512")
    form.locator("button").click()
    assert "EC-2026-004512" in manager.locator("aside").inner_text()
    screenshot(manager, "journey-07-manager-closes-ar")

    # The citizen sees the answer, not the internal reason for the referral.
    citizen.reload()
    text = citizen.locator("main").inner_text()
    assert "أُصدر كشف الدرجات" in text
    assert "من اختصاص قسم الجراحة" not in text
    screenshot(citizen, "journey-08-citizen-sees-answer-ar")


@pytest.mark.parametrize("browser_locale", ["en"])
def test_staff_case_page_in_english_reads_left_to_right(page, org, screenshot):
    from mithaq.testing import make_case

    case = make_case(org)
    sign_in(page, org.officer_a)
    page.goto(f"/staff/cases/{case.code}/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("h1").inner_text() == case.subject
    screenshot(page, "journey-staff-case-en")
    page.goto("/staff/")
    screenshot(page, "journey-staff-inbox-en")
