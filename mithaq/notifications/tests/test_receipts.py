"""Delivery receipts: signed, fresh, once, and only ever forward."""

import json
import time

import pytest

from mithaq.notifications import dispatch
from mithaq.notifications.models import Message
from mithaq.notifications.receipts import sign
from mithaq.testing import make_case

URL = "/staff/messages/receipts/local/"


@pytest.fixture
def sent(org, sms_gateway, gateway):
    case = make_case(org, citizen_email="")
    message = Message.objects.get(case=case)
    dispatch.dispatch_one(message.pk)
    message.refresh_from_db()
    assert message.status == "sent"
    return message


def post(client, payload, *, secret="receipt-key", timestamp=None, signature=None):  # noqa: S107
    body = json.dumps(payload).encode()
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    return client.post(
        URL,
        body,
        content_type="application/json",
        HTTP_X_MITHAQ_TIMESTAMP=timestamp,
        HTTP_X_MITHAQ_SIGNATURE=signature or sign(secret, timestamp, body),
    )


def test_signed_receipt_marks_delivered(client, sent):
    response = post(client, {"id": sent.provider_id, "status": "delivered"})
    assert response.status_code == 200
    sent.refresh_from_db()
    assert sent.status == "delivered" and sent.delivered_at
    assert sent.attempts.last().outcome == "receipt"


def test_wrong_secret_is_refused(client, sent):
    assert (
        post(client, {"id": sent.provider_id, "status": "delivered"}, secret="x").status_code == 403
    )
    sent.refresh_from_db()
    assert sent.status == "sent"


def test_stale_receipt_is_refused(client, sent):
    old = int(time.time()) - 3600
    assert (
        post(client, {"id": sent.provider_id, "status": "delivered"}, timestamp=old).status_code
        == 403
    )


def test_replayed_receipt_is_refused(client, sent):
    payload = {"id": sent.provider_id, "status": "delivered"}
    body = json.dumps(payload).encode()
    ts = str(int(time.time()))
    signature = sign("receipt-key", ts, body)
    assert post(client, payload, timestamp=ts, signature=signature).status_code == 200
    assert post(client, payload, timestamp=ts, signature=signature).status_code == 403


def test_status_only_moves_forward(client, sent):
    post(client, {"id": sent.provider_id, "status": "delivered"})
    response = post(client, {"id": sent.provider_id, "status": "sent"})
    assert response.content == b"unchanged"
    response = post(client, {"id": sent.provider_id, "status": "failed", "error": "late"})
    assert response.content == b"unchanged"
    sent.refresh_from_db()
    assert sent.status == "delivered"


def test_unknown_gateway_is_404(client, db):
    assert (
        client.post(
            "/staff/messages/receipts/nope/", b"{}", content_type="application/json"
        ).status_code
        == 404
    )


def test_a_malformed_signature_is_refused_not_a_server_error():
    import time

    from mithaq.notifications.receipts import verify

    for signature in ("ü" * 64, "zz", "", "A" * 64 + "0"):
        assert not verify(
            secret="s", timestamp=str(int(time.time())), signature=signature, body=b"{}"
        )
