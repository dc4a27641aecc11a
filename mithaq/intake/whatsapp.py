"""WhatsApp Cloud inbound: the webhook's verification handshake, the X-Hub-Signature-256
check, messages that become a case (or the citizen's answer when their number has a case
waiting for them), their media fetched afterwards by a job (fetch_due_media, retried with
backoff) and kept as the case's files under the upload rules, delivery statuses that move the message log (notifications.services.record_receipt),
and the 24-hour customer-service window the transport asks about (service_window_open)."""

import datetime
import hashlib
import hmac
import json
import logging
import os
import re
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mithaq.cases import services as case_services
from mithaq.cases.models import Case, CaseEvent
from mithaq.cases.states import Channel, EventKind, Kind, State
from mithaq.common.crypto import HashKind, search_hash, search_hashes
from mithaq.common.phones import parse_phone
from mithaq.common.ratelimit import over_limit
from mithaq.notifications import services as notification_services
from mithaq.notifications.models import GatewayConfig
from mithaq.notifications.states import GatewayKind

from .models import MailOutcome, MediaStatus, WhatsAppInbound, WhatsAppNumber

log = logging.getLogger(__name__)

# Meta's statuses in the message log's words: a read message was delivered.
STATUSES = {"sent": "sent", "delivered": "delivered", "read": "delivered", "failed": "failed"}


def signature_ok(secret: str, body: bytes, header: str) -> bool:
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256=") :].strip().lower())


MEDIA_KINDS = ("image", "document", "video", "audio")
MEDIA_ID = re.compile(r"[A-Za-z0-9_.-]{1,128}")
# Meta's customer-service window: free text within it, an approved template outside.
SERVICE_WINDOW = datetime.timedelta(hours=24)


def sender_digest(phone: str) -> str:
    """The key a number is known by in our rows and logs: never the number itself, its
    keyed hash (mithaq.common.crypto), the one the registry and the cases find it by."""
    return search_hash(HashKind.PHONE, "+" + phone.lstrip("+"))


def service_window_open(phone: str, now: datetime.datetime) -> bool:
    """Has this number written to us in the last 24 hours? (Any message counts, even one
    held: Meta opens the window on the citizen's message, whatever we made of it.)"""
    return WhatsAppInbound.objects.filter(
        # Every search key's hash: a key being rotated still finds the last message.
        sender__in=search_hashes(HashKind.PHONE, "+" + phone.lstrip("+")),
        received_at__gt=now - SERVICE_WINDOW,
    ).exists()


def _text_of(message: dict) -> str:
    kind = message.get("type")
    if kind == "text":
        return str((message.get("text") or {}).get("body", ""))
    if kind in MEDIA_KINDS:
        return str((message.get(kind) or {}).get("caption", ""))
    return ""


def _get(url: str, token: str, *, limit: int, timeout: float) -> bytes:
    """GET with the bearer token; at most `limit` bytes (one more means too large)."""
    if not url.startswith(("http://", "https://")):
        raise ValueError("not an http(s) URL")
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url, headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
        return answer.read(limit + 1)


class MediaUnavailable(Exception):
    """Meta did not give the file this time (network, its answer): tried again later."""


def _media_of(message: dict) -> tuple[str, str, str]:
    """(kind, media id, file name) of a media message; the id empty if there is none we can
    ask for: it goes into a URL path, so only what Meta's ids are made of."""
    kind = str(message.get("type", ""))
    media = message.get(kind) if kind in MEDIA_KINDS else None
    if not isinstance(media, dict):
        return kind, "", ""
    media_id = str(media.get("id", ""))
    name = str(media.get("filename") or f"whatsapp-{kind}")[:200]
    return kind, media_id if MEDIA_ID.fullmatch(media_id) else "", name


def download_media(config: GatewayConfig, media_id: str, name: str) -> SimpleUploadedFile:
    """The media's bytes as an upload (not yet checked): the Cloud API gives a media id; GET
    {base}/{id} names a short-lived URL, and GET on that URL with the same token gives the
    bytes. MediaUnavailable when Meta does not give them now."""
    limit, timeout = settings.MITHAQ_MAX_UPLOAD_BYTES, config.timeout_seconds
    try:
        described = json.loads(
            _get(
                f"{config.url.rstrip('/')}/{media_id}",
                config.secret(),
                limit=65536,
                timeout=timeout,
            )
        )
        data = _get(str(described["url"]), config.secret(), limit=limit, timeout=timeout)
    except (OSError, ValueError, KeyError, TypeError, urllib.error.URLError) as exc:
        # Logs keep the kind of failure only.
        raise MediaUnavailable(type(exc).__name__) from exc
    return SimpleUploadedFile(name, data)


def receive_message(number: WhatsAppNumber, message: dict, name: str) -> WhatsAppInbound | None:
    """One inbound message, once: a case, or the answer on the case waiting for this number;
    a photo or document in it becomes the case's file once a job has fetched it."""
    wa_id = str(message.get("id", ""))[:128]
    if not wa_id:
        return None
    earlier = WhatsAppInbound.objects.filter(wa_message_id=wa_id).first()
    if earlier is not None:
        return earlier
    try:
        phone = parse_phone("+" + str(message.get("from", "")).lstrip("+"))
    except ValidationError:
        return None
    sender = sender_digest(phone)
    text = _text_of(message).replace("\x00", "").strip()
    has_media = message.get("type") in MEDIA_KINDS
    if (not text and not has_media) or over_limit(
        f"wa:{sender[:32]}", limit=settings.MITHAQ_WHATSAPP_PER_SENDER_PER_HOUR, window=3600
    ):
        return _record(wa_id, MailOutcome.HELD, sender)
    # The file is fetched by a job once this is committed (fetch_due_media): the webhook
    # answers Meta without waiting on Meta's file servers.
    kind, media_id, media_name = _media_of(message) if has_media else ("", "", "")
    if not text:
        with translation.override(settings.LANGUAGE_CODE):
            text = _("A file sent by WhatsApp")
    waiting = (
        Case.objects.filter(citizen_phone=phone, state=State.AWAITING_CITIZEN)
        .order_by("-updated_at")
        .first()
    )
    try:
        with transaction.atomic():
            if waiting is not None:
                case = case_services.record_citizen_response(case=waiting, body=text)
                outcome, event_kind = MailOutcome.ANSWER, EventKind.CITIZEN_RESPONDED
            else:
                case = case_services.submit_case(
                    kind=Kind.COMPLAINT,
                    channel=Channel.WHATSAPP,
                    subject=text.split("\n")[0][:200],
                    body=text,
                    citizen_name=(name or phone)[:150],
                    citizen_phone=phone,
                    received_by=number.received_by,
                )
                outcome, event_kind = MailOutcome.NEW_CASE, EventKind.SUBMITTED
            row = WhatsAppInbound(
                wa_message_id=wa_id, sender=sender, outcome=outcome, case=case, number=number
            )
            if media_id:
                row.event = CaseEvent.objects.filter(case=case, kind=event_kind).latest("id")
                row.media_kind, row.media_id, row.media_name = kind, media_id, media_name
                row.media_status = MediaStatus.PENDING
                row.media_next_at = timezone.now()
            row.save()
            if media_id:
                _enqueue_media_job()
    except IntegrityError:
        return WhatsAppInbound.objects.filter(wa_message_id=wa_id).first()
    except ValidationError:
        return _record(wa_id, MailOutcome.HELD, sender)
    return row


def _enqueue_media_job() -> None:
    """The database queue's task row is written in the message's transaction (committed
    with it or not at all); another queue (Redis) hears of it after the commit."""
    from .tasks import fetch_whatsapp_media  # the tasks module imports this one

    def enqueue() -> None:
        try:
            fetch_whatsapp_media.enqueue()
        except Exception:
            # The row waits in the table: the periodic run of the same job fetches it.
            log.exception("could not enqueue the WhatsApp media job")

    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        fetch_whatsapp_media.enqueue()
    else:
        transaction.on_commit(enqueue)


# A claimed row is left alone this long by other workers (a worker killed mid-download
# leaves it to be tried again after that).
MEDIA_CLAIM = datetime.timedelta(minutes=5)
MEDIA_BACKOFF = datetime.timedelta(seconds=30)


def fetch_due_media(*, now: datetime.datetime | None = None, limit: int = 50) -> dict[str, int]:
    """Fetch the files of the WhatsApp messages whose turn has come: each row is claimed by
    a conditional UPDATE (two workers never fetch one file), the network is used outside
    any transaction, and the file is kept on the message's event through cases.services. A
    failure is tried again after 30 s, 2 min, 8 min...; after the last attempt, or when the
    upload rules refuse the file, a note on the case says so to the staff."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    due = WhatsAppInbound.objects.filter(
        media_status=MediaStatus.PENDING, media_next_at__lte=now
    ).order_by("media_next_at")[:limit]
    for row in list(due):
        claimed = WhatsAppInbound.objects.filter(
            pk=row.pk, media_status=MediaStatus.PENDING, media_next_at=row.media_next_at
        ).update(media_next_at=now + MEDIA_CLAIM)
        if claimed:
            status = _fetch_media(row, now=now)
            counts[status] = counts.get(status, 0) + 1
    return counts


def _fetch_media(row: WhatsAppInbound, *, now: datetime.datetime) -> str:
    number = row.number
    config = (
        GatewayConfig.objects.filter(code=number.gateway_code, kind=GatewayKind.WHATSAPP).first()
        if number is not None
        else None
    )
    event = row.event
    if config is None or event is None:
        return _give_up(row, MediaStatus.FAILED, now=now)
    try:
        upload = download_media(config, row.media_id, row.media_name)
    except MediaUnavailable as exc:
        log.warning("whatsapp media not fetched (attempt %s): %s", row.media_attempts + 1, exc)
        row.media_attempts += 1
        if row.media_attempts >= settings.MITHAQ_WHATSAPP_MEDIA_ATTEMPTS:
            return _give_up(row, MediaStatus.FAILED, now=now)
        row.media_next_at = now + MEDIA_BACKOFF * 4 ** (row.media_attempts - 1)
        row.save(update_fields=["media_attempts", "media_next_at"])
        return "retry"
    try:
        with transaction.atomic():
            case_services.add_file_to_event(event=event, upload=upload, now=now)
            row.media_attempts += 1
            row.media_status, row.media_next_at = MediaStatus.FETCHED, None
            row.save(update_fields=["media_attempts", "media_status", "media_next_at"])
    except ValidationError:
        return _give_up(row, MediaStatus.REFUSED, now=now)
    return MediaStatus.FETCHED


def _give_up(row: WhatsAppInbound, status: str, *, now: datetime.datetime) -> str:
    """The file will not be kept: the row says why, and a note on the case tells the staff,
    who can ask the citizen for it again."""
    with transaction.atomic():
        row.media_status, row.media_next_at = status, None
        row.save(update_fields=["media_attempts", "media_status", "media_next_at"])
        actor = row.number.received_by if row.number is not None else None
        if row.case is not None and actor is not None:
            with translation.override(settings.LANGUAGE_CODE):
                body = (
                    _("The file sent by WhatsApp was refused by the upload rules.")
                    if status == MediaStatus.REFUSED
                    else _("The file sent by WhatsApp could not be downloaded.")
                )
            case_services.add_note(case=row.case, actor=actor, body=body, now=now)
    return status


def _record(wa_id: str, outcome: str, sender: str) -> WhatsAppInbound:
    row, _created = WhatsAppInbound.objects.get_or_create(
        wa_message_id=wa_id, defaults={"outcome": outcome, "sender": sender}
    )
    return row


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request, gateway: str):
    number = WhatsAppNumber.objects.filter(gateway_code=gateway, is_active=True).first()
    config = GatewayConfig.objects.filter(
        code=gateway, kind=GatewayKind.WHATSAPP, is_active=True
    ).first()
    if number is None or config is None:
        return HttpResponse(status=404)
    if request.method == "GET":
        token = os.environ.get(number.verify_token_env, "")
        if (
            request.GET.get("hub.mode") == "subscribe"
            and token
            and hmac.compare_digest(request.GET.get("hub.verify_token", ""), token)
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponseForbidden("bad verify token")
    if not signature_ok(
        config.receipt_secret(), request.body, request.headers.get("X-Hub-Signature-256", "")
    ):
        return HttpResponseForbidden("bad signature")
    try:
        data = json.loads(request.body)
        changes = [c["value"] for e in data["entry"] for c in e.get("changes", [])]
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest("bad payload")
    counts = {"messages": 0, "statuses": 0}
    for value in changes:
        if not isinstance(value, dict):
            continue
        names = {
            str(c.get("wa_id", "")): str((c.get("profile") or {}).get("name", ""))
            for c in value.get("contacts", []) or []
            if isinstance(c, dict)
        }
        for message in value.get("messages", []) or []:
            if isinstance(message, dict):
                receive_message(number, message, names.get(str(message.get("from", "")), ""))
                counts["messages"] += 1
        for status in value.get("statuses", []) or []:
            if isinstance(status, dict) and status.get("status") in STATUSES:
                notification_services.record_receipt(
                    gateway=f"whatsapp:{config.code}",
                    provider_id=str(status.get("id", ""))[:200],
                    status=STATUSES[str(status["status"])],
                    error=json.dumps(status.get("errors", ""))[:500]
                    if status.get("errors")
                    else "",
                )
                counts["statuses"] += 1
    # Counts only: no numbers, no texts in logs.
    log.info("whatsapp webhook %s: %s", config.code, counts)
    return HttpResponse("ok", content_type="text/plain")
