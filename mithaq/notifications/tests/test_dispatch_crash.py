"""Nothing is sent twice, for real: a worker killed (SIGKILL) in the middle of a batch, and a
run that lasts longer than the claim timeout while another worker runs beside it. The
gateway is the local stub; what it received is counted on its side, per message."""

import os
import signal
import subprocess
import sys
import time
import urllib.parse
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from mithaq.notifications import dispatch
from mithaq.notifications.models import Attempt, Message

pytestmark = pytest.mark.django_db(transaction=True)

WORKER = """
import django
django.setup()
from mithaq.notifications.dispatch import dispatch_due
dispatch_due()
"""


def queue(n: int, prefix: str) -> list[str]:
    now = timezone.now()
    Message.objects.bulk_create(
        Message(
            recipient_kind="citizen",
            channel="sms",
            address=f"+9647700{i:06d}",
            event_key="turn_near",
            body=f"{prefix}-{i}",
            created_at=now,
            next_attempt_at=now,
            dedupe_key=f"test:{prefix}:{i}",
        )
        for i in range(n)
    )
    return [f"{prefix}-{i}" for i in range(n)]


def text(request) -> str:
    return urllib.parse.parse_qs(request.body.decode())["msg"][0]


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_a_worker_killed_mid_batch_leaves_at_most_the_message_in_flight_to_resend(
    sms_gateway, gateway
):
    if connection.vendor != "postgresql":
        pytest.skip("a second process shares the test database on PostgreSQL only")
    texts = queue(30, "kill")
    kill_at = 12
    worker = subprocess.Popen(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", WORKER],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(),
            "MITHAQ_SMS_TRANSPORT": "http",
        },
        stderr=subprocess.PIPE,
    )

    def hook(n):
        time.sleep(0.05)
        if n == kill_at:
            # The gateway has the message; the worker dies before it hears so.
            os.kill(worker.pid, signal.SIGKILL)

    gateway.hook = hook
    try:
        worker.wait(timeout=120)
    finally:
        worker.kill()
    stderr = worker.stderr.read().decode()
    worker.stderr.close()
    assert worker.returncode == -signal.SIGKILL, stderr
    gateway.hook = None
    assert gateway.count == kill_at
    in_flight = text(gateway.requests[kill_at - 1])

    # Another run, once the dead worker's claims have timed out, finishes the queue.
    later = timezone.now() + timezone.timedelta(seconds=settings.MITHAQ_MESSAGE_CLAIM_TIMEOUT + 1)
    while dispatch.dispatch_due(now=later):
        pass

    received = Counter(text(r) for r in gateway.requests)
    assert set(received) == set(texts)
    doubled = {t for t, n in received.items() if n > 1}
    assert doubled <= {in_flight}, f"sent twice: {sorted(doubled)}"
    assert max(received.values()) <= 2
    assert Message.objects.filter(status="sent").count() == len(texts)
    sent_attempts = Counter(
        Attempt.objects.filter(outcome="sent").values_list("message__body", flat=True)
    )
    assert sent_attempts == Counter(texts)
    # The one message that may go twice goes with the same idempotency key both times, and
    # no two messages share one: a gateway that honours the key sends it once.
    keys = {}
    for request in gateway.requests:
        keys.setdefault(text(request), set()).add(request.headers.get("Idempotency-Key"))
    assert all(len(k) == 1 and None not in k for k in keys.values()), keys
    assert len({next(iter(k)) for k in keys.values()}) == len(texts)


def test_a_run_longer_than_the_claim_timeout_keeps_what_it_is_sending(
    sms_gateway, gateway, settings
):
    if connection.vendor != "postgresql":
        pytest.skip("the second worker runs in another thread on PostgreSQL only")
    settings.MITHAQ_MESSAGE_CLAIM_TIMEOUT = 2
    sms_gateway.timeout_seconds = 10
    sms_gateway.save()
    texts = queue(4, "slow")
    second = {}

    def hook(n):
        if n in (1, 2):
            time.sleep(1.1)  # a slow gateway: the run outlasts the claim timeout
        elif n == 3:
            # The first worker is sending its third message, 2.2 s after it claimed the
            # batch: a second worker starts now, in another thread (and connection).
            try:
                second["counts"] = dispatch.dispatch_due()
            finally:
                connection.close()

    gateway.hook = hook
    first = dispatch.dispatch_due()
    gateway.hook = None

    received = Counter(text(r) for r in gateway.requests)
    assert received == Counter(texts), f"first {first}, second {second}"
    assert Message.objects.filter(status="sent").count() == 4
    # The message being sent was not taken from the first worker.
    third = Message.objects.get(body=texts[2])
    assert list(third.attempts.values_list("outcome", flat=True)) == ["sent"]
