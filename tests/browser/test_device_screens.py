"""The screens of issue 19's last round, in both languages: a window's rating tablet enrolled
by the supervisor and served to a browser with no session; the supervision page listing the
hall's tablets; the enrolment codes page with sending by email; the reads log's integrity
page with its anchors kept outside the database, holding and broken."""

import pytest
from django.db import connection

from mithaq.cases import services as case_services
from mithaq.cases.anchors import write_anchor
from mithaq.cases.models import ConfidentialRead
from mithaq.testing import make_case
from mithaq.walkin import services
from mithaq.walkin.states import Outcome
from mithaq.walkin.testing import make_hall
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["ar", "en"])
def test_a_rating_tablet_enrolled_and_served_without_a_session(new_page, org, screenshot, locale):
    hw = make_hall(org)
    supervisor = new_page(locale=locale)
    sign_in(supervisor, org.manager_college_a)
    supervisor.goto(f"/hall/{hw.hall.code}/supervise/")
    supervisor.select_option("#tablet-window", "1")
    supervisor.locator("form[action$='/tablet/enrol/'] button[type=submit]").click()
    supervisor.wait_for_url(f"**/hall/{hw.hall.code}/window/1/tablet/")
    cookies = [c for c in supervisor.context.cookies() if c["name"] == "mithaq_kiosk"]
    supervisor.goto(f"/hall/{hw.hall.code}/supervise/")
    assert supervisor.locator("#tablet-devices tbody tr").count() == 1
    supervisor.locator("#tablets-title").scroll_into_view_if_needed()
    screenshot(supervisor, f"screens-01-supervision-tablets-{locale}")

    ticket = services.issue_ticket(hall=hw.hall, hall_service=hw.transcripts)
    services.open_counter(counter=hw.window_1, actor=org.officer_a)
    services.call_next_ticket(counter=hw.window_1, actor=org.officer_a)
    ticket.refresh_from_db()
    services.finish_ticket(ticket=ticket, actor=org.officer_a, outcome=Outcome.SERVED)
    # A browser with the tablet's cookie and nobody signed in.
    tablet = new_page(locale=locale, viewport={"width": 1024, "height": 768})
    tablet.context.add_cookies(cookies)
    response = tablet.goto(f"/hall/{hw.hall.code}/window/1/tablet/")
    assert response.status == 200
    assert tablet.locator("html").get_attribute("dir") == ("rtl" if locale == "ar" else "ltr")
    assert tablet.locator(f"form.faces input[name=ticket][value='{ticket.pk}']").count() == 1
    screenshot(tablet, f"screens-02-tablet-without-session-{locale}")


@pytest.mark.parametrize("locale", ["ar", "en"])
def test_enrolment_codes_page_sends_by_email(new_page, org, screenshot, locale):
    org.officer_a.email = "officer.a@example.org"
    org.officer_a.save(update_fields=["email"])
    admin = new_page(locale=locale)
    admin.goto("/staff/login/")
    sign_in_admin(admin, org)
    admin.goto("/staff/security/enrolment-codes/")
    screenshot(admin, f"screens-03-enrolment-codes-{locale}")
    admin.select_option("#id_user", str(org.officer_a.pk))
    admin.locator("#send-code").click()
    admin.wait_for_url("**/staff/security/enrolment-codes/")
    assert admin.locator(".enrolment-code").count() == 0
    screenshot(admin, f"screens-04-enrolment-code-sent-{locale}")


def sign_in_admin(page, org):
    from mithaq.testing import PASSWORD

    page.fill("#id_username", org.administrator.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("locale", ["ar", "en"])
def test_reads_log_anchors_holding_then_broken(
    new_page, org, screenshot, locale, settings, tmp_path
):
    settings.MITHAQ_READS_ANCHOR_FILE = tmp_path / "reads.anchors"
    secret = make_case(org, identity_confidential=True)
    for _ in range(4):
        case_services.log_confidential_read(case=secret, user=org.office_manager)
    write_anchor()
    case_services.log_confidential_read(case=secret, user=org.office_manager)
    auditor = new_page(locale=locale)
    sign_in(auditor, org.auditor)
    auditor.goto("/staff/audit/confidential-reads/chain/")
    assert auditor.locator("#anchors-hold").count() == 1
    screenshot(auditor, f"screens-05-anchors-hold-{locale}")
    last = ConfidentialRead.objects.order_by("id").values_list("id", flat=True)[3]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_confidentialread WHERE id >= %s", [last])
    auditor.goto("/staff/audit/confidential-reads/chain/")
    assert auditor.locator("#chain-intact").count() == 1
    assert auditor.locator("#anchors-fail").count() == 1
    screenshot(auditor, f"screens-06-anchors-cut-{locale}")
