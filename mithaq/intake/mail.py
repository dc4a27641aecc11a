"""The office mailbox: read new mail over IMAP, turn each email into a case on the email
channel or into the citizen's answer on its case, and move it to the processed folder only
after that is committed. The Message-ID is recorded in the same transaction, so a worker
killed between the commit and the move reads the message again, recognises it, and only
moves it: nothing lost, nothing doubled."""

import hashlib
import imaplib
import logging
import os
import re
import ssl
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils.html import strip_tags

from mithaq.cases import services as case_services
from mithaq.cases.models import Case
from mithaq.cases.states import State
from mithaq.catalog.vocab import Channel, Kind
from mithaq.common.ratelimit import over_limit
from mithaq.common.uploads import check_upload

from .models import Mailbox, MailMessage, MailOutcome

log = logging.getLogger(__name__)

REFERENCE = re.compile(r"\b([ACDEFGHJKMNPQRTUVWXY34679]{4}-[ACDEFGHJKMNPQRTUVWXY34679]{4})\b")
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
HELD_KEYWORD = "MithaqHeld"
BATCH = 50


@dataclass
class Parsed:
    message_id: str
    sender: str
    sender_name: str
    subject: str
    text: str
    replying_to: list[str]
    automatic: bool
    files: list[SimpleUploadedFile] = field(default_factory=list)


def _is_automatic(msg: EmailMessage, sender: str) -> bool:
    """RFC 3834 auto-replies, delivery reports (RFC 3464) and the mailer daemon's mail."""
    auto = str(msg.get("Auto-Submitted", "no")).strip().lower()
    if auto and auto != "no":
        return True
    if msg.get_content_type() == "multipart/report":
        return True
    if msg.get("X-Autoreply") or msg.get("X-Autorespond"):
        return True
    if str(msg.get("Precedence", "")).strip().lower() in {"bulk", "junk", "auto_reply"}:
        return True
    local = sender.split("@")[0].lower()
    return not sender or local in {"mailer-daemon", "postmaster"}


def parse(raw: bytes) -> Parsed:
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    name, sender = parseaddr(str(msg.get("From", "")))
    found = MESSAGE_ID.search(str(msg.get("Message-ID", "")))
    # A message without a Message-ID is known by its bytes.
    message_id = found.group(0) if found else _digest_id(raw)
    replying = MESSAGE_ID.findall(f"{msg.get('In-Reply-To', '')} {msg.get('References', '')}")
    body = msg.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        try:
            text = body.get_content()
        except (LookupError, ValueError):
            text = ""
        if body.get_content_type() == "text/html":
            text = strip_tags(text)
    files = []
    for part in msg.iter_attachments():
        try:
            payload = part.get_payload(decode=True)
        except (ValueError, TypeError):
            continue
        if not isinstance(payload, bytes):
            continue
        files.append(SimpleUploadedFile(part.get_filename() or "attachment", payload))
    return Parsed(
        message_id=message_id[:255],
        sender=sender.strip().lower(),
        sender_name=name.strip(),
        subject=" ".join(str(msg.get("Subject", "")).split()),
        text=text.replace("\x00", "").strip(),
        replying_to=replying,
        automatic=_is_automatic(msg, sender),
        files=files,
    )


def _accepted(files: list[SimpleUploadedFile]) -> list[SimpleUploadedFile]:
    """The attachments the upload rules accept (mithaq.common.uploads); the others stay out."""
    kept = []
    for upload in files[: settings.MITHAQ_MAX_UPLOADS_PER_FORM]:
        try:
            check_upload(upload)
        except ValidationError:
            continue
        kept.append(upload)
    return kept


def _phone_in(text: str) -> str:
    for match in phonenumbers.PhoneNumberMatcher(text, settings.MITHAQ_PHONE_REGION):
        if phonenumbers.is_valid_number(match.number):
            return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    return ""


def _case_replied_to(mail: Parsed) -> Case | None:
    """The case this email answers: a reference in the subject, or a thread we read before
    (In-Reply-To, References). Only the citizen's own address threads into a case."""
    case = None
    found = REFERENCE.search(mail.subject.upper())
    if found:
        case = Case.objects.filter(code=found.group(1)).first()
    if case is None and mail.replying_to:
        earlier = (
            MailMessage.objects.filter(message_id__in=mail.replying_to, case__isnull=False)
            .select_related("case")
            .first()
        )
        case = earlier.case if earlier else None
    if case is not None and case.citizen_email and case.citizen_email == mail.sender:
        return case
    return None


def process_message(mailbox: Mailbox, raw: bytes) -> MailMessage:
    """Turn one email into what it is, in one transaction with its MailMessage row. A
    message seen before returns its row and changes nothing."""
    if len(raw) > settings.MITHAQ_MAIL_MAX_BYTES:
        return _record(mailbox, _digest_id(raw), MailOutcome.HELD, reason="too_large")
    mail = parse(raw)
    earlier = MailMessage.objects.filter(message_id=mail.message_id).first()
    if earlier is not None:
        return earlier
    return _process_new(mailbox, mail)


def _digest_id(raw: bytes) -> str:
    return f"<sha256-{hashlib.sha256(raw).hexdigest()}>"


def _process_new(mailbox: Mailbox, mail: Parsed) -> MailMessage:
    """An email whose Message-ID had no row when its batch was read (a row made since, by
    another worker, is found by the unique INSERT and answered)."""
    if mail.automatic:
        return _record(mailbox, mail.message_id, MailOutcome.AUTOMATIC)
    case = _case_replied_to(mail)
    if case is not None:
        return _answer(mailbox, mail, case)
    sender_key = hashlib.sha256(mail.sender.encode()).hexdigest()[:32]
    if over_limit(
        f"mail:{sender_key}", limit=settings.MITHAQ_MAIL_PER_SENDER_PER_HOUR, window=3600
    ):
        return _record(mailbox, mail.message_id, MailOutcome.HELD, reason="rate_limited")
    phone = _phone_in(f"{mail.text}\n{mail.subject}")
    if not phone:
        # Every case needs a phone number (cases.services.submit_case): staff register it
        # by hand from the mailbox.
        return _record(mailbox, mail.message_id, MailOutcome.HELD, reason="no_phone")
    try:
        with transaction.atomic():
            case = case_services.submit_case(
                kind=Kind.COMPLAINT,
                channel=Channel.EMAIL,
                subject=(mail.subject or mail.text.split("\n")[0])[:200] or "—",
                body=mail.text or mail.subject or "—",
                citizen_name=(mail.sender_name or mail.sender.split("@")[0])[:150],
                citizen_phone=phone,
                citizen_email=mail.sender[:254],
                received_by=mailbox.received_by,
                files=_accepted(mail.files),
                savepoint=False,  # a failure rolls back this email's whole transaction
            )
            return MailMessage.objects.create(
                mailbox=mailbox,
                message_id=mail.message_id,
                outcome=MailOutcome.NEW_CASE,
                case=case,
            )
    except IntegrityError:
        # Another worker recorded this Message-ID first: its case stands, ours rolled back.
        return MailMessage.objects.get(message_id=mail.message_id)
    except ValidationError as exc:
        return _record(mailbox, mail.message_id, MailOutcome.HELD, reason=exc.code or "invalid")


def process_batch(mailbox: Mailbox, fetched: list[tuple[str, bytes]]) -> list[tuple[str, str]]:
    """(uid, outcome) for each fetched email, in order, each committed on its own. One SELECT
    finds the Message-IDs already recorded (a crash between a commit and its MOVE): those are
    only moved."""
    parsed: list[tuple[str, Parsed | None, bytes]] = []
    for uid, raw in fetched:
        too_large = len(raw) > settings.MITHAQ_MAIL_MAX_BYTES
        parsed.append((uid, None if too_large else parse(raw), raw))
    ids = {mail.message_id for _uid, mail, _raw in parsed if mail is not None}
    known = dict(
        MailMessage.objects.filter(message_id__in=ids).values_list("message_id", "outcome")
    )
    outcomes = []
    for uid, mail, raw in parsed:
        if mail is None:
            row = _record(mailbox, _digest_id(raw), MailOutcome.HELD, reason="too_large")
            outcomes.append((uid, row.outcome))
        elif mail.message_id in known:
            outcomes.append((uid, known[mail.message_id]))
        else:
            outcomes.append((uid, _process_new(mailbox, mail).outcome))
    return outcomes


def _answer(mailbox: Mailbox, mail: Parsed, case: Case) -> MailMessage:
    text = mail.text or mail.subject
    try:
        with transaction.atomic():
            if case.state == State.AWAITING_CITIZEN:
                case_services.record_citizen_response(
                    case=case, body=text, files=_accepted(mail.files)
                )
            else:
                # The office asked nothing: the email joins the case's history for staff.
                case_services.add_note(
                    case=case, actor=mailbox.received_by, body=text, files=_accepted(mail.files)
                )
            return MailMessage.objects.create(
                mailbox=mailbox, message_id=mail.message_id, outcome=MailOutcome.ANSWER, case=case
            )
    except IntegrityError:
        return MailMessage.objects.get(message_id=mail.message_id)
    except ValidationError as exc:
        return _record(mailbox, mail.message_id, MailOutcome.HELD, reason=exc.code or "invalid")


def _record(mailbox: Mailbox, message_id: str, outcome: str, *, reason: str = "") -> MailMessage:
    row, _created = MailMessage.objects.get_or_create(
        message_id=message_id,
        defaults={"mailbox": mailbox, "outcome": outcome, "reason": reason},
    )
    return row


# ------------------------------------------------------------------ IMAP


def connect(mailbox: Mailbox) -> imaplib.IMAP4:
    password = os.environ.get(mailbox.password_env, "")
    timeout = 30
    if mailbox.security == Mailbox.Security.TLS:
        client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            mailbox.host, mailbox.port, ssl_context=ssl.create_default_context(), timeout=timeout
        )
    else:
        client = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
        if mailbox.security == Mailbox.Security.STARTTLS:
            client.starttls(ssl.create_default_context())
    client.login(mailbox.username, password)
    return client


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _move(client: imaplib.IMAP4, uid: str, folder: str) -> None:
    if "MOVE" in client.capabilities:
        client.uid("MOVE", uid, _quoted(folder))
        return
    client.uid("COPY", uid, _quoted(folder))
    client.uid("STORE", uid, "+FLAGS", "(\\Deleted)")
    client.expunge()


UID_IN_FETCH = re.compile(rb"UID (\d+)")


def _fetch(client: imaplib.IMAP4, uids: list[str]) -> list[tuple[str, bytes]]:
    """The raw bytes of these messages, in one FETCH."""
    status, fetched = client.uid("FETCH", ",".join(uids), "(UID BODY.PEEK[])")
    if status != "OK":
        return []
    found = []
    for part in fetched or []:
        if isinstance(part, tuple) and len(part) == 2:
            uid = UID_IN_FETCH.search(part[0])
            if uid is not None:
                found.append((uid.group(1).decode(), part[1]))
    return found


def poll_mailbox(mailbox: Mailbox, *, limit: int = 500) -> dict[str, int]:
    """Read up to `limit` messages of the mailbox's folder; each is processed (committed)
    and only then moved. A held message stays in the folder for staff, known by its row."""
    counts: dict[str, int] = {}
    client = connect(mailbox)
    try:
        client.create(_quoted(mailbox.processed_folder))  # an error if it exists: fine
        status, _data = client.select(_quoted(mailbox.folder))
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot open folder of mailbox {mailbox.pk}")
        # A held message stays for staff, marked so that it no longer fills each run.
        status, data = client.uid("SEARCH", "UNDELETED", "UNKEYWORD", HELD_KEYWORD)
        found = data[0].split()[:limit] if status == "OK" and data and data[0] else []
        uids = [uid.decode() for uid in found]
        # A batch at a time: one FETCH, then each message processed and committed on its
        # own, then one MOVE of the committed ones (a worker killed before that MOVE leaves
        # them to the next run, which recognises them by Message-ID and only moves them).
        for start in range(0, len(uids), BATCH):
            batch = uids[start : start + BATCH]
            done: list[str] = []
            held: list[str] = []
            for uid, outcome in process_batch(mailbox, _fetch(client, batch)):
                counts[outcome] = counts.get(outcome, 0) + 1
                (held if outcome == MailOutcome.HELD else done).append(uid)
            if done:
                _move(client, ",".join(done), mailbox.processed_folder)
            if held:
                client.uid("STORE", ",".join(held), "+FLAGS", f"({HELD_KEYWORD})")
        # Logs keep counts, never addresses or subjects.
        log.info("mailbox %s: %s", mailbox.pk, counts)
    finally:
        try:
            client.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
    return counts
