"""Issue #4's journey in a real browser: a case passes its target, the manager sees the
escalation, and the citizen receives the interim message (read from the file transport)
and sees the new expected date on the tracking page."""

import datetime
import json

import pytest
from django.utils import timezone

from mithaq.cases.services.escalation import tick_clocks
from mithaq.notifications.dispatch import dispatch_due
from mithaq.testing import make_case
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def charter_defaults(db):
    """The calendar, commitments and escalation steps come from data migrations, and an
    earlier transactional test's flush removes them: seed them again. (The messages' default
    texts are files.)"""
    import importlib

    from django.apps import apps

    from mithaq.routing.models import WorkingCalendar

    if not WorkingCalendar.objects.exists():
        importlib.import_module(
            "mithaq.routing.migrations.0002_seed_calendar_and_commitments"
        ).seed(apps, None)


def test_a_late_case_is_escalated_and_the_citizen_is_told(
    charter_defaults, new_page, org, settings, tmp_path, screenshot
):
    settings.MITHAQ_MESSAGES_FILE = str(tmp_path / "outbox.log")
    # Received six weeks ago and never touched: every target of the charter has passed.
    case = make_case(org, now=timezone.now() - datetime.timedelta(days=42))
    for _ in range(10):
        if not tick_clocks()["fired"]:
            break
    dispatch_due()

    # The manager sees it among the overdue cases, with the escalation on its timeline.
    manager = new_page(locale="ar")
    sign_in(manager, org.office_manager)
    manager.goto("/staff/?clock=overdue")
    assert manager.locator(f"a.code:has-text('{case.code}')").is_visible()
    screenshot(manager, "clocks-01-overdue-inbox-ar")
    manager.goto(f"/staff/cases/{case.code}/")
    timeline = manager.locator(".timeline").first.inner_text()
    assert "تصعيد" in timeline or "Escalated" in timeline
    screenshot(manager, "clocks-02-escalated-case-ar")

    # The citizen's interim message went out through the file transport, in Arabic.
    lines = [json.loads(line) for line in open(settings.MITHAQ_MESSAGES_FILE, encoding="utf-8")]
    late = [m for m in lines if m["event"] == "late" and m["channel"] == "sms"]
    assert late and case.code in late[0]["body"] and "الموعد الجديد" in late[0]["body"]
    assert late[0]["to"] == case.citizen_phone

    # And the tracking page shows the new expected date.
    citizen = new_page(locale="ar")
    citizen.goto("/track/")
    citizen.fill("#id_code", case.code)
    citizen.fill("#id_contact", case.citizen_phone)
    citizen.locator("main form button[type=submit]").click()
    citizen.wait_for_url(f"**/track/{case.code}/")
    assert "موعد" in citizen.locator("main").inner_text()
    screenshot(citizen, "clocks-03-citizen-new-date-ar")
