"""Sending what the outbox holds: claim, send, record, retry, and pause a failing gateway.

A message is claimed with one conditional UPDATE (queued and due -> sending, with a fresh
token), so two workers never send it together; the result is written only by the holder of
the token. Each send's result (the message's state and its Attempt row) is committed, with
synchronous commit, before the next message is sent; a run renews the claim of a message it
reached late (claims older than half the claim timeout) just before sending it, so a long
run's claims do not expire under it, and one already taken from it is left alone. Transient
failures go back to the queue with exponential backoff and jitter, up to a bounded number
of attempts; permanent ones fail at once. Each gateway has a circuit breaker: after
repeated transient failures it opens, and messages for it wait (without spending attempts)
until one probe after the cool-off shows the gateway is back. Every function takes `now`,
so tests drive time instead of sleeping.

What can still be sent twice: the one message a worker is sending when it dies (killed,
machine lost) after the gateway took it and before its result was committed; it goes back
to the queue after the claim timeout and is sent again. At most one message per dead
worker. Likewise a send whose answer is lost (a timeout after the gateway took it) is
retried, and a send lasting longer than the claim timeout (transport timeouts are far
shorter) can be overtaken. Every gateway request that can carry a key carries one, the
same for every attempt at one message: the HTTP SMS transport's Idempotency-Key header (a
gateway that honours it sends even these once) and the email's Message-ID (receiving
servers and mail clients drop or thread the copy). The WhatsApp Cloud API takes no key,
and the file transport needs none. The claim timeout is short (45 s by default), so a dead
worker's message goes on within a minute."""

import datetime
import logging
import random
import uuid
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from mithaq.accounts.models import User

from . import attachments
from .models import Attempt, GatewayState, Message
from .states import BreakerState, MessageChannel, MessageStatus, Outcome, RecipientKind, StaffEvent
from .transports import Outgoing, TransportError, transport_for

logger = logging.getLogger(__name__)


# Messages claimed at once by dispatch_due: one commit per batch. A worker that dies leaves
# at most this many claimed, and they return to the queue after the claim timeout.
CLAIM_BATCH = 50


@dataclass(frozen=True)
class Result:
    message_id: int
    outcome: str  # "sent", "retry", "failed", "deferred", "skipped"


def _claim(message_id: int, now) -> uuid.UUID | None:
    token = uuid.uuid4()
    claimed = Message.objects.filter(
        pk=message_id, status=MessageStatus.QUEUED, next_attempt_at__lte=now
    ).update(status=MessageStatus.SENDING, claim_token=token, claimed_at=now)
    return token if claimed else None


def resolve_address(message: Message) -> str:
    """The address to use now: a citizen's current phone or email on the case, a staff
    member's current email, or the address stored for a message with neither."""
    if message.recipient_kind == RecipientKind.STAFF and message.user_id:
        return cast(User, message.user).email
    if message.case_id:
        # Set, as case_id is (a cases.models.Case: that app stands above this one).
        case = cast(Any, message.case)
        if message.channel == MessageChannel.EMAIL:
            return case.citizen_email
        return case.citizen_phone
    return message.address


def backoff(attempts: int, *, rng: random.Random | None = None) -> datetime.timedelta:
    """Exponential, capped, with +/-25% jitter so retries of a batch spread out."""
    base = settings.MITHAQ_MESSAGE_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)
    base = min(base, settings.MITHAQ_MESSAGE_RETRY_MAX_SECONDS)
    jitter = (rng or random).uniform(0.75, 1.25)  # noqa: S311 - not for secrets
    return datetime.timedelta(seconds=base * jitter)


# The circuit breaker --------------------------------------------------------------------------


def _breaker(name: str) -> GatewayState:
    state = GatewayState.objects.filter(gateway=name).first()
    if state is None:
        try:
            with transaction.atomic():
                state = GatewayState.objects.create(gateway=name)
        except IntegrityError:
            state = GatewayState.objects.get(gateway=name)
    return state


def _may_send(name: str, now) -> tuple[bool, uuid.UUID | None, datetime.datetime | None]:
    """(may send, probe token if this send is the half-open probe, wait until when)."""
    state = _breaker(name)
    if state.state == BreakerState.CLOSED:
        return True, None, None
    if state.state == BreakerState.OPEN and state.opened_until and state.opened_until > now:
        return False, None, state.opened_until
    # Cool-off over (or a probe that never reported): exactly one sender becomes the probe.
    probe = uuid.uuid4()
    stale = now - datetime.timedelta(seconds=settings.MITHAQ_BREAKER_COOLOFF_SECONDS)
    won = (
        GatewayState.objects.filter(gateway=name)
        .filter(
            Q(state=BreakerState.OPEN, opened_until__lte=now)
            | Q(state=BreakerState.HALF_OPEN, changed_at__lte=stale)
        )
        .update(state=BreakerState.HALF_OPEN, probe_token=probe, changed_at=now)
    )
    if won:
        return True, probe, None
    return False, None, now + datetime.timedelta(seconds=settings.MITHAQ_BREAKER_PROBE_WAIT)


def _breaker_success(name: str, now) -> None:
    closed = (
        GatewayState.objects.filter(gateway=name)
        .exclude(state=BreakerState.CLOSED, consecutive_failures=0)
        .update(state=BreakerState.CLOSED, consecutive_failures=0, probe_token=None, changed_at=now)
    )
    if closed:
        # The gateway is back: what waited for it goes now, not at its backed-off time.
        Message.objects.filter(
            status=MessageStatus.QUEUED, gateway=name, next_attempt_at__gt=now
        ).update(next_attempt_at=now)


def _breaker_failure(name: str, now, error: str, *, probe: uuid.UUID | None) -> None:
    cool_off = now + datetime.timedelta(seconds=settings.MITHAQ_BREAKER_COOLOFF_SECONDS)
    GatewayState.objects.filter(gateway=name).update(
        consecutive_failures=F("consecutive_failures") + 1, last_error=error[:500]
    )
    if probe is not None:
        GatewayState.objects.filter(gateway=name, probe_token=probe).update(
            state=BreakerState.OPEN, opened_until=cool_off, changed_at=now, probe_token=None
        )
        return
    GatewayState.objects.filter(
        gateway=name,
        state=BreakerState.CLOSED,
        consecutive_failures__gte=settings.MITHAQ_BREAKER_THRESHOLD,
    ).update(state=BreakerState.OPEN, opened_until=cool_off, changed_at=now)


# Sending one message --------------------------------------------------------------------------


def _finish(message: Message, token, *, now, **changes) -> bool:
    """Write the result, only while this worker still holds the claim."""
    return bool(
        Message.objects.filter(
            pk=message.pk, claim_token=token, status=MessageStatus.SENDING
        ).update(claim_token=None, **changes)
    )


def _claim_batch(now, limit: int, at) -> tuple[uuid.UUID, list[int]]:
    """Claim up to `limit` messages due at `now` with one conditional UPDATE (one commit
    for the batch), stamped `at`. Rows another worker claimed first no longer match and are
    left to it."""
    token = uuid.uuid4()
    candidates = list(
        Message.objects.due(now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    if not candidates:
        return token, []
    Message.objects.filter(
        pk__in=candidates, status=MessageStatus.QUEUED, next_attempt_at__lte=now
    ).update(status=MessageStatus.SENDING, claim_token=token, claimed_at=at)
    claimed = Message.objects.filter(claim_token=token).order_by("next_attempt_at", "id")
    return token, list(claimed.values_list("pk", flat=True))


def _renew(message: Message, token, at) -> bool:
    """Restamp a claim this worker still holds; False if it was released (and perhaps
    taken by another worker) meanwhile."""
    return bool(
        Message.objects.filter(
            pk=message.pk, claim_token=token, status=MessageStatus.SENDING
        ).update(claimed_at=at)
    )


# Events whose message carries a one-time secret: its body is blanked when it is sent.
SECRET_EVENTS = frozenset({StaffEvent.ENROLMENT_CODE.value})
SECRET_SENT_BODY = "-"  # noqa: S105 - what replaces a sent secret, not one


class Batch:
    """What one run of the dispatcher keeps between messages: the transports, the
    gateways seen working, and the run's clock."""

    def __init__(self, now):
        self.now = now
        self.started = timezone.now()
        self.transports: dict = {}
        self.working: set[str] = set()

    def clock(self):
        """The time as the run goes on: its `now` (a test's simulated time too) plus the
        time elapsed since it began, so claims are stamped in the caller's time."""
        return self.now + (timezone.now() - self.started)

    def transport(self, channel: str):
        if channel not in self.transports:
            self.transports[channel] = transport_for(channel)
        return self.transports[channel]

    def sent(self, message, token, name, address, sent) -> None:
        """Record a success at once, durably, before the next message is sent: a worker
        that dies after this commit cannot send the message again."""
        now = self.now
        changes = {"gateway": name}
        if message.event_key in SECRET_EVENTS:
            # A one-time secret (an enrolment code) is not kept once it has gone out.
            changes.update(body=SECRET_SENT_BODY, html="")
        if sent.provider_id:
            changes["provider_id"] = sent.provider_id[:200]
        with transaction.atomic():
            # Only while this worker still holds the row: the claim token is the condition.
            Message.objects.filter(
                pk=message.pk, claim_token=token, status=MessageStatus.SENDING
            ).update(
                status=MessageStatus.SENT,
                attempt_count=F("attempt_count") + 1,
                sent_at=now,
                last_error="",
                claim_token=None,
                **changes,
            )
            Attempt.objects.create(
                message=message,
                at=now,
                transport=name,
                address=address,
                outcome=Outcome.SENT,
                http_status=sent.http_status,
            )
        if name not in self.working:
            _breaker_success(name, now)
            self.working.add(name)


def dispatch_one(message_id: int, *, now=None, rng: random.Random | None = None) -> Result:
    """Send one message if it is due and nobody else holds it. Running it again for a
    message already sent does nothing."""
    now = now or timezone.now()
    token = _claim(message_id, now)
    if token is None:
        return Result(message_id, "skipped")
    message = Message.objects.select_related("case", "user").get(pk=message_id)
    return _send_claimed(message, token, Batch(now), rng=rng)


def _send_claimed(message: Message, token, batch: Batch, *, rng=None) -> Result:
    now = batch.now
    message_id = message.pk
    config_error: TransportError | None
    try:
        transport = batch.transport(message.channel)
    except TransportError as exc:
        # Misconfiguration: keep the message and try later rather than lose it.
        transport, config_error = None, exc
    else:
        config_error = None
    name = transport.name if transport else f"{message.channel}:unconfigured"
    address = resolve_address(message)

    probe = None
    if transport is not None and name not in batch.working:
        allowed, probe, wait_until = _may_send(name, now)
        if not allowed:
            _finish(
                message,
                token,
                now=now,
                status=MessageStatus.QUEUED,
                next_attempt_at=wait_until,
                gateway=name,
            )
            return Result(message_id, "deferred")

    attempt_number = message.attempt_count + 1
    try:
        if config_error is not None:
            raise config_error
        sent = transport.send(
            Outgoing(
                message_id=message.pk,
                channel=message.channel,
                to=address,
                subject=message.subject,
                body=message.body,
                html=message.html,
                language=message.language,
                event_key=message.event_key,
                attachments=tuple(
                    (a.filename, a.content, a.mimetype) for a in attachments.for_message(message)
                ),
            )
        )
    except Exception as exc:
        if isinstance(exc, TransportError):
            reason, permanent, http_status = exc.reason, exc.permanent, exc.http_status
        else:
            # A bug in a transport must not leave the message claimed for ever.
            logger.exception("transport %s crashed on message %s", name, message_id)
            reason, permanent, http_status = repr(exc), False, None
        final = permanent or attempt_number >= settings.MITHAQ_MESSAGE_MAX_ATTEMPTS
        with transaction.atomic():
            _finish(
                message,
                token,
                now=now,
                status=MessageStatus.FAILED if final else MessageStatus.QUEUED,
                attempt_count=attempt_number,
                last_error=reason[:2000],
                next_attempt_at=now if final else now + backoff(attempt_number, rng=rng),
                gateway=name,
            )
            Attempt.objects.create(
                message=message,
                at=now,
                transport=name,
                address=address,
                outcome=Outcome.FAILED if final else Outcome.RETRY,
                error=reason[:2000],
                http_status=http_status,
            )
        if transport is not None and not permanent:
            _breaker_failure(name, now, reason, probe=probe)
            batch.working.discard(name)
        elif transport is not None and probe is not None:
            # A permanent refusal still proves the gateway answers.
            _breaker_success(name, now)
        return Result(message_id, "failed" if final else "retry")

    batch.sent(message, token, name, address, sent)
    return Result(message_id, "sent")


def release_abandoned(*, now=None) -> int:
    """Messages left "sending" by a worker that died: back to the queue. The claim timeout
    is far longer than any transport's timeout, so a live worker is never overtaken."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(seconds=settings.MITHAQ_MESSAGE_CLAIM_TIMEOUT)
    stuck = list(
        Message.objects.filter(status=MessageStatus.SENDING, claimed_at__lt=limit).values_list(
            "pk", flat=True
        )
    )
    released = 0
    for pk in stuck:
        with transaction.atomic():
            if Message.objects.filter(
                pk=pk, status=MessageStatus.SENDING, claimed_at__lt=limit
            ).update(status=MessageStatus.QUEUED, claim_token=None, next_attempt_at=now):
                Attempt.objects.create(
                    message_id=pk, at=now, transport="", outcome=Outcome.ABANDONED
                )
                released += 1
    return released


def dispatch_due(*, now=None, limit: int = 500, rng: random.Random | None = None) -> dict:
    """Send every message that is due, oldest first, up to `limit`. Safe to run in several
    workers at once: each message is claimed before it is sent."""
    now = now or timezone.now()
    release_abandoned(now=now)
    counts: dict[str, int] = {}
    batch = Batch(now)
    renew_after = datetime.timedelta(seconds=settings.MITHAQ_MESSAGE_CLAIM_TIMEOUT / 2)
    remaining = limit
    while remaining > 0:
        token, ids = _claim_batch(now, min(remaining, CLAIM_BATCH), batch.clock())
        if not ids:
            break
        claimed = Message.objects.select_related("case", "user").filter(claim_token=token)
        for message in claimed.order_by("next_attempt_at", "id"):
            at = batch.clock()
            if at - message.claimed_at >= renew_after and not _renew(message, token, at):
                # Reached so late that it was released, perhaps sent by another worker.
                counts["skipped"] = counts.get("skipped", 0) + 1
                continue
            result = _send_claimed(message, token, batch, rng=rng)
            counts[result.outcome] = counts.get(result.outcome, 0) + 1
        remaining -= len(ids)
    return counts
