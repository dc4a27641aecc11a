"""WhatsApp Cloud inbound: the webhook's verification handshake, the X-Hub-Signature-256
check, messages that become a case (or the citizen's answer when their number has a case
waiting for them), their media downloaded and kept as the case's files under the upload
rules, delivery statuses that move the message log (notifications.services.record_receipt),
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
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mithaq.cases import services as case_services
from mithaq.cases.models import Case
from mithaq.cases.states import Channel, Kind, State
from mithaq.common.crypto import HashKind, search_hash, search_hashes
from mithaq.common.phones import parse_phone
from mithaq.common.ratelimit import over_limit
from mithaq.common.uploads import check_upload
from mithaq.notifications import services as notification_services
from mithaq.notifications.models import GatewayConfig
from mithaq.notifications.states import GatewayKind

from .models import MailOutcome, WhatsAppInbound, WhatsAppNumber

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


def download_media(config: GatewayConfig, message: dict) -> SimpleUploadedFile | None:
    """The message's media as an upload that passed the upload rules (type decided by its
    bytes, size), or None: the Cloud API gives a media id; GET {base}/{id} names a short-lived
    URL, and GET on that URL with the same token gives the bytes."""
    kind = str(message.get("type", ""))
    media = message.get(kind) if kind in MEDIA_KINDS else None
    media_id = str((media or {}).get("id", "")) if isinstance(media, dict) else ""
    # An id goes into a URL path: only what Meta's ids are made of.
    if not MEDIA_ID.fullmatch(media_id):
        return None
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
        # The case is still made from the text; the file is lost with Meta's URL. Logs keep
        # the kind of failure only.
        log.warning("whatsapp media not fetched: %s", type(exc).__name__)
        return None
    name = str((media or {}).get("filename") or f"whatsapp-{kind}")[:200]
    upload = SimpleUploadedFile(name, data)
    try:
        check_upload(upload)
    except ValidationError:
        return None
    upload.seek(0)
    return upload


def receive_message(
    number: WhatsAppNumber, message: dict, name: str, config: GatewayConfig | None = None
) -> WhatsAppInbound | None:
    """One inbound message, once: a case, or the answer on the case waiting for this number;
    a photo or document in it becomes the case's file."""
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
    # The network before the transaction: no row is locked while Meta answers.
    upload = download_media(config, message) if has_media and config is not None else None
    files = [upload] if upload is not None else []
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
                case = case_services.record_citizen_response(case=waiting, body=text, files=files)
                outcome = MailOutcome.ANSWER
            else:
                case = case_services.submit_case(
                    kind=Kind.COMPLAINT,
                    channel=Channel.WHATSAPP,
                    subject=text.split("\n")[0][:200],
                    body=text,
                    citizen_name=(name or phone)[:150],
                    citizen_phone=phone,
                    received_by=number.received_by,
                    files=files,
                )
                outcome = MailOutcome.NEW_CASE
            return WhatsAppInbound.objects.create(
                wa_message_id=wa_id, sender=sender, outcome=outcome, case=case
            )
    except IntegrityError:
        return WhatsAppInbound.objects.filter(wa_message_id=wa_id).first()
    except ValidationError:
        return _record(wa_id, MailOutcome.HELD, sender)


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
                receive_message(
                    number, message, names.get(str(message.get("from", "")), ""), config
                )
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
