"""The messages Mithaq says out of the box: one text file per event, language and part, in
templates/notifications/messages/<event>/<language>/<part>.txt. A MessageTemplate row is the
office's override of one (event, channel, language); without one, the file is used. Both are
written with the same {placeholder}s and filled by rendering.render_text, never by a
template engine; they are data, not UI strings."""

import functools
from pathlib import Path
from typing import cast

from django.conf import settings

from .states import CitizenEvent, MessageChannel, StaffEvent

FOLDER = Path(__file__).resolve().parent / "templates" / "notifications" / "messages"
# The languages every default is written in; another language reads the site's own.
LANGUAGES = ("ar", "en", "fr", "es")

# Placeholders every citizen template may use; staff templates add their own (see PLACEHOLDERS).
CITIZEN_PLACEHOLDERS = (
    "reference",
    "expected_date",
    "unit",
    "institution",
    "text",
    "track_url",
    "case_url",
)
STAFF_PLACEHOLDERS = ("reference", "subject", "unit", "due_date", "name", "text", "count", "url")
PLACEHOLDERS = {
    "turn_near": ("ticket", "counter", "institution"),
    "daily_digest": ("name", "count", "text", "url"),
    # The closing message carries the personal survey link (mithaq.surveys).
    "closed": (*CITIZEN_PLACEHOLDERS, "survey_url", "grievance_until"),
    "low_satisfaction": (*STAFF_PLACEHOLDERS, "satisfaction", "effort", "resolved"),
    # {text}: what happened, one short line of each event (its line.txt), joined;
    # {details}: the last event's own SMS, or every event's email text.
    "updates": (*CITIZEN_PLACEHOLDERS, "details"),
    # An official's month not yet submitted: {month} is MM/YYYY, {unit} the official's unit,
    # {url} the month's record page.
    "interview_record_due": ("name", "month", "unit", "url"),
    # A second-factor enrolment code: {code} the code, {expires} until when it works.
    "enrolment_code": ("name", "code", "expires", "url"),
    # Interview requests (mithaq.interviews): {when} is the Gregorian date and time, {hijri}
    # the Hijri date; {text} the office's reason, {unit} the unit a request was sent to.
    **dict.fromkeys(
        (
            "interview_scheduled",
            "interview_reminder",
            "interview_referred",
            "interview_declined",
            "interview_cancelled",
        ),
        ("reference", "official", "when", "hijri", "unit", "text", "track_url", "institution"),
    ),
    # A hall appointment (mithaq.walkin.bookings): {reference} is the code typed at the kiosk,
    # {track_url} the page to move or cancel it.
    "hall_booked": ("reference", "service", "hall", "when", "hijri", "track_url", "institution"),
    # A hall appointment cancelled: {when} the time it had, {track_url} the hall's booking page
    # (to book another time).
    "hall_cancelled": (
        "reference",
        "service",
        "hall",
        "when",
        "hijri",
        "track_url",
        "institution",
    ),
}

# The file each channel's text is read from; an email's subject is subject.txt.
_BODY = {
    MessageChannel.SMS: "sms",
    MessageChannel.WHATSAPP: "whatsapp",
    MessageChannel.EMAIL: "text",
}
CITIZEN_CHANNELS = (MessageChannel.SMS, MessageChannel.EMAIL, MessageChannel.WHATSAPP)
STAFF_CHANNELS = (MessageChannel.EMAIL,)  # staff are written to by email


def channels_for(event_key: str) -> tuple[str, ...]:
    if event_key in CitizenEvent.values:
        return CITIZEN_CHANNELS
    if event_key in StaffEvent.values:
        return STAFF_CHANNELS
    return ()


def parts_for(channel: str) -> tuple[str, ...]:
    """The files one channel's message is made of."""
    return (
        ("subject", "text")
        if channel == MessageChannel.EMAIL
        else (_BODY[MessageChannel(channel)],)
    )


def _default_language(language: str) -> str:
    return language if language in LANGUAGES else settings.LANGUAGE_CODE


@functools.cache
def read_part(event_key: str, part: str, language: str) -> str:
    """One default file's text (without the file's final newline); FileNotFoundError if
    Mithaq ships none. Read once per process."""
    path = FOLDER / event_key / _default_language(language) / f"{part}.txt"
    return path.read_text(encoding="utf-8").removesuffix("\n")


def default_template(event_key: str, channel: str, language: str) -> tuple[str, str] | None:
    """(subject, body) for this event, channel and language, or None if there is none."""
    if channel not in channels_for(event_key):
        return None
    if channel == MessageChannel.EMAIL:
        return read_part(event_key, "subject", language), read_part(event_key, "text", language)
    return "", read_part(event_key, _BODY[MessageChannel(channel)], language)


def all_defaults():
    """Every (event_key, channel, language, subject, body) Mithaq ships."""
    for event_key in (*CitizenEvent.values, *StaffEvent.values):
        for language in LANGUAGES:
            for channel in channels_for(event_key):
                yield (
                    event_key,
                    channel,
                    language,
                    *cast(tuple[str, str], default_template(event_key, channel, language)),
                )


def placeholders_for(event_key: str) -> tuple[str, ...]:
    if event_key in PLACEHOLDERS:
        return PLACEHOLDERS[event_key]
    return CITIZEN_PLACEHOLDERS if event_key in CitizenEvent.values else STAFF_PLACEHOLDERS
