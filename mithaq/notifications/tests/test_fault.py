"""The SMS gateway answers 503, then hangs, for ten simulated minutes while cases keep
arriving: nothing is lost, nothing is sent twice, everything goes soon after it recovers,
and submitting a case never talks to the gateway (how long it takes is bench/'s
concern, not a test's)."""

import datetime
import urllib.parse
from collections import Counter

import pytest

from mithaq.notifications import dispatch
from mithaq.notifications.models import Attempt, GatewayState, Message
from mithaq.testing import make_case

T0 = datetime.datetime(2030, 1, 6, 9, 0, tzinfo=datetime.UTC)
STEP = 10  # simulated seconds between dispatcher runs
OUTAGE = 600


@pytest.mark.django_db
def test_outage_loses_nothing_and_doubles_nothing(
    org, sms_gateway, gateway, settings, django_capture_on_commit_callbacks
):
    sms_gateway.timeout_seconds = 0.2
    sms_gateway.save()
    gateway.hang_seconds = 0.6
    seconds = 0
    while seconds < OUTAGE:
        gateway.mode = "503" if seconds < OUTAGE / 2 else "hang"
        now = T0 + datetime.timedelta(seconds=seconds)
        for _ in range(2):
            before = Attempt.objects.count()
            # Run the after-commit hooks too: they only enqueue a task.
            with django_capture_on_commit_callbacks(execute=True):
                make_case(org, citizen_email="", now=now)
            # Every try at the gateway leaves an Attempt: the submission made none. (Not the
            # stub's own count: a request the last run gave up on may reach it only now.)
            assert Attempt.objects.count() == before, "submission talked to the gateway"
        dispatch.dispatch_due(now=now)
        seconds += STEP
    assert GatewayState.objects.get(gateway="sms:local").state == "open"
    assert not Message.objects.filter(status__in=["sent", "failed"]).exists()
    failures_during_outage = gateway.count
    # The breaker kept the gateway from being hammered: a handful of tries, not hundreds.
    assert failures_during_outage < 30

    gateway.mode = "ok"
    recovered_at = seconds
    while Message.objects.exclude(status="sent").exists():
        assert seconds - recovered_at <= 180, "not delivered soon after the recovery"
        dispatch.dispatch_due(now=T0 + datetime.timedelta(seconds=seconds))
        seconds += STEP

    total = Message.objects.count()
    assert total == 2 * OUTAGE // STEP
    delivered = [
        urllib.parse.parse_qs(r.body.decode())["msg"][0]
        for r in gateway.requests[failures_during_outage:]
    ]
    assert len(delivered) == total
    assert max(Counter(delivered).values()) == 1
    assert not Message.objects.filter(status="failed").exists()
