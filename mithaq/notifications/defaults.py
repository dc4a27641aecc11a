"""The messages Mithaq says out of the box, per event, channel and language. They seed the
MessageTemplate rows that the office then edits; they are data, not UI strings."""

from typing import cast

# Placeholders every citizen template may use; staff templates add their own (see PLACEHOLDERS).
CITIZEN_PLACEHOLDERS = ("reference", "expected_date", "unit", "institution", "text", "track_url")
STAFF_PLACEHOLDERS = ("reference", "subject", "unit", "due_date", "name", "text", "count", "url")
PLACEHOLDERS = {
    "turn_near": ("ticket", "counter", "institution"),
    "daily_digest": ("name", "count", "text", "url"),
}

# event -> language -> (sms text, email subject, email text)
CITIZEN = {
    "received": {
        "ar": (
            "استلمنا طلبكم رقم {reference}. الرد المتوقع بحلول {expected_date}.",
            "استلمنا طلبكم {reference}",
            "السلام عليكم،\n\nاستلمنا طلبكم ورقمه المرجعي {reference}، وأحيل إلى {unit}.\n"
            "نتوقع الرد بحلول {expected_date}. يمكنكم متابعته من {track_url}\n\n{institution}",
        ),
        "en": (
            "We received your case {reference}. Expected reply by {expected_date}.",
            "We received your case {reference}",
            "Hello,\n\nWe received your case, reference {reference}, and passed it to {unit}.\n"
            "We expect to reply by {expected_date}. You can follow it at {track_url}\n\n"
            "{institution}",
        ),
    },
    "referred": {
        "ar": (
            "أحيل طلبكم {reference} إلى {unit} المختصة لمتابعته.",
            "أحيل طلبكم {reference}",
            "أحيل طلبكم {reference} إلى {unit} المختصة.\nالرد المتوقع بحلول {expected_date}."
            "\n\n{institution}",
        ),
        "en": (
            "Your case {reference} was referred to {unit}, which will handle it.",
            "Your case {reference} was referred",
            "Your case {reference} was referred to {unit}.\n"
            "Expected reply by {expected_date}.\n\n{institution}",
        ),
    },
    "info_requested": {
        "ar": (
            "نحتاج معلومات إضافية عن طلبكم {reference}. يرجى الرد من صفحة المتابعة.",
            "معلومات مطلوبة عن طلبكم {reference}",
            "نحتاج منكم ما يلي لمتابعة طلبكم {reference}:\n\n{text}\n\n"
            "يرجى الرد من {track_url}\n\n{institution}",
        ),
        "en": (
            "We need more information about your case {reference}. Please answer on the tracking page.",
            "Information needed for your case {reference}",
            "To continue with your case {reference} we need:\n\n{text}\n\n"
            "Please answer at {track_url}\n\n{institution}",
        ),
    },
    "replied": {
        "ar": (
            "وصلكم رد على طلبكم {reference}. اطلعوا عليه في صفحة المتابعة.",
            "رد على طلبكم {reference}",
            "رد على طلبكم {reference}:\n\n{text}\n\n{institution}",
        ),
        "en": (
            "There is a reply to your case {reference}. Read it on the tracking page.",
            "A reply to your case {reference}",
            "A reply to your case {reference}:\n\n{text}\n\n{institution}",
        ),
    },
    "decided": {
        "ar": (
            "صدر قرار في طلبكم {reference}. التفاصيل في صفحة المتابعة.",
            "قرار في طلبكم {reference}",
            "صدر قرار في طلبكم {reference}:\n\n{text}\n\n{institution}",
        ),
        "en": (
            "A decision was made on your case {reference}. Details on the tracking page.",
            "A decision on your case {reference}",
            "A decision was made on your case {reference}:\n\n{text}\n\n{institution}",
        ),
    },
    "resolved": {
        "ar": (
            "عولج طلبكم {reference}. شكراً لتواصلكم معنا.",
            "عولج طلبكم {reference}",
            "عولج طلبكم {reference}:\n\n{text}\n\nشكراً لتواصلكم معنا.\n{institution}",
        ),
        "en": (
            "Your case {reference} is resolved. Thank you for contacting us.",
            "Your case {reference} is resolved",
            "Your case {reference} is resolved:\n\n{text}\n\n"
            "Thank you for contacting us.\n{institution}",
        ),
    },
    "closed": {
        "ar": (
            "أغلق طلبكم {reference}. يحق لكم التظلم خلال المدة المحددة.",
            "أغلق طلبكم {reference}",
            "أغلق طلبكم {reference}.\n{text}\n\nيحق لكم التظلم خلال المدة المحددة.\n{institution}",
        ),
        "en": (
            "Your case {reference} is closed. You may appeal within the set period.",
            "Your case {reference} is closed",
            "Your case {reference} is closed.\n{text}\n\n"
            "You may appeal within the set period.\n{institution}",
        ),
    },
    "late": {
        "ar": (
            "نعتذر عن تأخر الرد على طلبكم {reference}. الموعد الجديد المتوقع {expected_date}.",
            "تأخر الرد على طلبكم {reference}",
            "نعتذر، سيتأخر الرد على طلبكم {reference}.\nالموعد الجديد المتوقع: {expected_date}.\n"
            "{text}\n\n{institution}",
        ),
        "en": (
            "We are sorry: the reply to your case {reference} is late. New expected date {expected_date}.",
            "The reply to your case {reference} will be late",
            "We are sorry: the reply to your case {reference} will be late.\n"
            "New expected date: {expected_date}.\n{text}\n\n{institution}",
        ),
    },
    "turn_near": {
        "ar": (
            "اقترب دوركم: التذكرة {ticket}، الشباك {counter}.",
            "اقترب دوركم",
            "اقترب دوركم: التذكرة {ticket}، الشباك {counter}.\n\n{institution}",
        ),
        "en": (
            "Your turn is near: ticket {ticket}, counter {counter}.",
            "Your turn is near",
            "Your turn is near: ticket {ticket}, counter {counter}.\n\n{institution}",
        ),
    },
}

# event -> language -> (email subject, email text); staff are written to by email.
STAFF = {
    "assigned": {
        "ar": (
            "أسندت إليك القضية {reference}",
            "أسندت إليك القضية {reference}: {subject}\nالموعد: {due_date}\n{url}",
        ),
        "en": (
            "Case {reference} is assigned to you",
            "Case {reference} is assigned to you: {subject}\nDue: {due_date}\n{url}",
        ),
    },
    "referred_to_unit": {
        "ar": (
            "أحيلت القضية {reference} إلى {unit}",
            "أحيلت القضية {reference} إلى {unit}: {subject}\nالسبب: {text}\n{url}",
        ),
        "en": (
            "Case {reference} was referred to {unit}",
            "Case {reference} was referred to {unit}: {subject}\nReason: {text}\n{url}",
        ),
    },
    "consultation_requested": {
        "ar": (
            "يطلب رأيك في القضية {reference}",
            "يطلب رأيك في القضية {reference}: {subject}\n{text}\n{url}",
        ),
        "en": (
            "Your opinion is asked on case {reference}",
            "Your opinion is asked on case {reference}: {subject}\n{text}\n{url}",
        ),
    },
    "citizen_responded": {
        "ar": (
            "رد المواطن في القضية {reference}",
            "رد المواطن في القضية {reference}: {subject}\n{url}",
        ),
        "en": (
            "The citizen answered on case {reference}",
            "The citizen answered on case {reference}: {subject}\n{url}",
        ),
    },
    "reminder": {
        "ar": (
            "تذكير: القضية {reference} مستحقة {due_date}",
            "تذكير: القضية {reference} مستحقة في {due_date}.\n{subject}\n{text}\n{url}",
        ),
        "en": (
            "Reminder: case {reference} is due {due_date}",
            "Reminder: case {reference} is due on {due_date}.\n{subject}\n{text}\n{url}",
        ),
    },
    "escalated": {
        "ar": (
            "تصعيد: تجاوزت القضية {reference} موعدها",
            "تصعيد: تجاوزت القضية {reference} موعدها ({due_date}).\n{subject}\n{text}\n{url}",
        ),
        "en": (
            "Escalation: case {reference} missed its target",
            "Escalation: case "
            "{reference} missed its target ({due_date}).\n{subject}\n{text}\n{url}",
        ),
    },
    "daily_digest": {
        "ar": (
            "ما يستحق اليوم: {count}",
            "{name}، هذه القضايا المستحقة أو المتأخرة لديك ({count}):\n\n{text}\n\n{url}",
        ),
        "en": (
            "Due today: {count}",
            "{name}, these cases of yours are due or late ({count}):\n\n{text}\n\n{url}",
        ),
    },
}


def default_template(event_key: str, channel: str, language: str) -> tuple[str, str] | None:
    """(subject, body) for this event, channel and language, or None if there is none."""
    language = language if language in ("ar", "en") else "ar"
    if event_key in CITIZEN:
        sms, subject, text = CITIZEN[event_key][language]
        if channel == "email":
            return subject, text
        return "", sms
    if event_key in STAFF:
        subject, text = STAFF[event_key][language]
        if channel == "email":
            return subject, text
        return "", subject
    return None


def all_defaults():
    """Every (event_key, channel, language, subject, body) Mithaq ships."""
    for event_key in CITIZEN:
        for language in ("ar", "en"):
            for channel in ("sms", "email", "whatsapp"):
                yield (
                    event_key,
                    channel,
                    language,
                    *cast(tuple[str, str], default_template(event_key, channel, language)),
                )
    for event_key in STAFF:
        for language in ("ar", "en"):
            yield (
                event_key,
                "email",
                language,
                *cast(tuple[str, str], default_template(event_key, "email", language)),
            )


def placeholders_for(event_key: str) -> tuple[str, ...]:
    if event_key in PLACEHOLDERS:
        return PLACEHOLDERS[event_key]
    return CITIZEN_PLACEHOLDERS if event_key in CITIZEN else STAFF_PLACEHOLDERS
