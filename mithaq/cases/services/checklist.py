"""A service's document checklist on a case: what the applicant brings at submission, what
staff find (received, verified against the original, missing), the complete file that starts
a service's decision clock, and the minimum time before a decision (seed 003)."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mithaq.accounts.models import User
from mithaq.catalog.models import RequiredDocument
from mithaq.common.dates import long_date
from mithaq.routing import calendar as working

from ..models import Attachment, Case, CaseDocument, CaseEvent, DocumentStatus
from ..states import Action, EventKind, State
from .events import check_action, lock_case, record_event, store_files

# What staff may set a document to.
STAFF_STATUSES = (DocumentStatus.RECEIVED, DocumentStatus.VERIFIED, DocumentStatus.MISSING)


def record_checklist(
    case: Case,
    event: CaseEvent,
    checklist: Sequence[tuple[RequiredDocument, Any]],
    *,
    now: datetime.datetime,
    written: list[Attachment],
) -> None:
    """At submission, in its transaction: one row per document of the version, uploaded (the
    file follows the upload rules, mithaq.common.uploads) or to be brought to the window."""
    rows = []
    for document, upload in checklist:
        attachment = None
        if upload is not None:
            store_files(
                case,
                event,
                [upload],
                by_citizen=True,
                uploaded_by=None,
                is_public=True,
                now=now,
                written=written,
            )
            attachment = written[-1]
        rows.append(
            CaseDocument(
                case=case,
                document=document,
                status=DocumentStatus.UPLOADED if upload is not None else DocumentStatus.TO_BRING,
                attachment=attachment,
                updated_at=now,
            )
        )
    CaseDocument.objects.bulk_create(rows)


def mark_documents(
    *,
    case: Case,
    actor: User,
    statuses: dict[int, str],
    now: datetime.datetime | None = None,
) -> Case:
    """Set what staff found for some of the case's documents (CaseDocument pk -> status),
    with one event naming each change."""
    if not statuses:
        raise ValidationError(_("Mark at least one document."), code="empty")
    if any(status not in STAFF_STATUSES for status in statuses.values()):
        raise ValidationError(_("Choose received, verified or missing."), code="status")
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_case(case)
        check_action(Action.NOTE, locked)
        rows = {row.pk: row for row in locked.documents.select_related("document")}
        if set(statuses) - set(rows):
            raise ValidationError(_("This document is not on the case's list."), code="document")
        lines = []
        for pk, status in statuses.items():
            row = rows[pk]
            if row.status == status:
                continue
            row.status, row.updated_at, row.updated_by = status, now, actor
            row.save(update_fields=["status", "updated_at", "updated_by"])
            lines.append(f"{row.document.name}: {row.get_status_display()}")
        if lines:
            record_event(
                locked,
                kind=EventKind.DOCUMENTS_CHECKED,
                actor=actor,
                now=now,
                body="\n".join(lines),
            )
    return locked


def missing_documents(case: Case) -> list[CaseDocument]:
    return [
        row
        for row in case.documents.select_related("document")
        if row.status == DocumentStatus.MISSING
    ]


def missing_documents_request(case: Case) -> str:
    """The information request pre-filled by "ask for the missing documents"."""
    names = [row.document.name for row in missing_documents(case)]
    if not names:
        return ""
    listed = "\n".join(f"- {name}" for name in names)
    return _("Please send us the following documents, or bring them to the window:\n%(names)s") % {
        "names": listed
    }


def complete_file(*, case: Case, actor: User, now: datetime.datetime | None = None) -> Case:
    """Every required document is received or verified: the file is complete. Where the
    service's version says so, the decision clock starts now (cases.services.clocks)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_case(case)
        check_action(Action.NOTE, locked)
        if locked.state not in {State.RECEIVED, State.UNDER_REVIEW, State.REFERRED, State.REOPENED}:
            raise ValidationError(
                _("The file can be completed only while the case is being worked on."),
                code="bad_state",
            )
        if locked.file_completed_at is not None:
            raise ValidationError(_("The file is already complete."), code="done")
        waiting = [
            row.document.name
            for row in locked.documents.select_related("document")
            if row.document.is_required and not row.is_in_order
        ]
        if waiting:
            raise ValidationError(
                _("These required documents are not received yet: %(names)s")
                % {
                    "names": "، ".join(waiting)
                    if locked.citizen_language == "ar"
                    else ", ".join(waiting)
                },
                code="documents",
            )
        locked.file_completed_at = now
        locked.updated_at = now
        locked.save(update_fields=["file_completed_at", "updated_at"])
        record_event(locked, kind=EventKind.FILE_COMPLETED, actor=actor, now=now, is_public=True)
    return locked


def earliest_decision(case: Case) -> datetime.datetime | None:
    """The service's minimum time before a decision, counted in working days from the
    complete file where the decision clock starts there, else from submission; None when
    the service sets none."""
    version = case.service_version
    if version is None or not version.min_days_before_decision:
        return None
    start = case.created_at
    if version.file_complete_starts_clock:
        if case.file_completed_at is None:
            return datetime.datetime.max.replace(tzinfo=datetime.UTC)
        start = case.file_completed_at
    return working.config().calendar.add_days(start, version.min_days_before_decision)


def check_minimum_time(
    *, case: Case, actor: User, override_reason: str, may_override: bool, now: datetime.datetime
) -> str:
    """Refuse a decision before the service's minimum time, unless the office manager
    overrides it with a reason; returns the reason to record ("" when none was needed)."""
    earliest = earliest_decision(case)
    if earliest is None or now >= earliest:
        return ""
    if not override_reason.strip():
        if earliest.year == datetime.MAXYEAR:
            raise ValidationError(
                _("This service is decided only once the file is complete."), code="too_early"
            )
        raise ValidationError(
            _("This service may not be decided before %(date)s.")
            % {"date": long_date(timezone.localtime(earliest).date())},
            code="too_early",
        )
    if not may_override:
        raise ValidationError(
            _("Only the office manager may decide before the minimum time."), code="override"
        )
    return override_reason.strip()
