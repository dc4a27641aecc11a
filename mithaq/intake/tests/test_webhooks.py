"""Outgoing webhooks against a local HTTP server: signed POSTs of case events, retried with
backoff from the outbox, each event delivered once per subscriber, no personal data."""

import datetime
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from mithaq.cases import services as case_services
from mithaq.cases.states import ClosureCode
from mithaq.intake import webhooks
from mithaq.intake.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from mithaq.intake.tasks import deliver_webhooks
from mithaq.testing import make_case

SECRET = "hook-secret"


class Receiver:
    """A local HTTP server that records what it is sent and answers `self.status`."""

    def __init__(self):
        self.received = []
        self.status = 200
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def subscription(db, receiver, monkeypatch):
    monkeypatch.setenv("MITHAQ_TEST_HOOK_SECRET", SECRET)
    webhooks.collect()  # the cursor starts at the latest event
    return WebhookSubscription.objects.create(
        name="Ministry system",
        url=receiver.url,
        secret_env="MITHAQ_TEST_HOOK_SECRET",
        events=[WebhookEvent.SUBMITTED, WebhookEvent.STATE_CHANGED, WebhookEvent.CLOSED],
    )


def test_submitted_case_is_posted_signed_without_personal_data(org, receiver, subscription):
    case = make_case(org)
    assert deliver_webhooks.call() == {"sent": 1, "retry": 0, "failed": 0}
    [(headers, body)] = receiver.received
    assert headers["X-Mithaq-Event"] == "case.submitted"
    expected = hmac.new(
        SECRET.encode(), headers["X-Mithaq-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Mithaq-Signature"] == f"sha256={expected}"
    data = json.loads(body)
    assert data["case"]["reference"] == case.code
    assert case.citizen_phone not in body.decode() and case.citizen_name not in body.decode()


def test_closing_sends_state_change_and_closed(org, receiver, subscription):
    case = make_case(org)
    deliver_webhooks.call()
    case_services.close_case(case=case, actor=org.office_manager, closure_code=ClosureCode.ANSWERED)
    deliver_webhooks.call()
    events = [h["X-Mithaq-Event"] for h, _b in receiver.received]
    assert "case.closed" in events and "case.state_changed" in events


def test_failure_is_retried_with_backoff_then_sent_once(org, receiver, subscription):
    make_case(org)
    receiver.status = 503
    assert deliver_webhooks.call()["retry"] == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 1 and delivery.status == "pending"
    assert delivery.next_attempt_at > timezone.now() + datetime.timedelta(seconds=20)
    # Not yet due: nothing is sent.
    assert webhooks.send_due() == {"sent": 0, "retry": 0, "failed": 0}
    receiver.status = 200
    later = timezone.now() + datetime.timedelta(minutes=1)
    assert webhooks.send_due(now=later) == {"sent": 1, "retry": 0, "failed": 0}
    assert webhooks.send_due(now=later + datetime.timedelta(hours=1))["sent"] == 0
    assert len(receiver.received) == 2  # the failed try and the good one


def test_permanent_refusal_fails_for_good(org, receiver, subscription):
    make_case(org)
    receiver.status = 410
    assert deliver_webhooks.call()["failed"] == 1
    assert WebhookDelivery.objects.get().status == "failed"


def test_collecting_twice_delivers_once(org, receiver, subscription):
    make_case(org)
    webhooks.collect()
    webhooks.collect()
    assert WebhookDelivery.objects.count() == 1


def test_backoff_grows_and_is_capped():
    assert [webhooks.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert webhooks.backoff(30).total_seconds() == 6 * 3600
