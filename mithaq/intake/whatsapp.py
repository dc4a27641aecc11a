"""WhatsApp Cloud inbound: the webhook's verification handshake, the X-Hub-Signature-256
check, messages that become a case (or the citizen's answer when their number has a case
waiting for them) and delivery statuses that move the message log
(notifications.services.record_receipt)."""

import hashlib
import hmac
import json
import logging
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mithaq.cases import services as case_services
from mithaq.cases.models import Case
from mithaq.cases.states import Channel, Kind, State
from mithaq.common.phones import parse_phone
from mithaq.common.ratelimit import over_limit
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


def _text_of(message: dict) -> str:
    kind = message.get("type")
    if kind == "text":
        return str((message.get("text") or {}).get("body", ""))
    if kind in {"image", "document", "video", "audio"}:
        # The caption only: the media itself stays with Meta (not downloaded yet).
        return str((message.get(kind) or {}).get("caption", ""))
    return ""


def receive_message(number: WhatsAppNumber, message: dict, name: str) -> WhatsAppInbound | None:
    """One inbound message, once: a case, or the answer on the case waiting for this number."""
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
    text = _text_of(message).replace("\x00", "").strip()
    sender = hashlib.sha256(phone.encode()).hexdigest()[:32]
    if not text or over_limit(
        f"wa:{sender}", limit=settings.MITHAQ_WHATSAPP_PER_SENDER_PER_HOUR, window=3600
    ):
        return _record(wa_id, MailOutcome.HELD)
    waiting = (
        Case.objects.filter(citizen_phone=phone, state=State.AWAITING_CITIZEN)
        .order_by("-updated_at")
        .first()
    )
    try:
        with transaction.atomic():
            if waiting is not None:
                case = case_services.record_citizen_response(case=waiting, body=text)
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
                )
                outcome = MailOutcome.NEW_CASE
            return WhatsAppInbound.objects.create(wa_message_id=wa_id, outcome=outcome, case=case)
    except IntegrityError:
        return WhatsAppInbound.objects.filter(wa_message_id=wa_id).first()
    except ValidationError:
        return _record(wa_id, MailOutcome.HELD)


def _record(wa_id: str, outcome: str) -> WhatsAppInbound:
    row, _created = WhatsAppInbound.objects.get_or_create(
        wa_message_id=wa_id, defaults={"outcome": outcome}
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
