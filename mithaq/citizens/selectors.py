"""Reads of the citizen registry for other apps."""

from dataclasses import dataclass

from .models import Citizen, ContactChannel

_PREFERENCE_FIELDS = ("allow_sms", "allow_email", "allow_whatsapp", "preferred_channel", "language")


@dataclass(frozen=True)
class ContactPreferences:
    """How a person wants to be reached: the channels they allow (ContactChannel values),
    the one they prefer ("" for none) and their language."""

    allowed: frozenset[str]
    preferred: str
    language: str


def preferences_of(citizen: Citizen | None) -> ContactPreferences | None:
    """The preferences held on a record already in hand; None for no record."""
    if citizen is None:
        return None
    allows = {
        ContactChannel.SMS: citizen.allow_sms,
        ContactChannel.EMAIL: citizen.allow_email,
        ContactChannel.WHATSAPP: citizen.allow_whatsapp,
    }
    return ContactPreferences(
        allowed=frozenset(channel.value for channel, allowed in allows.items() if allowed),
        preferred=citizen.preferred_channel,
        language=citizen.language,
    )


def contact_preferences(citizen_id: int | None) -> ContactPreferences | None:
    """The person's preferences as the registry holds them now (read afresh, so a change
    made after a case was submitted counts for its next message); None without a record."""
    if citizen_id is None:
        return None
    return preferences_of(Citizen.objects.only(*_PREFERENCE_FIELDS).filter(pk=citizen_id).first())
