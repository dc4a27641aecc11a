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
from mithaq.scheduling.models import Closure, Schedule
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


def _readable(text: str) -> str:
    """pdftotext writes each lam-alef ligature's two letters in visual order
    (mithaq/interviews/tests/test_visits.py); every other letter in logical order."""
    for alef in "اأإآ":
        text = text.replace("ل" + alef, alef + "ل")
    return text


def test_asked_booked_reminded_recorded_with_a_case_and_a_visit_reported(
    new_page, org, settings, tmp_path, screenshot
):
    """The whole of issue 16 in one journey: a citizen asks in Arabic, the office books the
    request, the reminder goes when its day comes (the dispatch task run, the SMS and the
    email read back from the outbox), the meeting is recorded with one decision that opens a
    case for a college (with its clocks), and a field visit is planned, scored and reported
    (its PDF read back with pdftotext)."""
    import json
    import shutil
    import subprocess

    from mithaq.cases.models import Case
    from mithaq.interviews.models import Decision
    from mithaq.interviews.models_visits import Visit
    from mithaq.notifications import dispatch
    from mithaq.notifications.models import Message
    from mithaq.routing.models import CaseClock

    outbox = tmp_path / "outbox.log"
    settings.MITHAQ_MESSAGES_FILE = str(outbox)
    settings.MITHAQ_OFFICE_PHONE = "+9647801234567"
    president = make_official(org)
    membership = Membership.objects.get(user=president, role=Role.OFFICIAL)
    # The official is away today and tomorrow: the first free Tuesday is two days off or more,
    # so the working day before it has not yet reached its reminder hour whatever day and
    # hour the test runs (run on a Monday afternoon, tomorrow's slot is reminded of never).
    today = timezone.localdate()
    Closure.objects.create(
        schedule=Schedule.objects.get(official=president),
        first_day=today,
        last_day=today + datetime.timedelta(days=1),
        reason="سفر",
    )
    citizen = new_page("ar")
    citizen.goto("/interviews/request/")
    citizen.select_option("#id_official", str(membership.pk))
    citizen.fill("#id_subject", "تأخر معادلة الشهادة")
    citizen.fill("#id_summary", "قدّمت طلب معادلة الشهادة قبل ثلاثة أشهر ولم يصلني رد.")
    citizen.fill("#id_citizen_name", "خالد حسن")
    citizen.fill("#id_citizen_phone", "07709876543")
    citizen.fill("#id_citizen_email", "khaled@example.com")
    citizen.locator("main form button[type=submit]").click()
    citizen.wait_for_url("**/interviews/track/*/")
    row = InterviewRequest.objects.get()

    office = new_page("ar")
    sign_in(office, org.office_manager)
    office.goto(f"/staff/interviews/{row.code}/")
    office.get_by_role("button", name="احجز هذا الموعد").click()
    office.wait_for_url(f"**/staff/interviews/{row.code}/")
    row.refresh_from_db()
    assert row.state == "scheduled"

    # The reminder waits in the outbox for the working day before the interview; that day
    # has come (its moment moved to now), and the dispatch task sends it.
    reminders = Message.objects.filter(event_key="interview_reminder")
    assert {m.channel for m in reminders} == {"sms", "email"}
    assert all(m.status == "queued" and m.not_before > timezone.now() for m in reminders)
    come = timezone.now() - datetime.timedelta(seconds=1)
    reminders.update(not_before=come, next_attempt_at=come)
    dispatch.dispatch_due()
    assert set(reminders.values_list("status", flat=True)) == {"sent"}
    sent = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]
    reminded = {m["channel"]: m for m in sent if m["event"] == "interview_reminder"}
    assert set(reminded) == {"sms", "email"}
    assert reminded["sms"]["to"] == "+9647709876543"
    assert reminded["email"]["to"] == "khaled@example.com"
    assert all(row.code in m["body"] for m in reminded.values())

    # The meeting, with one decision for the college of engineering.
    office.goto(f"/staff/interviews/{row.code}/")
    office.fill("#id_attendees", "رئيس الجامعة، خالد حسن")
    office.fill("#id_asked", "الإسراع في معادلة الشهادة.")
    office.fill("#id_said", "وُعد المواطن بالرد خلال أسبوعين.")
    office.fill("#id_decision", "إنجاز معادلة شهادة المواطن خالد حسن")
    office.select_option("#id_decision_unit", str(org.college_a.pk))
    due = timezone.localdate() + datetime.timedelta(days=14)
    office.fill("#id_decision_due", due.isoformat())
    screenshot(office, "interviews-meeting-record-ar")
    office.locator("form[action$='/record/'] button[type=submit]").click()
    office.wait_for_url(f"**/staff/interviews/{row.code}/")
    row.refresh_from_db()
    assert row.state == "held"
    decision = Decision.objects.get(request=row)
    case = Case.objects.get(pk=decision.case_id)
    assert case.unit_id == org.college_a.pk
    assert CaseClock.objects.filter(case=case).count() >= 1
    assert case.code in office.locator("main").inner_text()
    screenshot(office, "interviews-meeting-held-ar")

    # A field visit, planned, scored and reported.
    template = ChecklistTemplate.objects.first() or ChecklistTemplate.objects.create(name="زيارة")
    if not template.items.exists():
        template.items.create(text="ميثاق الخدمة معلَّق في مكان ظاهر", position=0)
        template.items.create(text="صندوق الشكاوى متوفر", position=1)
    office.goto("/staff/interviews/visits/")
    office.select_option("#id_unit", str(org.college_a.pk))
    office.select_option("#id_template", str(template.pk))
    office.fill("#id_planned_for", timezone.localdate().isoformat())
    office.fill("#id_team", "فريق المكتب")
    office.locator("main form button[type=submit]").first.click()
    office.wait_for_url("**/staff/interviews/visits/*/")
    visit = Visit.objects.get()
    first = visit.scores.order_by("pk").first()
    office.fill(f"#score-{first.pk}", "2")
    office.fill(f"#note-{first.pk}", "الميثاق غير معلّق")
    office.locator(f"form[action$='/visits/{visit.pk}/scores/'] button[type=submit]").click()
    office.wait_for_url(f"**/staff/interviews/visits/{visit.pk}/")
    first.refresh_from_db()
    assert (first.score, first.note) == (2, "الميثاق غير معلّق")
    screenshot(office, "interviews-visit-scored-ar")
    pdf = office.request.get(f"/staff/interviews/visits/{visit.pk}/report.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    if shutil.which("pdftotext"):
        path = tmp_path / "visit.pdf"
        path.write_bytes(pdf.body())
        text = _readable(
            subprocess.run(
                ["pdftotext", "-enc", "UTF-8", str(path), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        assert "كلية الهندسة" in text
        assert "الميثاق غير معلّق" in text
