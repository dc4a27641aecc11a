"""Phone numbers: accept what people type (any national format, Arabic-Indic digits),
store E.164."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .text import to_ascii_digits


def parse_phone(raw: str, region: str | None = None) -> str:
    """Return the E.164 form of `raw`, or raise ValidationError in the user's language."""
    text = to_ascii_digits(raw or "").strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region or settings.MITHAQ_PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Enter a valid phone number."), code="invalid_phone") from exc
    if number.extension or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a valid phone number."), code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """+9647701234567 -> +964•••••••567: enough to recognise, not enough to use."""
    if len(e164) <= 7:
        return "•" * len(e164)
    return e164[:4] + "•" * (len(e164) - 7) + e164[-3:]
