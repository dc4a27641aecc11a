"""Government systems and the ministry: a case entered in an external system (Egypt's unified
complaints system, Iraq's electronic citizen programme) with its reference, status and, once
that system closes it, its closure code; and the letters exchanged with the body a request
came from. Open or closed, the case keeps its state: these record what happened elsewhere."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mithaq.accounts.models import User
from mithaq.common import search_text as search_index

from ..models import Case, CaseEvent
from ..states import EventKind, ExternalSystem
from .events import lock_case, record_event

LETTER_NUMBER_MAX = 60


def record_external_entry(
    *,
    case: Case,
    actor: User,
    system: str,
    reference: str,
    status: str = "",
    closure_code: str = "",
    now: datetime.datetime | None = None,
) -> Case:
    """Staff entered the case in `system` (or updated it there): its reference, its status in
    that system and the closure code it gave. Allowed while the case is open, and after its
    closing (the external closure code often comes later). An unchanged entry writes nothing."""
    reference, status, closure_code = reference.strip(), status.strip(), closure_code.strip()
    if system not in ExternalSystem.values:
        raise ValidationError(_("Choose a known external system."), code="external")
    if not reference:
        raise ValidationError(
            _("Give the case's reference in the external system."), code="reference"
        )
    if len(reference) > 80 or len(status) > 80 or len(closure_code) > 40:
        raise ValidationError(
            _("This entry is too long for the external system's fields."), code="length"
        )
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_case(case)
        before = (
            locked.external_system,
            locked.external_reference,
            locked.external_status,
            locked.external_closure_code,
        )
        if before == (system, reference, status, closure_code):
            return locked
        locked.external_system = system
        locked.external_reference = reference
        locked.external_status = status
        locked.external_closure_code = closure_code
        locked.external_updated_at = now
        locked.updated_at = now
        if reference != before[1]:
            # The external reference is found by the inbox's search, as the code is.
            locked.search_text = search_index.with_text_added(locked.search_text, reference)
        locked.save(
            update_fields=[
                "external_system",
                "external_reference",
                "external_status",
                "external_closure_code",
                "external_updated_at",
                "updated_at",
                "search_text",
            ]
        )
        record_event(
            locked,
            kind=EventKind.EXTERNAL_RECORDED,
            actor=actor,
            now=now,
            body=" · ".join(part for part in (status, closure_code) if part),
            external_system=system,
            external_reference=reference,
        )
    return locked


def record_letter_event(
    *,
    case: Case,
    actor: User,
    sent: bool,
    number: str,
    body: str,
    now: datetime.datetime | None = None,
) -> CaseEvent:
    """A letter received from, or an answer sent to, the body a request came from, on the
    case's history (internal); its number is searchable. The letter's own row is the
    caller's (mithaq.intake), written in this transaction."""
    number = number.strip()
    if not number:
        raise ValidationError(_("A letter needs its number."), code="letter_number")
    if len(number) > LETTER_NUMBER_MAX:
        raise ValidationError(_("The letter number is too long."), code="letter_number")
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_case(case)
        locked.updated_at = now
        locked.search_text = search_index.with_text_added(locked.search_text, number)
        locked.save(update_fields=["updated_at", "search_text"])
        return record_event(
            locked,
            kind=EventKind.LETTER_SENT if sent else EventKind.LETTER_RECEIVED,
            actor=actor,
            now=now,
            body=body.strip(),
        )
