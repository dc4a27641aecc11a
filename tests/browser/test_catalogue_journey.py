"""The catalogue's journey in a real browser: a citizen reads a service's page, applies with
two documents uploaded and one to bring; the officer marks the documents and asks for the
missing one; the citizen uploads it; the officer completes the file and the decision clock
starts. Screens in Arabic and English are kept under artifacts/screenshots/."""

import datetime
import importlib
import re

import pytest
from django.apps import apps

from mithaq.cases.models import Case, CaseDocument
from mithaq.catalog.models import (
    Actor,
    DocumentForm,
    Fee,
    RequiredDocument,
    ServiceFaq,
    ServiceQuestion,
    ServiceStep,
    ServiceVersion,
)
from mithaq.routing import calendar as working
from mithaq.routing.models import CaseClock, Target, WorkingCalendar
from mithaq.testing import PDF
from tests.browser.conftest import open_action, sign_in

pytestmark = pytest.mark.browser

CODE = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}")


@pytest.fixture
def service(org, settings, tmp_path):
    # The commitments come from a data migration that an earlier transactional test's flush
    # removed: seed them again (as tests/browser/test_clock_journey.py does).
    if not WorkingCalendar.objects.exists():
        importlib.import_module(
            "mithaq.routing.migrations.0002_seed_calendar_and_commitments"
        ).seed(apps, None)
    working.invalidate()
    settings.MEDIA_ROOT = tmp_path / "media"
    v = ServiceVersion.objects.create(
        service=org.service_a,
        effective_from=datetime.date(2020, 1, 1),
        who_may_apply_ar="طلبة القسم الحاليون وخريجوه",
        who_may_apply_en="Current students and graduates of the department",
        where_to_apply_ar="شباك قسم التسجيل في قاعة المراجعين",
        where_to_apply_en="The registrar's window in the visitors' hall",
        file_complete_starts_clock=True,
        min_days_before_decision=10,
        declaration_ar="أقرّ بأن المعلومات والمستمسكات التي قدّمتها صحيحة.",
        declaration_en="I declare that the information and documents I have given are true.",
    )
    for i, (ar, en, form, count) in enumerate(
        [
            ("هوية الطالب الجامعية", "University student ID", DocumentForm.ORIGINAL, 1),
            ("صورة شخصية ملونة", "Colour photograph", DocumentForm.COPY, 2),
            ("وصل دفع الرسم", "Fee payment receipt", DocumentForm.ORIGINAL, 1),
        ],
        1,
    ):
        RequiredDocument.objects.create(
            version=v, position=i, name_ar=ar, name_en=en, form=form, count=count
        )
    Fee.objects.create(
        version=v,
        label_ar="رسم إصدار الكشف",
        label_en="Transcript fee",
        amount=25000,
        currency="IQD",
        how_to_pay_ar="عند شباك الحسابات",
        how_to_pay_en="At the accounts window",
    )
    for i, (actor, ar, en) in enumerate(
        [
            (Actor.APPLICANT, "قدّم الطلب مع المستمسكات", "Apply with the documents"),
            (Actor.WINDOW, "يطابق الشباك المستمسكات مع الأصول", "The window checks the originals"),
            (Actor.UNIT, "يُصدر القسم الكشف", "The department issues the transcript"),
        ],
        1,
    ):
        ServiceStep.objects.create(version=v, position=i, actor=actor, text_ar=ar, text_en=en)
    ServiceQuestion.objects.create(
        version=v,
        question_ar="هل أنت طالب حالي أو خريج من القسم؟",
        question_en="Are you a current student or a graduate of the department?",
        refusal_ar="هذه الخدمة لطلبة القسم وخريجيه فقط. راجع قسمك.",
        refusal_en="This service is for the department's students and graduates. Ask your own department.",
    )
    ServiceFaq.objects.create(
        version=v,
        question_ar="هل يستلم الكشف شخص آخر؟",
        question_en="Can someone else collect it?",
        answer_ar="نعم، بتخويل موقّع.",
        answer_en="Yes, with a signed authorisation.",
    )
    return org.service_a


def _pdf(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(PDF)
    return str(path)


def test_english_screens(new_page, org, service, screenshot):
    page = new_page(locale="en")
    page.goto("/services/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    screenshot(page, "catalogue-01-list-en")
    page.goto(f"/services/{service.code}/")
    assert "University student ID" in page.content()
    assert "25,000" in page.content()
    screenshot(page, "catalogue-02-service-en")
    page.locator("a.btn", has_text="Apply online").click()
    page.wait_for_url("**/submit/service_request/?service=*")
    assert page.get_by_text("I will bring it to the window").count() == 3
    screenshot(page, "catalogue-03-apply-en")


def test_apply_with_documents_to_a_complete_file(new_page, org, service, screenshot, tmp_path):
    # The citizen reads the service's page in Arabic and applies online.
    citizen = new_page(locale="ar")
    citizen.goto("/services/")
    assert citizen.locator("html").get_attribute("dir") == "rtl"
    citizen.fill("#id_q", "الدرجات")
    citizen.locator("form[role=search] button").click()
    screenshot(citizen, "catalogue-04-search-ar")
    citizen.locator(f"a[href='/services/{service.code}/']").click()
    assert "هوية الطالب الجامعية" in citizen.content()
    screenshot(citizen, "catalogue-05-service-ar")
    citizen.locator("a.btn", has_text="قدّم إلكترونيًا").click()
    citizen.wait_for_url("**/submit/service_request/?service=*")
    docs = list(RequiredDocument.objects.filter(version__service=service).order_by("position"))
    question = ServiceQuestion.objects.get()
    citizen.locator(f"input[name='question_{question.pk}'][value='yes']").check()
    citizen.set_input_files(f"#id_doc_{docs[0].pk}", _pdf(tmp_path, "id.pdf"))
    citizen.set_input_files(f"#id_doc_{docs[1].pk}", _pdf(tmp_path, "photo.pdf"))
    citizen.check(f"#id_bring_{docs[2].pk}")
    citizen.fill("#id_subject", "طلب كشف درجات")
    citizen.fill("#id_body", "أرجو إصدار كشف درجات السنة الثالثة.")
    citizen.fill("#id_citizen_name", "زينب حسن")
    citizen.fill("#id_citizen_phone", "07701234567")
    citizen.check("#id_declaration")
    screenshot(citizen, "catalogue-06-apply-ar")
    citizen.locator("main form.submit-form > button[type=submit]").click()
    citizen.wait_for_url("**/submit/done/")
    code = CODE.search(citizen.locator(".reference").inner_text()).group(0)
    case = Case.objects.get(code=code)
    assert case.declaration == "أقرّ بأن المعلومات والمستمسكات التي قدّمتها صحيحة."
    rows = {r.document_id: r for r in CaseDocument.objects.filter(case=case)}
    assert [rows[d.pk].status for d in docs] == ["uploaded", "uploaded", "to_bring"]
    assert CaseClock.objects.get(case=case, target=Target.DECISION).paused_at is not None

    # The officer marks the documents and asks for the one that is missing.
    officer = new_page(locale="ar")
    sign_in(officer, org.officer_a)
    officer.goto(f"/staff/cases/{code}/")
    open_action(officer, "acknowledge").locator("button").click()
    officer.select_option(f"#doc-{rows[docs[0].pk].pk}", "verified")
    officer.select_option(f"#doc-{rows[docs[1].pk].pk}", "received")
    officer.select_option(f"#doc-{rows[docs[2].pk].pk}", "missing")
    officer.locator("#checklist button[type=submit]").first.click()
    assert "ناقص" in officer.locator("#checklist").inner_text()
    # The decision clock waits for the complete file.
    assert "تبدأ عند اكتمال الملف" in officer.locator("#clocks").inner_text()
    screenshot(officer, "catalogue-07-officer-marks-ar")
    officer.locator("#checklist a", has_text="اطلب المستمسكات الناقصة").click()
    question_box = officer.locator("textarea")
    assert "وصل دفع الرسم" in question_box.input_value()
    screenshot(officer, "catalogue-08-ask-missing-ar")
    officer.locator("main form button[type=submit]").click()
    officer.wait_for_url(f"**/staff/cases/{code}/")

    # The citizen uploads it from the tracking page.
    citizen.goto("/track/")
    citizen.fill("#id_code", code)
    citizen.fill("#id_contact", "07701234567")
    citizen.locator("main form button[type=submit]").first.click()
    citizen.wait_for_url(f"**/track/{code}/")
    citizen.fill("#id_body", "أرفقت وصل الدفع.")
    citizen.set_input_files("#id_attachments", _pdf(tmp_path, "receipt.pdf"))
    screenshot(citizen, "catalogue-09-citizen-uploads-ar")
    citizen.locator(f"form[action='/track/{code}/respond/'] button[type=submit]").click()
    citizen.wait_for_url(f"**/track/{code}/")

    # The officer marks it received and completes the file: the decision clock starts.
    officer.goto(f"/staff/cases/{code}/")
    assert "receipt.pdf" in officer.content()
    officer.select_option(f"#doc-{rows[docs[2].pk].pk}", "received")
    officer.locator("#checklist button[type=submit]").first.click()
    officer.locator("#checklist button", has_text="الملف مكتمل").click()
    assert "اكتمال الملف" in officer.locator("#checklist").inner_text()
    assert "تبدأ عند اكتمال الملف" not in officer.locator("#clocks").inner_text()
    screenshot(officer, "catalogue-10-file-complete-ar")
    case.refresh_from_db()
    decision = CaseClock.objects.get(case=case, target=Target.DECISION)
    assert case.file_completed_at is not None
    assert decision.paused_at is None and decision.started_at == case.file_completed_at
