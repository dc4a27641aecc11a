"""The WhatsApp Cloud webhook through HTTP: handshake, signature, messages into cases or
answers, statuses into the message log; forged or malformed posts write nothing."""

import hashlib
import hmac
import json

import pytest
from django.core.cache import cache

from mithaq.cases import services as case_services
from mithaq.cases.models import Case, CaseEvent
from mithaq.cases.states import Channel, EventKind, State
from mithaq.intake.models import WhatsAppInbound, WhatsAppNumber
from mithaq.notifications.models import GatewayConfig, Message
from mithaq.notifications.states import GatewayKind
from mithaq.testing import make_case

SECRET = "app-secret-for-tests"
URL = "/webhooks/whatsapp/wa-office"


@pytest.fixture
def number(org, monkeypatch):
    cache.clear()
    monkeypatch.setenv("MITHAQ_TEST_WA_SECRET", SECRET)
    monkeypatch.setenv("MITHAQ_TEST_WA_VERIFY", "verify-me")
    GatewayConfig.objects.create(
        code="wa-office",
        kind=GatewayKind.WHATSAPP,
        url="http://127.0.0.1:9/",
        receipt_secret_env="MITHAQ_TEST_WA_SECRET",
        phone_number_id="123",
    )
    return WhatsAppNumber.objects.create(
        gateway_code="wa-office",
        verify_token_env="MITHAQ_TEST_WA_VERIFY",
        received_by=org.reception,
    )


def payload(*, messages=(), statuses=(), name="Sara Ali"):
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "123"}}
    if messages:
        value["messages"] = list(messages)
        value["contacts"] = [{"wa_id": m["from"], "profile": {"name": name}} for m in messages]
    if statuses:
        value["statuses"] = list(statuses)
    return {"object": "whatsapp_business_account", "entry": [{"changes": [{"value": value}]}]}


def text(body, wa_id="wamid.1", sender="9647701234567"):
    return {"from": sender, "id": wa_id, "type": "text", "text": {"body": body}}


def post(client, data, secret=SECRET):
    body = json.dumps(data).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        URL, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature
    )


def test_handshake_answers_the_challenge(client, number):
    ok = client.get(
        URL,
        {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"},
    )
    assert ok.status_code == 200 and ok.content == b"1158201444"
    bad = client.get(
        URL, {"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"}
    )
    assert bad.status_code == 403


def test_text_message_becomes_a_whatsapp_case(client, number, org):
    assert (
        post(client, payload(messages=[text("The library card is not ready")])).status_code == 200
    )
    case = Case.objects.get()
    assert case.channel == Channel.WHATSAPP
    assert case.citizen_phone == "+9647701234567"
    assert case.citizen_name == "Sara Ali"
    assert case.body == "The library card is not ready"
    assert case.received_by == org.reception


def test_retried_webhook_acts_once(client, number):
    data = payload(messages=[text("Hello, my grades are missing")])
    post(client, data)
    post(client, data)
    assert Case.objects.count() == 1
    assert WhatsAppInbound.objects.count() == 1


def test_message_from_number_with_waiting_case_is_the_answer(client, number, org):
    case = make_case(org)  # its phone is +9647701234567
    case_services.request_information(case=case, actor=org.officer_a, question="Your ID?")
    post(client, payload(messages=[text("My ID is 1234")]))
    case.refresh_from_db()
    assert case.state != State.AWAITING_CITIZEN
    assert (
        CaseEvent.objects.get(case=case, kind=EventKind.CITIZEN_RESPONDED).body == "My ID is 1234"
    )
    assert Case.objects.count() == 1


def test_forged_signature_is_403_and_writes_nothing(client, number):
    response = post(client, payload(messages=[text("forged")]), secret="wrong")
    assert response.status_code == 403
    assert Case.objects.count() == 0 and WhatsAppInbound.objects.count() == 0


def test_missing_signature_is_403(client, number):
    response = client.post(
        URL, json.dumps(payload(messages=[text("x")])), content_type="application/json"
    )
    assert response.status_code == 403
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "body", [b"{not json", b'{"entry": 5}', b"[]", b'{"entry": [{"changes": [1]}]}']
)
def test_malformed_payload_is_4xx_never_500(client, number, body):
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    response = client.post(
        URL, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature
    )
    assert response.status_code in (200, 400)
    assert Case.objects.count() == 0


def test_unknown_gateway_is_404(client, number):
    assert client.get("/webhooks/whatsapp/other").status_code == 404


def test_status_moves_the_message_log(client, number, org):
    make_case(org)
    message = Message.objects.first()
    Message.objects.filter(pk=message.pk).update(
        gateway="whatsapp:wa-office", provider_id="wamid.out.1", status="sent"
    )
    post(
        client,
        payload(
            statuses=[{"id": "wamid.out.1", "status": "read", "recipient_id": "9647701234567"}]
        ),
    )
    message.refresh_from_db()
    assert message.status == "delivered"


def test_sender_rate_limit(client, number, settings):
    settings.MITHAQ_WHATSAPP_PER_SENDER_PER_HOUR = 2
    for i in range(4):
        post(client, payload(messages=[text(f"Message number {i}", wa_id=f"wamid.{i}")]))
    assert Case.objects.count() == 2
