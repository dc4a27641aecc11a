"""Applying for a service with documents on the portal, and the staff's checklist pages."""

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mithaq.cases import services
from mithaq.cases.models import Case, CaseDocument, DocumentStatus
from mithaq.cases.states import EventKind
from mithaq.catalog.models import RequiredDocument, ServiceQuestion, ServiceVersion
from mithaq.testing import EXE, PDF


@pytest.fixture
def version(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    v = ServiceVersion.objects.create(
        service=org.service_a,
        effective_from=datetime.date(2020, 1, 1),
        declaration_ar="أقر بأن المعلومات والمستمسكات المقدمة صحيحة",
        declaration_en="I declare that the information and documents given are true",
        file_complete_starts_clock=True,
    )
    docs = [
        RequiredDocument.objects.create(version=v, position=i, name_ar=ar, name_en=en)
        for i, (ar, en) in enumerate(
            [("هوية الطالب", "Student ID"), ("صورة شخصية", "Photo"), ("وصل الدفع", "Receipt")]
        )
    ]
    ServiceQuestion.objects.create(
        version=v,
        question_ar="هل أنت طالب مستمر أو خريج من القسم؟",
        question_en="Are you a current student or a graduate of the department?",
        eligible_answer=True,
        refusal_ar="هذه الخدمة لطلبة القسم وخريجيه. راجع قسمك.",
        refusal_en="This service is for the department's students and graduates. Ask your own department.",
    )
    return v, docs


def pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def data(org, version, docs, **overrides):
    question = version.questions.get()
    values = {
        "unit": org.dept_a.pk,
        "service": org.service_a.pk,
        "subject": "طلب كشف درجات",
        "body": "أرجو إصدار كشف الدرجات.",
        "citizen_name": "زينب حسن",
        "citizen_phone": "07701234567",
        "citizen_group": "undergraduate",
        "token": str(uuid.uuid4()),
        f"question_{question.pk}": "yes",
        f"doc_{docs[0].pk}": pdf("id.pdf"),
        f"doc_{docs[1].pk}": pdf("photo.pdf"),
        f"bring_{docs[2].pk}": "on",
        "declaration": "on",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


URL = reverse("portal:submit", args=["service_request"])


def test_the_form_shows_the_checklist_questions_and_declaration(client, org, version):
    client.cookies["django_language"] = "en"
    html = client.get(URL, {"service": org.service_a.code}).content.decode()
    for text in [
        "Student ID",
        "Photo",
        "Receipt",
        "I will bring it to the window",
        "Are you a current student or a graduate of the department?",
        "I declare that the information and documents given are true",
    ]:
        assert text in html


def test_the_checklist_follows_the_picked_service(client, org, version):
    client.cookies["django_language"] = "en"
    parts = client.get(
        reverse("portal:service_parts"),
        {"kind": "service_request", "service": org.service_a.pk},
    ).content.decode()
    assert "Student ID" in parts
    other = client.get(
        reverse("portal:service_parts"),
        {"kind": "service_request", "service": org.service_b.pk},
    ).content.decode()
    assert "Student ID" not in other and 'id="service-parts"' in other


def test_two_uploaded_and_one_to_bring(client, org, version):
    v, docs = version
    client.cookies["django_language"] = "en"
    response = client.post(URL, data(org, v, docs))
    assert response.status_code == 302
    case = Case.objects.get()
    statuses = {r.document_id: r.status for r in CaseDocument.objects.filter(case=case)}
    assert statuses == {
        docs[0].pk: DocumentStatus.UPLOADED,
        docs[1].pk: DocumentStatus.UPLOADED,
        docs[2].pk: DocumentStatus.TO_BRING,
    }
    assert case.declaration == "I declare that the information and documents given are true"
    assert case.attachments.count() == 2


def test_a_failing_eligibility_answer_refuses_before_anything_is_sent(client, org, version):
    v, docs = version
    client.cookies["django_language"] = "en"
    question = v.questions.get()
    response = client.post(URL, data(org, v, docs, **{f"question_{question.pk}": "no"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ask your own department." in html
    assert "You cannot apply for this service with these answers." in html
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"declaration": None}, "Tick the declaration to send your request."),
        ("no_document", "Upload this document, or say you will bring it to the window."),
        ("both", "Upload the document or say you will bring it, not both."),
        ("bad_file", "exe"),
    ],
)
def test_bad_checklists_are_refused_with_a_reason(client, org, version, change, message):
    v, docs = version
    client.cookies["django_language"] = "en"
    values = data(org, v, docs)
    if change == "no_document":
        del values[f"doc_{docs[0].pk}"]
    elif change == "both":
        values[f"bring_{docs[0].pk}"] = "on"
    elif change == "bad_file":
        values[f"doc_{docs[0].pk}"] = SimpleUploadedFile("id.pdf", EXE, "application/pdf")
    else:
        values.update(change)
        values = {k: v for k, v in values.items() if v is not None}
    response = client.post(URL, values)
    assert response.status_code == 200
    if change != "bad_file":
        assert message in response.content.decode()
    else:
        assert response.context["form"].errors[f"doc_{docs[0].pk}"]
    assert not Case.objects.exists() and not CaseDocument.objects.exists()


def test_a_service_without_documents_behaves_as_before(client, org):
    client.cookies["django_language"] = "en"
    html = client.get(URL, {"service": org.service_b.code}).content.decode()
    assert "I will bring it to the window" not in html


def _submitted(client, org, version):
    v, docs = version
    client.post(URL, data(org, v, docs))
    return Case.objects.get()


def test_officer_marks_documents_asks_for_the_missing_one_and_completes_the_file(
    client, org, version, login
):
    case = _submitted(client, org, version)
    services.acknowledge_case(case=case, actor=org.officer_a)
    rows = {r.document.name_en: r for r in CaseDocument.objects.filter(case=case)}
    login(org.officer_a)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("cases:detail", args=[case.code])).content.decode()
    assert "Student ID" in page and "Will be brought to the window" in page
    response = client.post(
        reverse("cases:documents", args=[case.code]),
        {
            f"doc-{rows['Student ID'].pk}": "verified",
            f"doc-{rows['Photo'].pk}": "received",
            f"doc-{rows['Receipt'].pk}": "missing",
        },
    )
    assert response.status_code == 302
    asked = client.get(
        reverse("cases:act", args=[case.code, "request_info"]), {"missing": "1"}
    ).content.decode()
    assert "- Receipt" in asked and "Student ID" not in asked
    # Not complete while the receipt is missing.
    client.post(reverse("cases:file_complete", args=[case.code]))
    case.refresh_from_db()
    assert case.file_completed_at is None
    client.post(
        reverse("cases:documents", args=[case.code]), {f"doc-{rows['Receipt'].pk}": "received"}
    )
    client.post(reverse("cases:file_complete", args=[case.code]))
    case.refresh_from_db()
    assert case.file_completed_at is not None
    assert case.events.filter(kind=EventKind.FILE_COMPLETED).count() == 1


def test_a_case_page_without_a_service_version_does_not_look_for_a_checklist(
    client, org, version, login
):
    with_checklist = _submitted(client, org, version)
    without = services.submit_case(
        kind="complaint",
        channel="web",
        unit=org.dept_a,
        subject="تأخر الرد",
        body="لم يصلني رد.",
        citizen_name="زينب حسن",
        citizen_phone="07701234567",
    )
    assert without.service_version_id is None and with_checklist.service_version_id is not None
    login(org.officer_a)
    client.cookies["django_language"] = "en"
    table = CaseDocument._meta.db_table
    for case, reads in ((with_checklist, True), (without, False)):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("cases:detail", args=[case.code])).content.decode()
        assert any(table in q["sql"] for q in queries.captured_queries) is reads
        assert ("Student ID" in page) is reads


def test_an_officer_of_another_unit_gets_404(client, org, version, login):
    case = _submitted(client, org, version)
    row = CaseDocument.objects.filter(case=case).first()
    login(org.officer_b)
    response = client.post(
        reverse("cases:documents", args=[case.code]), {f"doc-{row.pk}": "received"}
    )
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.status == DocumentStatus.UPLOADED
