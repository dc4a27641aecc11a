"""Writes of the citizen registry: find or make the person behind a new case, follow their
contact changes, staff verification and contact preferences."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Citizen, ContactChannel

# Submissions update an unverified record with what the latest case brings.
_FOLLOWED = ("name", "email", "group", "language", "phone", "national_id")


def pick_citizen(candidates, *, phone: str, national_id: str) -> Citizen | None:
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
) -> Citizen:
    """The registry's record of whoever brings a new case, found by national ID, else by
    phone, and made when there is none; a record staff have not verified takes the name,
    email, group and language the new case brings. Runs inside submit_case's transaction:
    one SELECT, then one INSERT or UPDATE only when something is new."""
    phone, national_id = phone or "", national_id or ""
    found = pick_citizen(
        Citizen.objects.matching(phone=phone, national_id=national_id).order_by("-updated_at")[:10],
        phone=phone,
        national_id=national_id,
    )
    brought = {
        "name": name.strip(),
        "email": email.strip().lower(),
        "group": group,
        "language": language,
        "phone": phone,
        "national_id": national_id,
    }
    if found is None:
        citizen = Citizen(**brought, created_at=now, updated_at=now)
        try:
            # A savepoint: two first cases of one person racing must not fail a submission.
            with transaction.atomic():
                citizen.save()
        except IntegrityError:
            if not national_id:
                raise
            citizen = Citizen.objects.get(national_id=national_id)
        return citizen
    if found.is_verified:
        return found
    changed = [f for f in _FOLLOWED if brought[f] and getattr(found, f) != brought[f]]
    if changed:
        for field in changed:
            setattr(found, field, brought[field])
        found.updated_at = now
        found.save(update_fields=[*changed, "updated_at"])
    return found


def citizen_contact_changed(*, citizen_id: int | None, phone: str, email: str, now) -> None:
    """The citizen changed their phone or email on the tracking page: the registry follows
    (their own word on how to reach them counts even on a verified record)."""
    if citizen_id is None:
        return
    Citizen.objects.filter(pk=citizen_id).update(phone=phone, email=email, updated_at=now)


@transaction.atomic
def mark_verified(*, citizen: Citizen, actor, now=None) -> Citizen:
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
    actor,
    allow_sms: bool,
    allow_email: bool,
    allow_whatsapp: bool,
    preferred_channel: str,
    language: str,
    now=None,
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


# What a merged case's citizen hears of the survivor: its public answers and its outcome.
FOLLOWED_EVENTS = frozenset({"replied", "decided", "resolved", "closed"})


def notify_followers(*, case, event) -> None:
    """Called with every event (cases.services.record_event): the citizens of the cases
    merged into `case` hear its public answers on their own case's reference, channels and
    current contact details (the follower is the merged case itself, so a citizen who
    changes their phone on the merged case's tracking page keeps hearing)."""
    if not event.is_public or str(event.kind) not in FOLLOWED_EVENTS:
        return
    from mithaq.cases.models import Case
    from mithaq.notifications import services as messages

    for follower in Case.objects.filter(merged_into=case).select_related("unit"):
        messages.notify_citizen(
            case=follower,
            event_key=messages.CITIZEN_EVENTS[str(event.kind)],
            context={"text": event.body},
            dedupe=f"event:{event.pk}:follower:{follower.pk}",
        )
