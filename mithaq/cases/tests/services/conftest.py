"""Helpers of the service tests: files with real magic bytes, a MEDIA_ROOT of the test's own,
snapshots of a case, and the way to bring a case into each state through the services."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mithaq.cases.models import Attachment, Case, CaseEvent
from mithaq.cases.services import (
    acknowledge_case,
    close_case,
    decide_case,
    refer_case,
    reopen_case,
    request_information,
    resolve_case,
)
from mithaq.cases.states import (
    ClosureCode,
    Decision,
    State,
)
from mithaq.routing.calendar import invalidate as invalidate_calendar
from mithaq.routing.models import Commitment, DurationUnit, Target
from mithaq.testing import EXE, HTML, PDF, docx_bytes, make_case, png_bytes, zip_bytes

# Files with real magic bytes ------------------------------------------------------------

PNG = png_bytes()
DOCX = docx_bytes()
zipped = zip_bytes


def pdf(name="كتاب رسمي.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png(name="photo.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def docx(name="request.docx"):
    return SimpleUploadedFile(name, DOCX, content_type="application/octet-stream")


BAD_FILES = {
    "exe_named_pdf": lambda: SimpleUploadedFile("invoice.pdf", EXE, "application/pdf"),
    "html_named_png": lambda: SimpleUploadedFile("photo.png", HTML, "image/png"),
    "plain_zip_named_docx": lambda: SimpleUploadedFile(
        "request.docx", zipped({"notes.txt": "hello"}), "application/zip"
    ),
    "empty_pdf": lambda: SimpleUploadedFile("empty.pdf", b"", "application/pdf"),
}


@pytest.fixture
def media(settings, tmp_path):
    """MEDIA_ROOT in a folder of this test's own, so that what is left on disk can be seen."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def files_on_disk(media) -> list:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


# Helpers -------------------------------------------------------------------------------


def promise_for_service(service, *, days):
    """The charter promises the whole answer on `service` within `days` working days."""
    Commitment.objects.create(
        target=Target.RESOLUTION, service=service, amount=days, unit=DurationUnit.DAYS
    )
    invalidate_calendar()


def later(hours=1):
    return timezone.now() + datetime.timedelta(hours=hours)


def snapshot(case: Case) -> tuple:
    """Everything about a case in the database: its row, its events and its files."""
    return (
        Case.objects.filter(pk=case.pk).values().get(),
        list(CaseEvent.objects.filter(case_id=case.pk).values_list("pk", flat=True)),
        list(Attachment.objects.filter(case_id=case.pk).values_list("pk", flat=True)),
    )


def new_events(case: Case, before: tuple) -> list:
    return list(CaseEvent.objects.filter(case_id=case.pk).exclude(pk__in=before[1]))


def reload(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


# The way to bring a case into each state, through the services themselves.
def _to_received(org, case):
    return case


def _to_under_review(org, case):
    return acknowledge_case(case=case, actor=org.officer_a)


def _to_referred(org, case):
    return refer_case(case=case, actor=org.officer_a, to_unit=org.dept_a2, reason="اختصاص القسم")


def _to_awaiting_citizen(org, case):
    return request_information(case=case, actor=org.officer_a, question="أرسل الوصل")


def _to_decided(org, case):
    case = acknowledge_case(case=case, actor=org.officer_a)
    return decide_case(case=case, actor=org.leader, decision=Decision.ACCEPTED, reasons="محق")


def _to_resolved(org, case):
    case = acknowledge_case(case=case, actor=org.officer_a)
    return resolve_case(case=case, actor=org.officer_a, summary="صدر الكشف")


def _to_closed(org, case):
    return close_case(case=case, actor=org.office_manager, closure_code=ClosureCode.ANSWERED)


def _to_reopened(org, case):
    case = _to_closed(org, case)
    return reopen_case(case=case, actor=org.office_manager, reason="لم يستلم الكشف")


DRIVE = {
    State.RECEIVED: _to_received,
    State.UNDER_REVIEW: _to_under_review,
    State.REFERRED: _to_referred,
    State.AWAITING_CITIZEN: _to_awaiting_citizen,
    State.DECIDED: _to_decided,
    State.RESOLVED: _to_resolved,
    State.CLOSED: _to_closed,
    State.REOPENED: _to_reopened,
}


def case_in(org, state: State, **overrides) -> Case:
    case = DRIVE[state](org, make_case(org, **overrides))
    assert reload(case).state == state
    return reload(case)
