"""Writes of the citizen registry: find or make the person behind a new case, follow their
contact changes, staff verification and contact preferences."""

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mithaq.accounts.models import User

from .models import Citizen, ContactChannel

# A case registered by staff updates an unverified record with what it brings.
_FOLLOWED = ("name", "email", "group", "language", "phone", "national_id")


def pick_citizen(candidates: Iterable[Citizen], *, phone: str, national_id: str) -> Citizen | None:
    """Which of `candidates` (Citizen.objects.matching(...)) is the person: the one with this
    national ID; else, by phone, one who gave no national ID or (when none is given now) the
    most recently seen. A phone match with another national ID is another person."""
    rows = list(candidates)
    if national_id:
        for row in rows:
            if row.national_id == national_id:
                return row
        rows = [r for r in rows if r.phone == phone and not r.national_id]
    else:
        rows = [r for r in rows if r.phone == phone]
    rows.sort(key=lambda r: (bool(r.national_id), -r.updated_at.timestamp()))
    return rows[0] if rows else None


def citizen_for_submission(
    *,
    phone: str,
    national_id: str = "",
    name: str,
    email: str = "",
    group: str,
    language: str,
    now: datetime.datetime,
    by_staff: bool = False,
    by_whatsapp: bool = False,
) -> Citizen:
    """The registry's record of whoever brings a new case, found by national ID, else by
    phone, and made when there is none. Runs inside submit_case's transaction: one SELECT,
    then one INSERT or UPDATE only when something is new.

    Who registered the case decides what the record takes from it. Staff (`by_staff`:
    reception, who has the person in front of them or on the line) update a record not yet
    verified with the name, contact details, group and language the case brings. A web
    submission is anyone's word: it never changes an existing record, and joins one only
    when what it gives agrees with it (see _web_citizen).

    A person first met on WhatsApp (`by_whatsapp`: the case came by that channel) is answered
    there: their new record allows WhatsApp and prefers it. An existing record keeps the
    preferences it has, which are the person's or staff's word."""
    phone, national_id = phone or "", national_id or ""
    matching = Citizen.objects.matching(phone=phone, national_id=national_id)
    candidates: list[Citizen] = list(matching.order_by("-updated_at")[:10])
    brought: dict[str, Any] = {
        "name": name.strip(),
        "email": email.strip().lower(),
        "group": group,
        "language": language,
        "phone": phone,
        "national_id": national_id,
    }
    if by_whatsapp:
        # Only a new record takes these (Citizen(**brought)); updates follow _FOLLOWED.
        brought |= {"allow_whatsapp": True, "preferred_channel": ContactChannel.WHATSAPP}
    if not by_staff:
        return _web_citizen(candidates, brought=brought, now=now)
    found = pick_citizen(candidates, phone=phone, national_id=national_id)
    if found is None:
        return _new_citizen(brought, now=now, or_existing=lambda existing: existing)
    if found.is_verified:
        return found
    changed = [f for f in _FOLLOWED if brought[f] and getattr(found, f) != brought[f]]
    if changed:
        for field in changed:
            setattr(found, field, brought[field])
        found.updated_at = now
        found.save(update_fields=[*changed, "updated_at"])
    return found


def _web_citizen(candidates: list[Citizen], *, brought: dict, now: datetime.datetime) -> Citizen:
    """The record a web case joins, unchanged: the one with its national ID when the phone is
    that record's too; by phone when no national ID is given, or when the record of that
    phone has none. A national ID on record with another phone may be anyone's typing (or
    the person's, from a phone the registry does not know): the case gets a record of its
    own keyed by its phone only, and the clash is shown to staff on the case
    (duplicates.possible_duplicates), who have the documents to settle it."""
    phone, national_id = brought["phone"], brought["national_id"]
    found = pick_citizen(candidates, phone=phone, national_id=national_id)
    if found is not None:
        return found if found.phone == phone else _phone_citizen(candidates, brought, now)

    def taken_meanwhile(existing: Citizen) -> Citizen:
        return existing if existing.phone == phone else _phone_citizen(candidates, brought, now)

    return _new_citizen(brought, now=now, or_existing=taken_meanwhile if national_id else None)


def _phone_citizen(candidates: list[Citizen], brought: dict, now: datetime.datetime) -> Citizen:
    """The record of this phone with no national ID (the newest), else a new one."""
    phone = brought["phone"]
    for row in candidates:  # newest first
        if row.phone == phone and not row.national_id:
            return row
    return _new_citizen({**brought, "national_id": ""}, now=now)


def _new_citizen(
    brought: dict,
    *,
    now: datetime.datetime,
    or_existing: Callable[[Citizen], Citizen] | None = None,
) -> Citizen:
    """A new record; when its national ID was taken meanwhile, or_existing(that record)."""
    citizen = Citizen(**brought, created_at=now, updated_at=now)
    try:
        # A savepoint: two first cases of one person racing must not fail a submission.
        with transaction.atomic():
            citizen.save()
    except IntegrityError:
        if not brought["national_id"] or or_existing is None:
            raise
        return or_existing(Citizen.objects.get(national_id=brought["national_id"]))
    return citizen


def update_contact(*, citizen_id: int, phone: str, email: str, now: datetime.datetime) -> None:
    """The record follows the person's own new phone and email (the caller, cases, has
    decided that the record is theirs alone)."""
    Citizen.objects.filter(pk=citizen_id).update(phone=phone, email=email, updated_at=now)


@transaction.atomic
def mark_verified(
    *, citizen: Citizen, actor: User, now: datetime.datetime | None = None
) -> Citizen:
    """A member of staff matched the record with the person's documents (seed 003)."""
    now = now or timezone.now()
    locked = Citizen.objects.select_for_update().get(pk=citizen.pk)
    locked.verified_by, locked.verified_at, locked.updated_at = actor, now, now
    locked.save(update_fields=["verified_by", "verified_at", "updated_at"])
    return locked


@transaction.atomic
def update_preferences(
    *,
    citizen: Citizen,
    actor: User,
    allow_sms: bool,
    allow_email: bool,
    allow_whatsapp: bool,
    preferred_channel: str,
    language: str,
    now: datetime.datetime | None = None,
) -> Citizen:
    """How the person wants to be reached. The preferred channel must be one they allow and
    have an address for."""
    if preferred_channel and preferred_channel not in ContactChannel.values:
        raise ValidationError(_("Choose a known channel."), code="preferred_channel")
    locked = Citizen.objects.select_for_update().get(pk=citizen.pk)
    allowed = {
        ContactChannel.SMS: allow_sms and bool(locked.phone),
        ContactChannel.WHATSAPP: allow_whatsapp and bool(locked.phone),
        ContactChannel.EMAIL: allow_email and bool(locked.email),
    }
    if preferred_channel and not allowed[ContactChannel(preferred_channel)]:
        raise ValidationError(
            _("The preferred channel must be allowed and have an address on record."),
            code="preferred_channel",
        )
    locked.allow_sms, locked.allow_email, locked.allow_whatsapp = (
        allow_sms,
        allow_email,
        allow_whatsapp,
    )
    locked.preferred_channel = preferred_channel
    locked.language = language
    locked.updated_at = now or timezone.now()
    locked.save()
    return locked


ERASED_NAME = "—"


@transaction.atomic
def anonymise_citizen(*, citizen_id: int) -> None:
    """The people's data rights (mithaq.privacy): the record keeps its row (the cases point
    at it) and its group, the language and the dates; name, phone, email and national ID are
    replaced. The key the table requires is a placeholder that names nobody. Idempotent."""
    Citizen.objects.filter(pk=citizen_id).update(
        name=ERASED_NAME,
        phone="",
        email="",
        national_id=f"erased-{citizen_id}",
        preferred_channel="",
        allow_sms=False,
        allow_email=False,
        allow_whatsapp=False,
    )
