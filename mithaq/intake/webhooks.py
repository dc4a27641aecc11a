"""Outgoing webhooks: case events turned into outbox rows for each subscriber (read from
the cases' event table, after its commit), then POSTed signed with HMAC-SHA256 and retried
with backoff. The payload names the case by its reference and never carries personal data."""

import datetime
import hashlib
import hmac
import json
import os
import time
import urllib.error
import urllib.request

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mithaq.cases.models import CaseEvent
from mithaq.cases.states import EventKind, State
from mithaq.notifications.transports import TransportError

from .models import WebhookCursor, WebhookDelivery, WebhookEvent, WebhookSubscription

MAX_ATTEMPTS = 8
LEASE = datetime.timedelta(minutes=2)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> datetime.timedelta:
    """30 s, 1 min, 2 min... up to 6 hours."""
    return datetime.timedelta(seconds=min(30 * 2 ** (attempts - 1), 6 * 3600))


def _events_of(event: CaseEvent) -> list[str]:
    found: list[str] = []
    if event.kind == EventKind.SUBMITTED:
        found.append(WebhookEvent.SUBMITTED)
    elif event.from_state and event.to_state and event.from_state != event.to_state:
        found.append(WebhookEvent.STATE_CHANGED)
        if event.to_state == State.CLOSED:
            found.append(WebhookEvent.CLOSED)
    return found


def _payload(event: CaseEvent, name: str) -> dict:
    case = event.case
    return {
        "event": name,
        "event_id": event.pk,
        "at": event.at.astimezone(datetime.UTC).isoformat(),
        "case": {
            "reference": case.code,
            "kind": case.kind,
            "channel": case.channel,
            "state": event.to_state or case.state,
            "from_state": event.from_state,
            "unit_id": case.unit_id,
        },
    }


@transaction.atomic
def collect(*, limit: int = 1000) -> int:
    """Turn case events after the cursor into deliveries; move the cursor. A new cursor
    starts at the latest event: subscribers hear of what happens from now on."""
    cursor = WebhookCursor.objects.select_for_update().first()
    if cursor is None:
        latest = CaseEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        WebhookCursor.objects.create(last_event_id=latest)
        return 0
    events = list(
        CaseEvent.objects.filter(id__gt=cursor.last_event_id)
        .select_related("case")
        .order_by("id")[:limit]
    )
    if not events:
        return 0
    subscriptions = list(WebhookSubscription.objects.filter(is_active=True))
    now = timezone.now()
    rows = [
        WebhookDelivery(
            subscription=sub,
            case_event=event,
            event=name,
            payload=_payload(event, name),
            next_attempt_at=now,
        )
        for event in events
        for name in _events_of(event)
        for sub in subscriptions
        if name in sub.events
    ]
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    cursor.last_event_id = events[-1].pk
    cursor.save(update_fields=["last_event_id"])
    return len(rows)


def _claim(now: datetime.datetime, limit: int) -> list[WebhookDelivery]:
    """Due deliveries, each claimed by a conditional UPDATE (a lease): two workers never
    send one delivery at once; a worker that dies lets the lease run out."""
    claimed = []
    due = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
    ).values_list("pk", "next_attempt_at")[:limit]
    for pk, at in due:
        taken = WebhookDelivery.objects.filter(
            pk=pk, status=WebhookDelivery.Status.PENDING, next_attempt_at=at
        ).update(next_attempt_at=now + LEASE)
        if taken:
            claimed.append(WebhookDelivery.objects.select_related("subscription").get(pk=pk))
    return claimed


def send_due(*, now: datetime.datetime | None = None, limit: int = 200) -> dict[str, int]:
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for delivery in _claim(now or timezone.now(), limit):
        sub = delivery.subscription
        body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
        timestamp = str(int(time.time()))
        secret = os.environ.get(sub.secret_env, "")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Mithaq-Event": delivery.event,
            "X-Mithaq-Delivery": str(delivery.pk),
            "X-Mithaq-Timestamp": timestamp,
            "X-Mithaq-Signature": "sha256=" + sign(secret, timestamp, body),
        }
        attempted = timezone.now()
        try:
            if not secret:
                raise TransportError("no secret in the environment", permanent=False)
            _post(sub.url, body, headers)
        except TransportError as exc:
            attempts = delivery.attempts + 1
            final = exc.permanent or attempts >= MAX_ATTEMPTS
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                attempts=F("attempts") + 1,
                status=WebhookDelivery.Status.FAILED if final else WebhookDelivery.Status.PENDING,
                next_attempt_at=attempted + backoff(attempts),
                last_error=str(exc)[:500],
            )
            counts["failed" if final else "retry"] += 1
            continue
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            attempts=F("attempts") + 1,
            status=WebhookDelivery.Status.SENT,
            sent_at=attempted,
            last_error="",
        )
        counts["sent"] += 1
    return counts


def _post(url: str, body: bytes, headers: dict) -> None:
    # Not notifications' HTTP helper, which encodes a dict: the bytes signed are the bytes sent.
    if not url.startswith(("http://", "https://")):
        raise TransportError("not an http(s) URL", permanent=True)
    req = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=10) as answer:  # noqa: S310
            answer.read(1024)
    except urllib.error.HTTPError as exc:
        permanent = 400 <= exc.code < 500 and exc.code not in (408, 425, 429)
        raise TransportError(f"HTTP {exc.code}", permanent=permanent) from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        raise TransportError(f"network: {type(exc).__name__}", permanent=False) from exc
