"""An interview as an iCalendar event (RFC 5545), written by hand: one VEVENT needs no
library."""

import datetime

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from mithaq.notifications.attachments import MailAttachment
from mithaq.notifications.models import Message

from .models import InterviewRequest


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (RFC 5545 3.1), never inside a character."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def interview_event(row: InterviewRequest) -> str:
    booking = row.booking
    if booking is None:
        raise ValueError("an interview without an appointment has no event")
    with translation.override(row.citizen_language):
        summary = _("Interview with %(official)s") % {"official": row.official.display_name}
        location = row.unit.name
    host = settings.MITHAQ_PUBLIC_URL.split("//")[-1].split("/")[0] or "mithaq"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Mithaq//Interviews//EN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:interview-{row.code}@{host}",
        f"DTSTAMP:{_utc(booking.updated_at)}",
        f"DTSTART:{_utc(booking.starts_at)}",
        f"DTEND:{_utc(booking.ends_at)}",
        f"SUMMARY:{_escape(summary)}",
        f"LOCATION:{_escape(location)}",
        f"DESCRIPTION:{_escape(row.code)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def booking_attachments(message: Message) -> list[MailAttachment]:
    """The calendar file of the booking an `interview_scheduled` email tells (registered in
    InterviewsConfig.ready()): the interview as it is booked when the email goes, so a move
    made meanwhile is the one the citizen's calendar holds (same UID: it replaces)."""
    # notify_contact's key: contact:interview:<code>:<occasion>:<channel>
    parts = message.dedupe_key.split(":")
    if len(parts) < 4 or parts[:2] != ["contact", "interview"]:
        return []
    row = (
        InterviewRequest.objects.select_related("booking", "official", "unit")
        .filter(code=parts[2])
        .first()
    )
    if row is None or row.booking is None:
        return []
    return [
        MailAttachment(
            filename=f"interview-{row.code}.ics",
            content=interview_event(row).encode(),
            mimetype="text/calendar",
        )
    ]
