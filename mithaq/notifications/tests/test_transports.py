"""Each transport against a real local server started by the test."""

import base64
import email
import json
import socket
import time
import urllib.parse

import pytest
from aiosmtpd.controller import Controller

from mithaq.notifications.models import GatewayConfig
from mithaq.notifications.transports import Outgoing, TransportError
from mithaq.notifications.transports.console import FileTransport
from mithaq.notifications.transports.email import SmtpTransport
from mithaq.notifications.transports.sms import HttpSmsTransport
from mithaq.notifications.transports.whatsapp import WhatsAppTransport

ARABIC = "استلمنا طلبكم رقم ACDE-FGHJ"


def outgoing(**kw):
    fields = dict(
        message_id=7,
        channel="sms",
        to="+9647701234567",
        subject="",
        body=ARABIC,
        language="ar",
        event_key="received",
    )
    return Outgoing(**(fields | kw))


def test_file_transport_appends_one_json_line(messages_file):
    FileTransport("sms").send(outgoing())
    FileTransport("sms").send(outgoing(message_id=8))
    lines = messages_file.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["id"] for x in lines] == [7, 8]
    assert json.loads(lines[0])["body"] == ARABIC


class Sink:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


class Refuser:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 no such user"


class Busy:
    async def handle_DATA(self, server, session, envelope):
        return "451 try later"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    servers = []

    def start(handler):
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        servers.append(controller)
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = controller.port
        settings.EMAIL_USE_TLS = False
        return controller

    yield start
    for controller in servers:
        controller.stop()


def test_smtp_sends_text_and_html(smtp, settings):
    sink = Sink()
    smtp(sink)
    settings.DEFAULT_FROM_EMAIL = "office@example.org"
    SmtpTransport().send(
        outgoing(channel="email", to="ahmed@example.com", subject="طلبكم", html="<p>طلبكم</p>")
    )
    (envelope,) = sink.envelopes
    assert envelope.rcpt_tos == ["ahmed@example.com"]
    assert envelope.mail_from == "office@example.org"
    raw = envelope.content.decode()
    assert "text/html" in raw and "text/plain" in raw and "X-Mithaq-Message: 7" in raw


def test_smtp_sends_every_attempt_at_one_message_with_the_same_message_id(smtp, settings):
    sink = Sink()
    smtp(sink)
    settings.DEFAULT_FROM_EMAIL = "Mithaq <office@example.org>"
    first = SmtpTransport().send(outgoing(channel="email", to="ahmed@example.com"))
    again = SmtpTransport().send(outgoing(channel="email", to="ahmed@example.com"))
    other = SmtpTransport().send(outgoing(channel="email", to="ahmed@example.com", message_id=8))
    ids = [email.message_from_bytes(e.content)["Message-ID"] for e in sink.envelopes]
    assert ids == [
        "<mithaq-message-7@example.org>",
        "<mithaq-message-7@example.org>",
        "<mithaq-message-8@example.org>",
    ]
    assert first.provider_id == again.provider_id == ids[0] != other.provider_id


def test_smtp_refused_recipient_is_permanent(smtp):
    smtp(Refuser())
    with pytest.raises(TransportError) as err:
        SmtpTransport().send(outgoing(channel="email", to="x@example.com", subject="s"))
    assert err.value.permanent


def test_smtp_4xx_is_transient(smtp):
    smtp(Busy())
    with pytest.raises(TransportError) as err:
        SmtpTransport().send(outgoing(channel="email", to="x@example.com", subject="s"))
    assert not err.value.permanent


def test_smtp_down_is_transient(settings):
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1
    with pytest.raises(TransportError) as err:
        SmtpTransport().send(outgoing(channel="email", to="x@example.com", subject="s"))
    assert not err.value.permanent


def test_http_sms_posts_the_parameter_template_with_bearer_auth(sms_gateway, gateway):
    sent = HttpSmsTransport(sms_gateway).send(outgoing())
    (request,) = gateway.requests
    assert request.method == "POST" and request.path == "/send"
    assert request.headers["Authorization"] == "Bearer s3cret"
    assert urllib.parse.parse_qs(request.body.decode()) == {
        "to": ["+9647701234567"],
        "msg": [ARABIC],
        "from": ["Mithaq"],
    }
    assert sent.provider_id == "1" and sent.http_status == 200


@pytest.mark.django_db
def test_http_sms_get_with_basic_auth(gateway, monkeypatch):
    monkeypatch.setenv("GW_PASS", "pw")
    config = GatewayConfig(
        code="g",
        kind="sms_http",
        url=f"{gateway.url}/api?key=1",
        method="GET",
        params_template={"dest": "{to}", "t": "{text}"},
        auth_kind="basic",
        auth_username="mithaq",
        secret_env="GW_PASS",
    )
    HttpSmsTransport(config).send(outgoing())
    (request,) = gateway.requests
    assert request.method == "GET"
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.path).query)
    assert query == {"key": ["1"], "dest": ["+9647701234567"], "t": [ARABIC]}
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"mithaq:pw").decode()


@pytest.mark.django_db
def test_http_sms_json_body_with_header_auth(gateway, monkeypatch):
    monkeypatch.setenv("GW_KEY", "k")
    config = GatewayConfig(
        code="g",
        kind="sms_http",
        url=f"{gateway.url}/v1",
        body_format="json",
        params_template={"messages": [{"to": "{to}", "body": "{text}"}]},
        auth_kind="header",
        auth_header="X-Api-Key",
        secret_env="GW_KEY",
    )
    HttpSmsTransport(config).send(outgoing())
    (request,) = gateway.requests
    assert json.loads(request.body) == {"messages": [{"to": "+9647701234567", "body": ARABIC}]}
    assert request.headers["X-Api-Key"] == "k"


@pytest.mark.parametrize(
    ("mode", "permanent", "status"),
    [("503", False, 503), ("400", True, 400), ("refuse", True, 200)],
)
def test_http_sms_failures_are_classified(sms_gateway, gateway, mode, permanent, status):
    gateway.mode = mode
    with pytest.raises(TransportError) as err:
        HttpSmsTransport(sms_gateway).send(outgoing())
    assert err.value.permanent is permanent
    assert err.value.http_status == status


def test_http_sms_that_hangs_times_out_as_transient(sms_gateway, gateway):
    gateway.mode, gateway.hang_seconds = "hang", 1.5
    sms_gateway.timeout_seconds = 0.3
    started = time.monotonic()
    with pytest.raises(TransportError) as err:
        HttpSmsTransport(sms_gateway).send(outgoing())
    assert not err.value.permanent
    assert time.monotonic() - started < 1.2


@pytest.mark.django_db
def test_whatsapp_posts_a_template_message_with_bearer(gateway, monkeypatch):
    monkeypatch.setenv("WA_TOKEN", "wa-token")
    config = GatewayConfig(
        code="wa",
        kind="whatsapp",
        url=f"{gateway.url}/v21.0",
        phone_number_id="1234567890",
        secret_env="WA_TOKEN",
    )
    sent = WhatsAppTransport(config).send(outgoing(channel="whatsapp"))
    (request,) = gateway.requests
    assert request.path == "/v21.0/1234567890/messages"
    assert request.headers["Authorization"] == "Bearer wa-token"
    assert json.loads(request.body) == {
        "messaging_product": "whatsapp",
        "to": "9647701234567",
        "type": "template",
        "template": {
            "name": "mithaq_received",
            "language": {"code": "ar"},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": ARABIC}]}],
        },
    }
    assert sent.provider_id == "wamid.1"


@pytest.mark.django_db
def test_whatsapp_text_message(gateway):
    config = GatewayConfig(code="wa", kind="whatsapp", url=gateway.url, phone_number_id="99")
    WhatsAppTransport(config).send(outgoing(channel="whatsapp", extra={"use_template": False}))
    body = json.loads(gateway.requests[0].body)
    assert body["type"] == "text" and body["text"] == {"body": ARABIC}
