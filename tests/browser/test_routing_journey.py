"""The routing journey in a real browser: the office writes a rule; a citizen who does not
know the unit submits a complaint that the rule sends to surgery; surgery returns it as not
competent; the office finds it among the returns and sends it to electrical engineering,
which accepts it. Screenshots of each step, in Arabic, and the rules page in English."""

import re

import pytest

from mithaq.cases.models import Case
from mithaq.cases.states import EventKind, State
from mithaq.routing.models import Referral, ReferralStatus
from tests.browser.conftest import open_action, sign_in

pytestmark = pytest.mark.browser

CODE = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}")


def test_rule_routes_unit_returns_office_reroutes_other_unit_accepts(new_page, org, screenshot):
    # The office manager writes a rule: fees go to surgery.
    office = new_page(locale="ar")
    sign_in(office, org.office_manager)
    office.locator("nav a[href='/staff/routing/rules/']").click()
    office.locator("a[href='/staff/routing/rules/new/']").click()
    office.fill("#id_name", "رسوم الدراسة إلى قسم الجراحة")
    office.fill("#id_words", "رسوم\nأقساط")
    office.select_option("#id_unit", str(org.dept_b.pk))
    screenshot(office, "routing-01-office-writes-rule-ar")
    office.locator("main form button[type=submit]").first.click()
    office.wait_for_url("**/staff/routing/rules/")
    assert "رسوم الدراسة إلى قسم الجراحة" in office.locator("table").inner_text()
    # The try-it box answers with the rule, whatever the spelling.
    office.fill("#id_subject", "اعتراض على الاقساط")
    office.locator("#try button[type=submit]").click()
    assert "رسوم الدراسة إلى قسم الجراحة" in office.locator(".try-result").inner_text()
    screenshot(office, "routing-02-rules-and-try-it-ar")

    # A citizen who does not know the unit submits a complaint about fees.
    citizen = new_page(locale="ar")
    citizen.goto("/submit/complaint/")
    assert citizen.locator("#id_unit option").first.get_attribute("value") == ""
    citizen.fill("#id_subject", "اعتراض على الرسوم الدراسية")
    citizen.fill("#id_body", "طُلب مني دفع رسوم إضافية لم تُذكر في دليل الطالب.")
    citizen.fill("#id_remedy_sought", "إعادة المبلغ الإضافي")
    citizen.fill("#id_citizen_name", "ليلى كريم")
    citizen.fill("#id_citizen_phone", "٠٧٧٠١٢٣٤٥٦٧")
    screenshot(citizen, "routing-03-citizen-does-not-know-the-unit-ar")
    citizen.locator("main form button[type=submit]").click()
    citizen.wait_for_url("**/submit/done/")
    code = CODE.search(citizen.locator(".reference").inner_text()).group(0)
    case = Case.objects.get(code=code)
    assert case.unit == org.dept_b
    assert case.events.filter(kind=EventKind.ROUTED).exists()

    # Surgery's officer returns it as not competent.
    surgery = new_page(locale="ar")
    sign_in(surgery, org.officer_b)
    surgery.goto(f"/staff/cases/{code}/")
    form = open_action(surgery, "return_referral")
    form.locator("textarea").fill("الرسوم الدراسية من اختصاص الشؤون المالية لا قسم الجراحة")
    screenshot(surgery, "routing-04-unit-returns-not-competent-ar")
    form.locator("button").click()
    surgery.wait_for_url("**/staff/")
    case.refresh_from_db()
    assert case.unit == org.office and case.state == State.UNDER_REVIEW

    # The office sees it among the returns and sends it to electrical engineering.
    office.locator("nav a[href='/staff/routing/triage/']").click()
    office.locator(".tabs a[href='/staff/routing/returns/']").click()
    row = office.locator("tr", has_text=code)
    assert "من اختصاص الشؤون المالية" in row.inner_text()
    screenshot(office, "routing-05-office-returns-list-ar")
    row.locator("select[name=to_unit]").select_option(str(org.dept_a2.pk))
    row.locator("input[name=reason]").fill("يُرجى النظر فيه")
    row.locator("button").click()
    office.wait_for_url("**/staff/routing/returns/")
    assert office.locator("tr", has_text=code).count() == 0
    assert code in office.locator(".flash").inner_text()
    screenshot(office, "routing-06-office-rerouted-ar")

    # Electrical engineering's officer accepts it.
    electrical = new_page(locale="ar")
    sign_in(electrical, org.officer_a2)
    electrical.goto(f"/staff/cases/{code}/")
    electrical.locator("#routing-panel .referral-pending").wait_for()
    screenshot(electrical, "routing-07-other-unit-sees-referral-ar")
    open_action(electrical, "accept_referral").locator("button").click()
    assert electrical.locator(".flash").is_visible()
    # The staff timeline keeps the whole story, the return's reason included.
    assert "من اختصاص الشؤون المالية" in electrical.locator(".timeline").first.inner_text()
    screenshot(electrical, "routing-08-other-unit-accepts-ar")
    case.refresh_from_db()
    assert (case.unit, case.state) == (org.dept_a2, State.UNDER_REVIEW)
    statuses = list(Referral.objects.filter(case=case).values_list("status", flat=True))
    assert sorted(statuses) == sorted([ReferralStatus.RETURNED, ReferralStatus.ACCEPTED])


@pytest.mark.parametrize("browser_locale", ["en"])
def test_rules_page_in_english_reads_left_to_right(page, org, screenshot):
    from mithaq.routing.models import RoutingRule

    RoutingRule.objects.create(name="Fees to surgery", unit=org.dept_b, words="رسوم", position=0)
    RoutingRule.objects.create(
        name="Phone complaints to the office", unit=org.office, channel="phone", position=1
    )
    sign_in(page, org.office_manager)
    page.goto(
        "/staff/routing/rules/?try=1&subject=الرسوم&kind=complaint&channel=web&citizen_group=community"
    )
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert "Fees to surgery" in page.locator(".try-result").inner_text()
    screenshot(page, "routing-rules-en")
