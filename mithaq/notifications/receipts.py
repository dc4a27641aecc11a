"""Checking a delivery receipt's signature: HMAC-SHA256 over "<timestamp>.<body>" with the
gateway's secret, compared in constant time, refused when stale or seen before."""

import hashlib
import hmac
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ReceiptSeen

TIMESTAMP_HEADER = "X-Mithaq-Timestamp"
SIGNATURE_HEADER = "X-Mithaq-Signature"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify(*, secret: str, timestamp: str, signature: str, body: bytes, now: float | None = None):
    """True if the receipt is authentic, fresh and new. Records it as seen."""
    if not secret or not timestamp or not signature:
        return False
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    now = time.time() if now is None else now
    if abs(now - sent_at) > settings.MITHAQ_RECEIPT_MAX_AGE_SECONDS:
        return False
    signature = signature.strip().lower()
    if len(signature) != 64 or any(c not in "0123456789abcdef" for c in signature):
        return False
    if not hmac.compare_digest(sign(secret, timestamp, body).encode(), signature.encode()):
        return False
    try:
        with transaction.atomic():
            ReceiptSeen.objects.create(signature=signature.lower(), at=timezone.now())
    except IntegrityError:
        return False  # a replay
    return True
