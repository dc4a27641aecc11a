"""Writing messages into the outbox, always inside the caller's transaction, and the other
writes of the messages app (templates, resends, delivery receipts).

`notify_citizen`, `notify_staff` and `notify_phone` are the API other apps call; each
renders the message now, in the recipient's language, and asks for it to be dispatched
only once the transaction commits, so nothing is sent for a rolled-back change. Calling one
twice with the same arguments makes one message: jobs that call them may run twice."""

import datetime
import hashlib
import json
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from mithaq.accounts.institution import institution_name
from mithaq.accounts.models import User
from mithaq.accounts.two_factor import issue_enrolment_code
from mithaq.catalog.vocab import Channel as CaseChannel
from mithaq.citizens.selectors import ContactPreferences, contact_preferences, preferences_of
from mithaq.common import links
from mithaq.common.cache import ProcessCopy, rows_changed
from mithaq.common.crypto import HashKind, search_hash
from mithaq.common.inserts import insert
from mithaq.common.text import isolate
from mithaq.routing.calendar import next_working_moment  # staff alerts wait for working hours

from . import defaults
from .models import Attempt, Message, MessageTemplate
from .rendering import SmsCount, count_sms, render_html, render_text
from .states import (
    FINAL_STATUSES,
    CitizenEvent,
    MessageChannel,
    MessageStatus,
    Outcome,
    RecipientKind,
    StaffEvent,
    statuses_before,
)

logger = logging.getLogger(__name__)

# A case (mithaq.cases.models.Case) and its event: the cases app stands above this one.
CaseRow = Any
CaseEventRow = Any


def _language(code: str | None) -> str:
    code = (code or "ar").split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _load_templates() -> dict[tuple[str, str, str], tuple[str, str]]:
    return {
        (event_key, channel, language): (subject, body)
        for event_key, channel, language, subject, body in MessageTemplate.objects.values_list(
            "event_key", "channel", "language", "subject", "body"
        )
    }


# The office's overrides of the default texts (defaults.py) are read on every event and
# change rarely: every row, kept in each process, dropped everywhere once a write commits
# (save_template and restore_default here, the admin's MessageTemplateAdmin).
_TEMPLATES = ProcessCopy(
    "mithaq:message-templates:version",
    _load_templates,
    changed_by=("notifications.MessageTemplate",),
)


def _template(event_key: str, channel: str, language: str) -> tuple[str, str]:
    """The office's override of this message if it wrote one, else the default file."""
    row: tuple[str, str] | None = _TEMPLATES.get().get((event_key, channel, language))
    if row is not None:
        return row
    fallback = defaults.default_template(event_key, channel, language)
    if fallback is None:
        raise ValueError(f"no message template for {event_key}/{channel}/{language}")
    return fallback


def _fingerprint(context: dict) -> str:
    blob = json.dumps(context, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _queue_in_database() -> bool:
    return settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def _dispatch_after_commit(*message_ids: int) -> None:
    """Have the worker send the messages once they are committed: one task for them all (a
    citizen's SMS and email go together). The database queue's task row is written in the
    messages' own transaction: committed with them or not at all (a failed write fails the
    transaction, as the messages' own would), and one commit per submission instead of two.
    Any other queue (Redis) hears of them after the commit, when the worker can read them."""
    from .tasks import dispatch_message, dispatch_messages

    def send() -> None:
        if len(message_ids) == 1:
            dispatch_message.enqueue(message_ids[0])
        else:
            dispatch_messages.enqueue(list(message_ids))

    if _queue_in_database() and transaction.get_connection().in_atomic_block:
        send()
        return

    def enqueue() -> None:
        try:
            send()
        except Exception:
            # The rows are safe in the outbox: the periodic dispatch_due picks them up.
            logger.exception(
                "could not enqueue messages %s; dispatch_due will send them", message_ids
            )

    transaction.on_commit(enqueue)


def _write_unless_queued(messages: list[Message]) -> list[Message]:
    """Write `messages` but those whose dedupe key is already written (by this change before,
    or by a racing one), and give back the ones written: one INSERT ... ON CONFLICT DO
    NOTHING RETURNING id, dedupe_key (INSERT OR IGNORE on SQLite) for them all, which never
    breaks the caller's transaction, where a plain insert of each needed a savepoint around
    it (three statements a message). Written by mithaq.common.inserts, as a new case's other
    rows are (decision 0022); the rows it returns are the ones written, matched here by key."""
    if not messages:
        return []
    rows = insert(messages, ignore_conflicts=True, returning=("id", "dedupe_key"))
    written = {dedupe_key: pk for pk, dedupe_key in rows}
    made = []
    for message in messages:
        if message.dedupe_key in written:
            message.pk = written[message.dedupe_key]
            message._state.adding = False
            message._state.db = Message._base_manager.db
            made.append(message)
    return made


def _queue(**fields: Any) -> Message | None:
    """Render and write one message, and have it sent; None if this dedupe key was already
    queued (the unique dedupe key says so: no read before the write)."""
    written = _write_unless_queued([_compose(**fields)])
    if not written:
        return None
    _dispatch_after_commit(written[0].pk)
    return written[0]


def _compose(
    *,
    dedupe_key: str,
    recipient_kind: str,
    channel: str,
    event_key: str,
    language: str,
    context: dict,
    case: CaseRow | None = None,
    user: User | None = None,
    address: str = "",
    not_before: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> Message:
    """One message rendered from its template, not yet written."""
    now = now or timezone.now()
    subject_t, body_t = _template(event_key, channel, language)
    values = {k: "" if v is None else str(v) for k, v in context.items()}
    # One line: a subject with a newline is refused by email (and reads badly anywhere).
    subject = " ".join(render_text(subject_t, values).split())[:255]
    body = render_text(body_t, values)
    html = render_html(body, language=language) if channel == MessageChannel.EMAIL else ""
    due = max(now, not_before) if not_before else now
    return Message(
        case=case,
        recipient_kind=recipient_kind,
        user=user,
        channel=channel,
        address=address,
        event_key=event_key,
        language=language,
        subject=subject,
        body=body,
        html=html,
        created_at=now,
        not_before=not_before,
        next_attempt_at=due,
        dedupe_key=dedupe_key,
    )


# The citizen ------------------------------------------------------------------------------


def _preferences(case: CaseRow) -> ContactPreferences | None:
    """The registry's word on how the case's citizen is reached. At submission the case
    carries the record it was just linked to (no second read); later events bring a freshly
    locked case, whose record is read now, so a change made since submission counts."""
    if type(case)._meta.get_field("citizen").is_cached(case):
        return preferences_of(case.citizen)
    return contact_preferences(case.citizen_id)


def citizen_channels(case: CaseRow) -> list[str]:
    """The channels a case's citizen is written to now (see `_channels`)."""
    return _channels(case, _preferences(case))


def _whatsapp_configured() -> bool:
    return settings.MITHAQ_TRANSPORTS.get("whatsapp") == "whatsapp"


def _channels(case: CaseRow, preferences: ContactPreferences | None) -> list[str]:
    """Which channels: WhatsApp when they came by WhatsApp and it is configured, else SMS;
    email when they have only an email, plus an email copy when the institution wants one.

    The citizen's word in the registry counts over that: a channel they do not allow gets
    nothing, whatever the case (an urgent one too); the channel they prefer is used alone
    when they can be reached on it, and only when they cannot (no address, WhatsApp not
    configured) are the allowed others chosen as above. With no allowed channel that has
    an address nothing is written: they follow the case on the tracking page. Addresses
    are the case's, as the dispatcher reads them when sending."""
    reachable: dict[str, bool] = {
        MessageChannel.SMS: bool(case.citizen_phone),
        MessageChannel.WHATSAPP: bool(case.citizen_phone) and _whatsapp_configured(),
        MessageChannel.EMAIL: bool(case.citizen_email),
    }
    if preferences is not None:
        reachable = {c: ok and c in preferences.allowed for c, ok in reachable.items()}
        if preferences.preferred and reachable.get(preferences.preferred):
            return [MessageChannel(preferences.preferred)]
    channels: list[str] = []
    if case.channel == CaseChannel.WHATSAPP and reachable[MessageChannel.WHATSAPP]:
        channels.append(MessageChannel.WHATSAPP)
    elif reachable[MessageChannel.SMS]:
        channels.append(MessageChannel.SMS)
    elif reachable[MessageChannel.WHATSAPP]:
        # SMS refused, WhatsApp allowed: the phone is still the way to reach them.
        channels.append(MessageChannel.WHATSAPP)
    if reachable[MessageChannel.EMAIL] and (not channels or settings.MITHAQ_CITIZEN_EMAIL_COPY):
        channels.append(MessageChannel.EMAIL)
    return channels


# Codes, dates and addresses that would flip inside right-to-left text.
_ISOLATED = (
    "reference",
    "expected_date",
    "track_url",
    "case_url",
    "survey_url",
    "grievance_until",
)
_STAFF_ISOLATED = ("reference", "due_date", "url")
_TICKET_ISOLATED = ("ticket",)


def count_template_sms(body: str, language: str) -> SmsCount:
    """An SMS template's parts as it will be sent: in a right-to-left language each value
    that messages isolate comes with its two marks (its placeholder stands for the value)."""
    if language in settings.LANGUAGES_BIDI:
        keys = _ISOLATED + _TICKET_ISOLATED
        body = render_text(body, {key: isolate("{" + key + "}") for key in keys})
    return count_sms(body)


def _isolated(values: dict, language: str, keys: tuple[str, ...] = _ISOLATED) -> dict:
    """Right-to-left messages get `keys` isolated (FSI...PDI; <bdi> in the email's HTML, see
    rendering.render_html). Others get nothing: an English SMS must stay GSM-7."""
    if language not in settings.LANGUAGES_BIDI:
        return values
    return values | {k: isolate(str(values[k])) for k in keys if values.get(k)}


def _citizen_context(case: CaseRow, language: str) -> dict:
    with translation.override(language):
        due = (
            formats.date_format(timezone.localtime(case.due_at), "SHORT_DATE_FORMAT")
            if (case.due_at)
            else ""
        )
        unit = case.unit.name if case.unit_id else ""
        # Every citizen's email ends with it: the configured name, else the root unit's.
        institution = institution_name()
    return {
        "reference": case.code,
        "expected_date": due,
        "unit": unit,
        "institution": institution,
        "track_url": settings.MITHAQ_PUBLIC_URL.rstrip("/") + reverse("portal:track"),
        # The case's own short link: it opens the case after the last four digits of the
        # phone (mithaq.common.links; the portal's open_case).
        "case_url": links.case_url(case.pk) if case.pk else "",
        "text": "",
    }


def _dates_in(context: dict, language: str) -> dict:
    """`context` with its dates and moments written as dates in `language` (a moment in the
    institution's time zone): a grievance's last day reads as the expected date does; and
    its lazy translations (a clock's target) in `language`, the message's, which the
    registry's preference may make other than the case's."""
    written = {}
    with translation.override(language):
        for key, value in context.items():
            if isinstance(value, Promise):
                value = str(value)
            if isinstance(value, datetime.datetime):
                value = timezone.localtime(value).date()
            if isinstance(value, datetime.date):
                value = formats.date_format(value, "SHORT_DATE_FORMAT")
            written[key] = value
    return written


def notify_citizen(
    *,
    case: CaseRow,
    event_key: str,
    context: dict,
    dedupe: str | None = None,
    coalesce: bool = False,
) -> list[Message]:
    """Tell the case's citizen about `event_key` on their channels, in their language: the
    registry's preferences when the case is linked to a person (read now, so a change made
    since submission counts), else what the case was brought with.
    `context` adds to (or overrides) reference, expected_date, unit, institution, text.
    Without `dedupe`, the same event and context for the same case make one message.

    With `coalesce`, each message is held for MITHAQ_CITIZEN_COALESCE_SECONDS; another
    coalescing event on the case in that time rewrites the held message as one about both
    (the `updates` message) instead of writing a second. The later event's own row is
    still written, cancelled and pointing to the held one, so that its dedupe key keeps a
    job that runs twice from telling the citizen twice. Call it with the case row locked
    (cases.services.events.lock_case): two events of one case never merge at once."""
    preferences = _preferences(case)
    chosen = preferences.language if preferences is not None else ""
    language = _language(chosen or case.citizen_language)
    values = _isolated(_citizen_context(case, language) | _dates_in(context, language), language)
    origin = dedupe or f"case:{case.pk}:{event_key}:{_fingerprint(context)}"
    channels = _channels(case, preferences)
    if coalesce:
        return _coalesce(case, event_key, values, origin, channels, language)
    # Every channel's message in one statement, and one task to send them.
    made = _write_unless_queued(
        [
            _compose(
                dedupe_key=f"{origin}:citizen:{channel}",
                recipient_kind=RecipientKind.CITIZEN,
                channel=channel,
                event_key=event_key,
                language=language,
                context=values,
                case=case,
            )
            for channel in channels
        ]
    )
    if made:
        _dispatch_after_commit(*(m.pk for m in made))
    return made


def _coalesce(
    case: CaseRow, event_key: str, values: dict, origin: str, channels: list[str], language: str
) -> list[Message]:
    now = timezone.now()
    hold = now + datetime.timedelta(seconds=settings.MITHAQ_CITIZEN_COALESCE_SECONDS)
    part = {
        "event": event_key,
        "context": {k: "" if v is None else str(v) for k, v in values.items()},
    }
    made: list[Message] = []
    for channel in channels:
        dedupe_key = f"{origin}:citizen:{channel}"
        if Message.objects.filter(dedupe_key=dedupe_key).exists():
            continue  # this event was told already (a job run twice)
        held = (
            Message.objects.select_for_update()
            .filter(
                case=case,
                recipient_kind=RecipientKind.CITIZEN,
                channel=channel,
                status=MessageStatus.QUEUED,
                claim_token__isnull=True,
                attempt_count=0,
                not_before__gt=now,
            )
            .exclude(parts=[])
            .order_by("-created_at", "-id")
            .first()
        )
        if held is None:
            message = _compose(
                dedupe_key=dedupe_key,
                recipient_kind=RecipientKind.CITIZEN,
                channel=channel,
                event_key=event_key,
                language=language,
                context=values,
                case=case,
                not_before=hold,
                now=now,
            )
            message.parts = [part]
            made.extend(_write_unless_queued([message]))
            continue
        parts = [*held.parts, part]
        held.subject, held.body = _updates_text(parts, channel, held.language)
        held.html = render_html(held.body, language=held.language) if held.html else ""
        # Its event stays the first one's (one row per event and channel, as before: the
        # later events' rows are the cancelled ones below); `parts` says what it tells.
        held.parts = parts
        held.save(update_fields=["subject", "body", "html", "parts"])
        # The later event's row: its dedupe key taken, nothing sent.
        _write_unless_queued(
            [
                _compose(
                    dedupe_key=dedupe_key,
                    recipient_kind=RecipientKind.CITIZEN,
                    channel=channel,
                    event_key=event_key,
                    language=language,
                    context=values,
                    case=case,
                    now=now,
                )
            ]
        )
        Message.objects.filter(dedupe_key=dedupe_key).update(
            status=MessageStatus.CANCELLED, last_error=f"told with message #{held.pk}"
        )
    if made:
        _dispatch_after_commit(*(m.pk for m in made))
    return made


_JOINERS = {"ar": "، "}


def _updates_text(parts: list[dict], channel: str, language: str) -> tuple[str, str]:
    """The `updates` message about `parts`: what happened, one line each, then the last
    event's own SMS, or every event's email text (each without the closing name, which the
    message ends with once)."""
    said = _JOINERS.get(language, ", ").join(
        render_text(defaults.read_part(p["event"], "line", language), p["context"]) for p in parts
    )
    if channel == MessageChannel.EMAIL:
        details = "\n\n".join(
            render_text(
                _template(p["event"], channel, language)[1], p["context"] | {"institution": ""}
            ).strip()
            for p in parts
        )
    else:
        last = parts[-1]
        details = render_text(_template(last["event"], channel, language)[1], last["context"])
    subject_t, body_t = _template(CitizenEvent.UPDATES, channel, language)
    values = parts[-1]["context"] | {"text": said, "details": details}
    subject = " ".join(render_text(subject_t, values).split())[:255]
    return subject, render_text(body_t, values)


def notify_phone(*, phone: str, language: str, event_key: str, context: dict) -> Message | None:
    """An SMS to a phone number with no case behind it (the walk-in hall's "your turn is
    near"). The same phone, event and context make one message."""
    language = _language(language)
    # The ticket is a code; the counters are numbers read in the text's own order.
    values = _isolated(
        {"institution": settings.MITHAQ_INSTITUTION_NAME} | dict(context),
        language,
        _TICKET_ISOLATED,
    )
    return _queue(
        # The phone by its keyed hash: the key is kept in clear (mithaq.common.crypto).
        dedupe_key=f"phone:{search_hash(HashKind.PHONE, phone)}:{event_key}:{_fingerprint(context)}",
        recipient_kind=RecipientKind.CITIZEN,
        channel=MessageChannel.SMS,
        event_key=event_key,
        language=language,
        context=values,
        address=phone,
    )


def notify_contact(
    *,
    key: str,
    phone: str,
    email: str,
    language: str,
    event_key: str,
    context: dict,
    not_before: datetime.datetime | None = None,
) -> list[Message]:
    """An SMS to `phone` and, when given, an email to `email` with no case behind them (an
    interview request, mithaq.interviews). `key` names the occasion: the same key makes the
    same messages once; cancel_contact_messages(key) withdraws those not yet sent."""
    return queue_contact(
        contact_messages(
            key=key,
            phone=phone,
            email=email,
            language=language,
            event_key=event_key,
            context=context,
            not_before=not_before,
        )
    )


def contact_messages(
    *,
    key: str,
    phone: str,
    email: str,
    language: str,
    event_key: str,
    context: dict,
    not_before: datetime.datetime | None = None,
) -> list[Message]:
    """notify_contact's messages rendered but not written: made before the caller takes its
    lock, and written by queue_contact inside its event's transaction (the outbox rule)."""
    language = _language(language)
    values = _isolated(
        {"institution": institution_name()} | dict(context),
        language,
        ("reference", "when", "hijri", "track_url"),
    )
    return [
        _compose(
            dedupe_key=f"contact:{key}:{channel}",
            recipient_kind=RecipientKind.CITIZEN,
            channel=channel,
            event_key=event_key,
            language=language,
            context=values,
            address=address,
            not_before=not_before,
        )
        for channel, address in ((MessageChannel.SMS, phone), (MessageChannel.EMAIL, email))
        if address
    ]


def queue_contact(messages: list[Message]) -> list[Message]:
    """Write messages made by contact_messages (but those whose occasion was already written)
    in the caller's transaction, and have them sent after it commits."""
    written = _write_unless_queued(messages)
    if written:
        _dispatch_after_commit(*(m.pk for m in written))
    return written


def cancel_contact_messages(key: str) -> int:
    """Withdraw the messages of notify_contact(key=...) not yet sent (a reminder of an
    interview moved or cancelled)."""
    return Message.objects.filter(
        dedupe_key__startswith=f"contact:{key}:", status=MessageStatus.QUEUED
    ).update(status=MessageStatus.CANCELLED)


# Staff --------------------------------------------------------------------------------------


def notify_staff(
    *,
    user: User,
    event_key: str,
    case: CaseRow | None = None,
    context: dict,
    not_before: datetime.datetime | None = None,
    dedupe: str | None = None,
    items: list[dict] | None = None,
) -> Message | None:
    """Tell a member of staff (by email) about `event_key`, never outside their working
    hours: the message waits for the next working moment. The same user, event, case and
    context make one message. `items` (a digest's cases) are each written with the event's
    item.txt, one a line, as its {text}."""
    if not user.is_active:
        return None
    language = _language(user.language)
    if items is not None:
        line = defaults.read_part(event_key, "item", language)
        plain = [{k: "" if v is None else str(v) for k, v in item.items()} for item in items]
        context = dict(context) | {"text": "\n".join(render_text(line, i) for i in plain)}
    now = timezone.now()
    when = next_working_moment(max(now, not_before) if not_before else now)
    values = {
        "name": str(user),
        "reference": "",
        "subject": "",
        "unit": "",
        "text": "",
        "due_date": "",
        "url": settings.MITHAQ_PUBLIC_URL.rstrip("/") + reverse("cases:inbox"),
    }
    if case is not None:
        with translation.override(language):
            due = (
                formats.date_format(timezone.localtime(case.due_at), "SHORT_DATE_FORMAT")
                if case.due_at
                else ""
            )
            values |= {"unit": case.unit.name, "due_date": due}
        values |= {
            "reference": case.code,
            "subject": case.subject,
            "url": settings.MITHAQ_PUBLIC_URL.rstrip("/")
            + reverse("cases:detail", args=[case.code]),
        }
    values = _isolated(values | dict(context), language, _STAFF_ISOLATED)
    origin = dedupe or f"{case.pk if case else '-'}:{event_key}:{_fingerprint(context)}"
    return _queue(
        dedupe_key=f"staff:{origin}:user:{user.pk}:email",
        recipient_kind=RecipientKind.STAFF,
        channel=MessageChannel.EMAIL,
        event_key=event_key,
        language=language,
        context=values,
        case=case,
        user=user,
        not_before=when if when > now else None,
        now=now,
    )


@transaction.atomic
def send_enrolment_code(*, user: User, issued_by: User | None) -> Message | None:
    """A new second-factor enrolment code for `user` (accounts.two_factor; any unused one
    stops working), sent to their own email address at once, whatever the hour: the
    administrator never sees it. The code is in the message's body only, never its subject,
    and never logged. ValidationError when the person has no email address."""
    if not user.is_active or not user.email:
        raise ValidationError(_("This member of staff has no email address to send a code to."))
    code, row = issue_enrolment_code(user=user, issued_by=issued_by)
    language = _language(user.language)
    with translation.override(language):
        expires = formats.date_format(timezone.localtime(row.expires_at), "DATETIME_FORMAT")
    values = _isolated(
        {
            "name": str(user),
            "code": code,
            "expires": expires,
            "url": settings.MITHAQ_PUBLIC_URL.rstrip("/") + reverse("accounts:enroll"),
        },
        language,
        ("code", "expires", "url"),
    )
    return _queue(
        # One message per code: the code's row is new each time.
        dedupe_key=f"staff:enrolment-code:{row.pk}:user:{user.pk}:email",
        recipient_kind=RecipientKind.STAFF,
        channel=MessageChannel.EMAIL,
        event_key=StaffEvent.ENROLMENT_CODE,
        language=language,
        context=values,
        user=user,
    )


# Staff actions on messages ------------------------------------------------------------------


@transaction.atomic
def resend_message(*, message: Message, actor: User) -> Message:
    """A new message with the same text to the recipient's current address, linked to the
    old one; the old one keeps its history. Only a message that failed: one that went, or is
    still on its way, would reach the person twice."""
    if message.status != MessageStatus.FAILED:
        raise ValidationError(_("Only a message that failed can be sent again."), code="not_failed")
    now = timezone.now()
    count = Message.objects.filter(resent_from=message).count()
    copy = Message.objects.create(
        case=message.case,
        recipient_kind=message.recipient_kind,
        user=message.user,
        channel=message.channel,
        address=message.address,
        event_key=message.event_key,
        language=message.language,
        subject=message.subject,
        body=message.body,
        html=message.html,
        created_at=now,
        next_attempt_at=now,
        dedupe_key=f"resend:{message.pk}:{count + 1}:{now.timestamp()}",
        resent_from=message,
        resent_by=actor,
    )
    _dispatch_after_commit(copy.pk)
    return copy


@transaction.atomic
def cancel_message(*, message: Message) -> bool:
    return bool(
        Message.objects.filter(pk=message.pk, status=MessageStatus.QUEUED).update(
            status=MessageStatus.CANCELLED
        )
    )


@transaction.atomic
def save_template(
    *, template: MessageTemplate, subject: str, body: str, actor: User
) -> MessageTemplate:
    """Write the office's text for the template's event, channel and language: its override
    row, made now if the default file was used until now."""
    row, _created = MessageTemplate.objects.update_or_create(
        event_key=template.event_key,
        channel=template.channel,
        language=template.language,
        defaults={
            "subject": subject,
            "body": body,
            "updated_at": timezone.now(),
            "updated_by": actor,
        },
    )
    templates_changed()
    return row


@transaction.atomic
def restore_default(*, event_key: str, channel: str, language: str) -> bool:
    """Drop the office's override: the default file speaks again. True if there was one."""
    deleted, _kinds = MessageTemplate.objects.filter(
        event_key=event_key, channel=channel, language=language
    ).delete()
    templates_changed()
    return bool(deleted)


def templates_changed() -> None:
    """Override rows were written (a save, a delete, a bulk update)."""
    rows_changed("notifications.MessageTemplate")


@transaction.atomic
def record_receipt(
    *,
    gateway: str,
    provider_id: str,
    status: str,
    error: str = "",
    now: datetime.datetime | None = None,
) -> bool:
    """A gateway's delivery receipt. It only ever moves a message forward: a late "sent"
    after "delivered", or anything after "failed", changes nothing."""
    if status not in (MessageStatus.DELIVERED, MessageStatus.FAILED, MessageStatus.SENT):
        return False
    now = now or timezone.now()
    message = Message.objects.filter(gateway=gateway, provider_id=provider_id).first()
    if message is None:
        return False
    changes: dict[str, Any] = {"status": status}
    if status == MessageStatus.DELIVERED:
        changes["delivered_at"] = now
    if status == MessageStatus.FAILED:
        changes["last_error"] = error[:2000] or "undelivered"
    moved = Message.objects.filter(pk=message.pk, status__in=statuses_before(status)).update(
        **changes
    )
    Attempt.objects.create(
        message=message,
        at=now,
        transport=gateway,
        address="",
        outcome=Outcome.RECEIPT,
        error=f"{status}{': ' + error if error else ''}"[:2000],
    )
    return bool(moved)


__all__ = [
    "FINAL_STATUSES",
    "notify_citizen",
    "notify_phone",
    "notify_staff",
    "record_receipt",
    "resend_message",
]


def erase_messages(messages: QuerySet[Message]) -> int:
    """The people's data rights (mithaq.privacy): what `messages` said and to whom is
    replaced; their channel, event, status and times stay for the counts. A message not yet
    sent is cancelled, so that nothing erased goes out afterwards."""
    ids = list(messages.values_list("pk", flat=True))
    Attempt.objects.filter(message_id__in=ids).update(address="", error="")
    Message.objects.filter(pk__in=ids, status=MessageStatus.QUEUED).update(
        status=MessageStatus.CANCELLED
    )
    # The dedupe key of a message to a phone holds the phone's hash: it goes too (kept
    # unique by the message's id).
    return Message.objects.filter(pk__in=ids).update(
        address="",
        subject="",
        body="",
        html="",
        parts=[],
        last_error="",
        dedupe_key=Concat(Value("erased:"), Cast("pk", output_field=CharField())),
    )
