"""Interviews in a real browser, in Arabic: a citizen asks to meet the president, the
citizens' affairs office books the request into a free slot, and the citizen sees the
appointment (Gregorian and Hijri) on the tracking page. Then the new screens of issue 16's
second part in Arabic and English: a field visit with its photos, the units' scores over
time, the monthly records, a booked request at the office."""

import datetime

import pytest
from django.utils import timezone

from mithaq.accounts.models import Membership, Role
from mithaq.interviews import visits
from mithaq.interviews.models import InterviewRequest
from mithaq.interviews.models_visits import ChecklistTemplate
from mithaq.interviews.testing import make_official
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

AR_MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
             "أكتوبر", "نوفمبر", "ديسمبر"]  # fmt: skip


def test_a_citizen_asks_the_office_books_and_the_citizen_sees_it(new_page, org, screenshot):
    president = make_official(org)
    membership = Membership.objects.get(user=president, role=Role.OFFICIAL)
    citizen = new_page("ar")
    citizen.goto("/interviews/request/")
    citizen.select_option("#id_official", str(membership.pk))
    citizen.fill("#id_subject", "قبول ابني في كلية الهندسة")
    citizen.fill("#id_summary", "قُدِّم طلب القبول في الموعد ولم يظهر اسمه في القوائم.")
    citizen.fill("#id_citizen_name", "خالد حسن")
    citizen.fill("#id_citizen_phone", "07709876543")
    citizen.fill("#id_citizen_email", "khaled@example.com")
    screenshot(citizen, "interviews-request-filled-ar")
    citizen.locator("main form button[type=submit]").click()
    citizen.wait_for_url("**/interviews/track/*/")
    row = InterviewRequest.objects.get()
    assert row.code in citizen.locator("main").inner_text()

    office = new_page("ar")
    sign_in(office, org.office_manager)
    office.goto("/staff/interviews/")
    office.get_by_role("link", name=row.code).first.click()
    office.wait_for_url(f"**/staff/interviews/{row.code}/")
    screenshot(office, "interviews-office-screening-ar")
    office.get_by_role("button", name="احجز هذا الموعد").click()
    office.wait_for_url(f"**/staff/interviews/{row.code}/")
    row.refresh_from_db()
    assert row.state == "scheduled"

    citizen.reload()
    local = timezone.localtime(row.booking.starts_at)
    when = citizen.locator(".interview-when").inner_text()
    assert f"{local.day} {AR_MONTHS[local.month - 1]} {local.year}" in when
    # December 2026 falls in the Hijri year 1448.
    assert local.strftime("%H:%M") in when and "1448" in when
    assert citizen.get_by_role("link", name="(.ics)").is_visible()
    screenshot(citizen, "interviews-track-booked-ar")


@pytest.mark.parametrize("locale", ["ar", "en"])
def test_the_new_visit_and_record_screens(new_page, org, settings, screenshot, locale):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mithaq.testing import png_bytes

    settings.MITHAQ_OFFICE_PHONE = ""
    settings.MITHAQ_HOTLINES = []
    template = ChecklistTemplate.objects.first() or ChecklistTemplate.objects.create(name="زيارة")
    if not template.items.exists():
        template.items.create(text="ميثاق الخدمة معلَّق في مكان ظاهر", position=0)
        template.items.create(text="صندوق الشكاوى متوفر", position=1)
    today = timezone.localdate()
    for months_ago, unit, marks in (
        (2, org.college_a, [4, 2]),
        (1, org.college_a, [5, 4]),
        (1, org.dept_b, [1, 2]),
    ):
        day = (today.replace(day=1) - datetime.timedelta(days=1 + 30 * (months_ago - 1))).replace(
            day=10
        )
        visit = visits.plan_visit(
            unit=unit,
            template=template,
            planned_for=day,
            team="فريق المكتب",
            scope="قاعة المراجعين",
            actor=org.office_manager,
        )
        items = list(visit.scores.all())
        visits.score_visit(visit=visit, scores={items[i].pk: (m, "") for i, m in enumerate(marks)})
    visits.add_photos(
        visit=visit,
        uploads=[SimpleUploadedFile("waiting-room.png", png_bytes(), "image/png")],
        caption="قاعة الانتظار",
        actor=org.office_manager,
    )
    page = new_page(locale)
    sign_in(page, org.office_manager)
    page.goto(f"/staff/interviews/visits/{visit.pk}/")
    assert page.locator("main h1").count() == 1
    assert "MITHAQ_OFFICE_PHONE" in page.locator("main").inner_text()
    screenshot(page, f"interviews-visit-photos-{locale}")
    page.goto("/staff/interviews/visits/scores/")
    assert page.locator("table.visit-trends tbody tr").count() == 2
    screenshot(page, f"interviews-visit-trends-{locale}")
    page.goto("/staff/interviews/records/")
    screenshot(page, f"interviews-records-{locale}")
