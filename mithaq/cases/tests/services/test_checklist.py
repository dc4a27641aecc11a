"""A service's checklist on a case: documents at submission, staff's marks, the complete
file that starts the decision clock, and the minimum time before a decision. Dates are
counted by hand on the default calendar (Sunday to Thursday, 08:00-14:00 Baghdad; no holiday
from 7 February to 8 March 2027) and commitments (decision 10 working days, whole answer 15)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from mithaq.cases import services
from mithaq.cases.models import CaseDocument, DocumentStatus
from mithaq.cases.services import checklist
from mithaq.cases.states import EventKind
from mithaq.catalog.models import DocumentForm, RequiredDocument, ServiceVersion
from mithaq.routing.models import CaseClock, Target
from mithaq.testing import PDF, make_case

BAGHDAD = ZoneInfo("Asia/Baghdad")


def at(month, day, hour=10, minute=0):
    return datetime.datetime(2027, month, day, hour, minute, tzinfo=BAGHDAD)


@pytest.fixture
def version(org):
    v = ServiceVersion.objects.create(
        service=org.service_a,
        effective_from=datetime.date(2027, 1, 1),
        file_complete_starts_clock=True,
        min_days_before_decision=10,
        declaration_ar="أقر بأن المعلومات صحيحة",
        declaration_en="I declare the information true",
    )
    for position, (ar, en, required) in enumerate(
        [
            ("هوية الطالب", "Student ID", True),
            ("صورة شخصية", "Photo", True),
            ("شهادة الميلاد", "Birth certificate", False),
        ]
    ):
        RequiredDocument.objects.create(
            version=v,
            position=position,
            name_ar=ar,
            name_en=en,
            is_required=required,
            form=DocumentForm.COPY,
        )
    return v


def submit(org, version, *, uploads=(True, False, False), now=None):
    docs = list(version.documents.all())
    return make_case(
        org,
        kind="service_request",
        service=org.service_a,
        now=now or at(2, 7),
        checklist=[
            (doc, SimpleUploadedFile(f"d{i}.pdf", PDF, "application/pdf") if up else None)
            for i, (doc, up) in enumerate(zip(docs, uploads, strict=True))
        ],
        declaration=version.declaration_ar,
    )


def rows(case):
    return {row.document.name_en: row for row in CaseDocument.objects.filter(case=case)}


def test_submission_records_each_document_and_the_declaration(org, version, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = submit(org, version)
    found = rows(case)
    assert found["Student ID"].status == DocumentStatus.UPLOADED
    assert found["Student ID"].attachment.original_name == "d0.pdf"
    assert found["Photo"].status == found["Birth certificate"].status == DocumentStatus.TO_BRING
    assert case.declaration == "أقر بأن المعلومات صحيحة"
    assert case.service_version == version


def test_documents_of_another_version_are_refused_and_nothing_is_written(org, version):
    other = ServiceVersion.objects.create(
        service=org.service_b, effective_from=datetime.date(2027, 1, 1)
    )
    stray = RequiredDocument.objects.create(version=other, name_ar="س", name_en="X")
    with pytest.raises(ValidationError):
        make_case(org, service=org.service_a, now=at(2, 7), checklist=[(stray, None)])
    assert not CaseDocument.objects.exists()


def test_marks_write_one_event_naming_the_changes(org, version, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = submit(org, version)
    found = rows(case)
    services.acknowledge_case(case=case, actor=org.officer_a, now=at(2, 8, 9))
    checklist.mark_documents(
        case=case,
        actor=org.officer_a,
        statuses={
            found["Student ID"].pk: DocumentStatus.VERIFIED,
            found["Photo"].pk: DocumentStatus.MISSING,
        },
        now=at(2, 8, 10),
    )
    event = case.events.get(kind=EventKind.DOCUMENTS_CHECKED)
    assert "صورة شخصية" in event.body and "هوية الطالب" in event.body
    assert rows(case)["Photo"].status == DocumentStatus.MISSING
    assert "صورة شخصية" in checklist.missing_documents_request(case)
    assert "هوية الطالب" not in checklist.missing_documents_request(case)


def test_a_status_staff_may_not_set_is_refused(org, version):
    case = submit(org, version, uploads=(False, False, False))
    row = rows(case)["Photo"]
    with pytest.raises(ValidationError):
        checklist.mark_documents(
            case=case, actor=org.officer_a, statuses={row.pk: DocumentStatus.UPLOADED}
        )
    with pytest.raises(ValidationError):
        checklist.mark_documents(case=case, actor=org.officer_a, statuses={999999: "received"})


def test_file_complete_needs_every_required_document(org, version):
    case = submit(org, version, uploads=(False, False, False))
    found = rows(case)
    services.acknowledge_case(case=case, actor=org.officer_a, now=at(2, 8, 9))
    checklist.mark_documents(
        case=case,
        actor=org.officer_a,
        statuses={found["Student ID"].pk: "received"},
        now=at(2, 8, 10),
    )
    with pytest.raises(ValidationError) as refused:
        checklist.complete_file(case=case, actor=org.officer_a, now=at(2, 8, 11))
    assert "صورة شخصية" in refused.value.messages[0]
    # The optional birth certificate may stay missing.
    checklist.mark_documents(
        case=case,
        actor=org.officer_a,
        statuses={found["Photo"].pk: "verified", found["Birth certificate"].pk: "missing"},
        now=at(2, 8, 12),
    )
    checklist.complete_file(case=case, actor=org.officer_a, now=at(2, 8, 13))
    case.refresh_from_db()
    assert case.file_completed_at == at(2, 8, 13)


def test_the_decision_clock_starts_when_the_file_is_complete(org, version):
    case = submit(org, version, uploads=(False, False, False))
    # Held from submission: paused, due as if it had started then (15 days: 28 February).
    clocks = {c.target: c for c in CaseClock.objects.filter(case=case)}
    assert clocks[Target.DECISION].paused_at == at(2, 7)
    assert clocks[Target.RESOLUTION].paused_at == at(2, 7)
    assert clocks[Target.ACKNOWLEDGEMENT].paused_at is None
    case.refresh_from_db()
    assert case.due_at == at(2, 28, 14)
    services.acknowledge_case(case=case, actor=org.officer_a, now=at(2, 8, 9))
    found = rows(case)
    checklist.mark_documents(
        case=case,
        actor=org.officer_a,
        statuses={found["Student ID"].pk: "received", found["Photo"].pk: "received"},
        now=at(2, 10, 10),
    )
    checklist.complete_file(case=case, actor=org.officer_a, now=at(2, 10, 11))
    clocks = {c.target: c for c in CaseClock.objects.filter(case=case)}
    # 10 working days from Wednesday 10th: 11 | 14 15 16 17 18 | 21 22 23 24 -> 24th.
    assert clocks[Target.DECISION].started_at == at(2, 10, 11)
    assert clocks[Target.DECISION].due_at == at(2, 24, 14)
    assert clocks[Target.DECISION].paused_at is None
    # 15: ... 25 | 28, 1, 2, 3 March -> 3 March.
    assert clocks[Target.RESOLUTION].due_at == at(3, 3, 14)
    case.refresh_from_db()
    assert case.due_at == at(3, 3, 14)


def test_a_service_without_the_flag_starts_its_clocks_at_submission(org, version):
    version.file_complete_starts_clock = False
    version.save()
    case = submit(org, version, uploads=(False, False, False))
    decision = CaseClock.objects.get(case=case, target=Target.DECISION)
    assert decision.paused_at is None and decision.due_at == at(2, 21, 14)


def _ready_to_decide(org, version):
    version.file_complete_starts_clock = False
    version.save()
    case = submit(org, version, uploads=(False, False, False))
    services.acknowledge_case(case=case, actor=org.officer_a, now=at(2, 8, 9))
    return case


def test_no_decision_before_the_minimum_time(org, version):
    case = _ready_to_decide(org, version)
    # 10 working days from Sunday 7th: the close of Sunday 21st.
    with pytest.raises(ValidationError) as refused:
        services.decide_case(
            case=case,
            actor=org.officer_a,
            decision="accepted",
            reasons="مستوفٍ",
            now=at(2, 21, 13),
        )
    assert "21 فبراير 2027" in refused.value.messages[0]  # the one Arabic date style
    services.decide_case(
        case=case,
        actor=org.officer_a,
        decision="accepted",
        reasons="مستوفٍ",
        now=at(2, 21, 14),
    )
    case.refresh_from_db()
    assert case.state == "decided"


def test_only_the_office_manager_overrides_the_minimum_time_with_a_reason(org, version):
    case = _ready_to_decide(org, version)
    with pytest.raises(ValidationError):
        services.decide_case(
            case=case,
            actor=org.officer_a,
            decision="accepted",
            reasons="مستوفٍ",
            override_reason="حالة إنسانية",
            may_override=False,
            now=at(2, 9),
        )
    assert not case.events.filter(kind=EventKind.WAIT_OVERRIDDEN).exists()
    services.decide_case(
        case=case,
        actor=org.office_manager,
        decision="accepted",
        reasons="مستوفٍ",
        override_reason="حالة إنسانية",
        may_override=True,
        now=at(2, 9),
    )
    override = case.events.get(kind=EventKind.WAIT_OVERRIDDEN)
    assert override.body == "حالة إنسانية" and override.actor == org.office_manager
    assert case.events.filter(kind=EventKind.DECIDED).exists()


def test_a_service_held_for_its_file_is_not_decided_before_it_is_complete(org, version):
    case = submit(org, version, uploads=(False, False, False))
    services.acknowledge_case(case=case, actor=org.officer_a, now=at(2, 8, 9))
    with pytest.raises(ValidationError) as refused:
        services.decide_case(
            case=case, actor=org.officer_a, decision="accepted", reasons="x", now=at(3, 30)
        )
    assert refused.value.code == "too_early"
    assert "2027" not in refused.value.messages[0]  # no date yet: it waits for the file
