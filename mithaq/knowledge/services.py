"""Writes of ready answers: canned replies and the questions and answers of a service.

Each write is one transaction: the row, its texts in every language, and who changed it."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mithaq.accounts.access import may_edit_ready_answers
from mithaq.accounts.models import OrgUnit, User
from mithaq.catalog.models import Service
from mithaq.common.text import normalize_arabic

from .models import CannedReply, CannedReplyText, FaqEntry, FaqText


def _scope_unit(unit: OrgUnit | None, service: Service | None) -> OrgUnit | None:
    if unit is not None:
        return unit
    return service.unit if service is not None else None


def _check_scope(*, actor: User, unit: OrgUnit | None, service: Service | None) -> None:
    if unit is not None and service is not None and not service.unit.path.startswith(unit.path):
        raise ValidationError(
            _("This service is not offered by the chosen unit or a unit under it.")
        )
    if not may_edit_ready_answers(actor, _scope_unit(unit, service)):
        raise ValidationError(_("You may not keep ready answers for this unit."))


def _clean_texts(texts: dict, required: str, *fields: str) -> dict:
    """{language: (field, ...)} with blank languages dropped; the required one must be there."""
    kept = {}
    for language, values in texts.items():
        values = tuple((v or "").strip() for v in values)
        if any(values):
            if not all(values):
                raise ValidationError(_("Fill in every part of a language, or leave it all empty."))
            kept[language] = values
    if required not in kept:
        raise ValidationError(_("The Arabic text is required."))
    return kept


@transaction.atomic
def save_canned_reply(
    *,
    actor: User,
    texts: dict[str, tuple[str, str]],
    unit: OrgUnit | None = None,
    service: Service | None = None,
    is_active: bool = True,
    reply: CannedReply | None = None,
    now: datetime.datetime | None = None,
) -> CannedReply:
    """Create `reply` (None) or change it. `texts` is {language: (title, body)}; Arabic is
    required and a language left blank is removed."""
    now = now or timezone.now()
    if reply is not None:
        reply = (
            CannedReply.objects.select_for_update(of=("self",))
            .select_related("unit", "service__unit")
            .get(pk=reply.pk)
        )
        # Whoever changes a reply must hold it both before and after.
        _check_scope(actor=actor, unit=reply.unit, service=reply.service)
    _check_scope(actor=actor, unit=unit, service=service)
    texts = _clean_texts(texts, "ar")
    if reply is None:
        reply = CannedReply(created_by=actor, created_at=now)
    reply.unit, reply.service, reply.is_active = unit, service, is_active
    reply.updated_by, reply.updated_at = actor, now
    reply.search_text = normalize_arabic(
        " ".join(part for title, body in texts.values() for part in (title, body))
    )
    reply.save()
    reply.texts.exclude(language__in=list(texts)).delete()
    existing = {t.language: t for t in reply.texts.all()}
    for language, (title, body) in texts.items():
        text = existing.get(language) or CannedReplyText(reply=reply, language=language)
        text.title, text.body = title, body
        text.save()
    return reply


@transaction.atomic
def set_canned_reply_active(
    *, reply: CannedReply, actor: User, active: bool, now: datetime.datetime | None = None
) -> CannedReply:
    reply = (
        CannedReply.objects.select_for_update(of=("self",))
        .select_related("unit", "service__unit")
        .get(pk=reply.pk)
    )
    _check_scope(actor=actor, unit=reply.unit, service=reply.service)
    reply.is_active = active
    reply.updated_by, reply.updated_at = actor, now or timezone.now()
    reply.save(update_fields=["is_active", "updated_by", "updated_at"])
    return reply


@transaction.atomic
def save_faq_entry(
    *,
    actor: User,
    service: Service,
    texts: dict[str, tuple[str, str]],
    position: int = 10,
    is_published: bool = False,
    entry: FaqEntry | None = None,
    now: datetime.datetime | None = None,
) -> FaqEntry:
    """Create `entry` (None) or change it. `texts` is {language: (question, answer)}."""
    now = now or timezone.now()
    if entry is not None:
        entry = (
            FaqEntry.objects.select_for_update(of=("self",))
            .select_related("service__unit")
            .get(pk=entry.pk)
        )
        _check_scope(actor=actor, unit=None, service=entry.service)
    if service is None:
        raise ValidationError(_("Choose the service this answer is about."))
    _check_scope(actor=actor, unit=None, service=service)
    texts = _clean_texts(texts, "ar")
    if entry is None:
        entry = FaqEntry(created_by=actor, created_at=now)
    entry.service, entry.position, entry.is_published = service, position, is_published
    entry.updated_by, entry.updated_at = actor, now
    entry.save()
    entry.texts.exclude(language__in=list(texts)).delete()
    existing = {t.language: t for t in entry.texts.all()}
    for language, (question, answer) in texts.items():
        text = existing.get(language) or FaqText(entry=entry, language=language)
        text.question, text.answer = question, answer
        text.save()
    return entry
