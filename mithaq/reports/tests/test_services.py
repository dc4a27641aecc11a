"""Packs as records: built by the job, signed off and frozen, new versions, submissions, and
the scheduler's first working day after a period."""

import datetime
import hashlib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from mithaq.reports import services, tasks
from mithaq.reports.models import PackStatus, ReportPack, SubmissionWay
from mithaq.reports.periods import monthly, semiannual
from mithaq.routing import calendar as working

from . import fixture

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def built(org, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    fixture.build(org)
    with django_capture_on_commit_callbacks(execute=True):
        pack = services.request_pack(
            period=monthly(2026, 11), unit=None, requested_by=org.office_manager
        )
    pack.refresh_from_db()
    return pack


def test_the_job_builds_figures_and_files_with_their_hashes(built):
    assert built.status == PackStatus.DRAFT
    assert built.version == 1
    assert built.figures["current"]["volume"]["total"]["received"] == 6
    pdf = built.pdf.read()
    assert pdf.startswith(b"%PDF")
    assert built.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert built.xlsx_sha256 == hashlib.sha256(built.xlsx.read()).hexdigest()
    assert built.number == "MONTHLY-2026-11-ALL-V1"


def test_request_only_enqueues(org, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        pack = services.request_pack(period=monthly(2026, 11), unit=None, requested_by=None)
    pack.refresh_from_db()
    assert pack.status == PackStatus.BUILDING and pack.figures == {}


def test_sign_off_freezes_and_rebuilding_makes_a_new_version(
    built, org, django_capture_on_commit_callbacks
):
    now = datetime.datetime(2026, 12, 6, 10, tzinfo=fixture.BAGHDAD)
    signed = services.sign_off_pack(pack=built, actor=org.office_manager, comment="مطابق", now=now)
    assert (signed.status, signed.signed_off_by, signed.signed_off_at) == (
        PackStatus.SIGNED_OFF,
        org.office_manager,
        now,
    )
    kept = (signed.figures, signed.pdf_sha256, signed.pdf.name)
    # A building job run again leaves it as it is.
    services.build_pack(signed.pk)
    with pytest.raises(ValidationError):
        services.sign_off_pack(pack=signed, actor=org.office_manager)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.request_pack(period=monthly(2026, 11), unit=None, requested_by=None)
    again.refresh_from_db()
    signed.refresh_from_db()
    assert (signed.figures, signed.pdf_sha256, signed.pdf.name) == kept
    assert again.version == 2 and again.status == PackStatus.DRAFT
    assert again.pdf.name != signed.pdf.name


def test_submit_by_email_attaches_the_files(built, org):
    with pytest.raises(ValidationError):  # a draft is not submitted
        services.submit_pack(
            pack=built,
            actor=org.office_manager,
            recipient="الوزارة",
            way=SubmissionWay.BY_HAND,
            letter_number="12/س",
        )
    services.sign_off_pack(pack=built, actor=org.office_manager)
    submission = services.submit_pack(
        pack=built,
        actor=org.office_manager,
        recipient="دائرة الشكاوى في الوزارة",
        way=SubmissionWay.EMAIL,
        email="complaints@ministry.example",
    )
    assert submission.email == "complaints@ministry.example"
    [sent] = mail.outbox
    assert sent.to == ["complaints@ministry.example"]
    names = [name for name, _content, _type in sent.attachments]
    assert names == ["MONTHLY-2026-11-ALL-V1.pdf", "MONTHLY-2026-11-ALL-V1.xlsx"]
    assert sent.attachments[0][1].startswith(b"%PDF")


def test_submit_by_hand_needs_a_letter_number(built, org):
    services.sign_off_pack(pack=built, actor=org.office_manager)
    with pytest.raises(ValidationError):
        services.submit_pack(
            pack=built, actor=org.office_manager, recipient="الوزارة", way=SubmissionWay.BY_HAND
        )
    assert not built.submissions.exists()
    done = services.submit_pack(
        pack=built,
        actor=org.office_manager,
        recipient="الوزارة",
        way=SubmissionWay.BY_HAND,
        letter_number="ش/1234",
    )
    assert done.letter_number == "ش/1234" and not mail.outbox


def test_due_periods_wait_for_the_first_working_day(db):
    calendar = working.fresh_config().calendar
    # 1 Nov 2026 is a Sunday (a working day): October's pack is due that day.
    assert [p.key for p in tasks.due_periods(datetime.date(2026, 11, 1), calendar)] == [
        "monthly:2026-10"
    ]
    assert tasks.due_periods(datetime.date(2026, 11, 2), calendar) == []
    # 1 Jan 2027 is a Friday and New Year's Day; Saturday is the weekend: Sunday 3 January
    # is the first working day after December, the second half and the year.
    assert tasks.due_periods(datetime.date(2027, 1, 1), calendar) == []
    assert [p.key for p in tasks.due_periods(datetime.date(2027, 1, 3), calendar)] == [
        "monthly:2026-12",
        "semiannual:2026-H2",
        "annual:2026",
    ]
    assert semiannual(2026, 2).key == "semiannual:2026-H2"


def test_scheduler_asks_once(org, settings, django_capture_on_commit_callbacks, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    monday = datetime.datetime(2026, 11, 1, 9, tzinfo=fixture.BAGHDAD)
    monkeypatch.setattr(tasks.timezone, "now", lambda: monday)
    tasks.build_due_packs.call()
    tasks.build_due_packs.call()
    assert list(ReportPack.objects.values_list("period", "version", "requested_by")) == [
        ("monthly:2026-10", 1, None)
    ]
