"""The people's data rights on a case (capability 12): restricting a case to named people,
and erasing its personal data (after its retention period, or on an approved request; the
orchestration is mithaq.privacy's, which also clears the apps above this one).

What an erased case keeps is what the reports count: its reference, kind, unit, service,
channel, group, states, dates, events (without their text), clocks and their outcomes, and
the reference it was entered under in the government's system (the reports' re-entry list). Its
citizen's name, phone, email, national ID, every free text and every file are gone."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mithaq.accounts.models import User
from mithaq.citizens.services import ERASED_NAME
from mithaq.common.search_text import build_search_text
from mithaq.notifications.models import Message
from mithaq.notifications.services import erase_messages
from mithaq.routing.models import Consultation, Referral

from ..models import Attachment, Case, CaseEvent
from ..states import EventKind
from .events import lock_case, record_event


@transaction.atomic
def restrict_case(
    *, case: Case, actor: User, people: Iterable[User], now: datetime.datetime
) -> None:
    """Make `case` visible only to `people` (and to `actor`, who would otherwise lock
    themselves out), or, with no people, lift the restriction. The right to do it is asked
    by the caller (accounts.access.may_restrict_cases)."""
    locked = lock_case(case)
    named = {p.pk: p for p in people}
    if named:
        named.setdefault(actor.pk, actor)
        if not all(p.is_active for p in named.values()):
            raise ValidationError(_("Only active staff can be named."), code="inactive")
        locked.is_restricted = True
        locked.updated_at = now
        locked.save(update_fields=["is_restricted", "updated_at"])
        locked.restricted_to.set(named.values())
        record_event(locked, kind=EventKind.RESTRICTED, actor=actor, now=now)
    elif locked.is_restricted:
        locked.is_restricted = False
        locked.updated_at = now
        locked.save(update_fields=["is_restricted", "updated_at"])
        locked.restricted_to.clear()
        record_event(locked, kind=EventKind.UNRESTRICTED, actor=actor, now=now)
    case.is_restricted = locked.is_restricted


def _files_deleted_after_commit(attachments: list[Attachment]) -> None:
    # Storage is not transactional: the files go once the rows are gone for good.
    names = [(a.file.storage, a.file.name) for a in attachments if a.file.name]

    def delete() -> None:
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def anonymise_case(*, case: Case, actor: User | None, now: datetime.datetime) -> bool:
    """Erase the personal data of `case` (see the module's docstring). Idempotent: False
    when it was erased already."""
    locked = lock_case(case)
    if locked.anonymised_at is not None:
        return False
    locked.citizen_name = ERASED_NAME
    locked.citizen_phone = ""
    locked.citizen_email = ""
    locked.citizen_national_id = ""
    locked.subject = ERASED_NAME
    locked.body = ""
    locked.remedy_sought = ""
    locked.declaration = ""
    locked.decision_reasons = ""
    locked.letter_number = ""
    # The search document holds the name, the phone and every text: rebuilt from what is
    # left, so the case is found by its reference only.
    locked.search_text = build_search_text(
        code=locked.code,
        citizen_name="",
        citizen_phone="",
        subject="",
        body="",
        references=[locked.external_reference],
    )
    locked.anonymised_at = now
    locked.updated_at = now
    locked.save()
    CaseEvent.objects.filter(case=locked).update(body="")
    attachments = list(Attachment.objects.filter(case=locked))
    Attachment.objects.filter(case=locked).delete()
    _files_deleted_after_commit(attachments)
    Referral.objects.filter(case=locked).update(reason="", return_reason="")
    Consultation.objects.filter(case=locked).update(question="", answer="")
    erase_messages(Message.objects.filter(case=locked))
    record_event(locked, kind=EventKind.ANONYMISED, actor=actor, now=now)
    case.anonymised_at = now
    return True
