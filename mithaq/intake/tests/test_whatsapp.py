"""The WhatsApp Cloud webhook through HTTP: handshake, signature, messages into cases or
answers, statuses into the message log; forged or malformed posts write nothing."""

import datetime
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from mithaq.cases import services as case_services
from mithaq.cases.models import Attachment, Case, CaseEvent
from mithaq.cases.states import Channel, EventKind, State
from mithaq.intake import whatsapp
from mithaq.intake.models import MediaStatus, WhatsAppInbound, WhatsAppNumber
from mithaq.intake.tasks import fetch_whatsapp_media
from mithaq.notifications.models import GatewayConfig, Message
from mithaq.notifications.states import GatewayKind
from mithaq.notifications.transports import Outgoing
from mithaq.notifications.transports.whatsapp import WhatsAppTransport
from mithaq.testing import EXE, PDF, make_case, png_bytes

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


# ------------------------------------------------------------------ media and the 24-hour window

TOKEN = "graph-token-for-tests"


class GraphStub:
    """The Cloud API on loopback: GET /<media id> names the file's URL, GET /files/<id>
    gives its bytes (both with the bearer token only), POST /123/messages takes a message."""

    def __init__(self, files):
        self.files, self.requests = files, []
        self.failures = 0  # the next this many GETs answer 503
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, body, content_type="application/json"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                stub.requests.append(("GET", self.path, self.headers.get("Authorization")))
                if stub.failures:
                    stub.failures -= 1
                    return self._answer(503, b'{"error": "try later"}')
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._answer(401, b'{"error": "token"}')
                name = self.path.strip("/")
                if name.startswith("files/") and name[6:] in stub.files:
                    return self._answer(200, stub.files[name[6:]], "application/octet-stream")
                if name in stub.files:
                    url = f"http://127.0.0.1:{self.server.server_address[1]}/files/{name}"
                    return self._answer(200, json.dumps({"url": url, "id": name}).encode())
                return self._answer(404, b'{"error": "no such media"}')

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length))
                stub.requests.append(("POST", self.path, body))
                self._answer(200, json.dumps({"messages": [{"id": "wamid.out"}]}).encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def graph(number, monkeypatch):
    stub = GraphStub({"media-pdf": PDF, "media-png": png_bytes(), "media-exe": EXE})
    monkeypatch.setenv("MITHAQ_TEST_WA_TOKEN", TOKEN)
    GatewayConfig.objects.filter(code="wa-office").update(
        url=stub.url, secret_env="MITHAQ_TEST_WA_TOKEN"
    )
    yield stub
    stub.close()


def media(kind, media_id, wa_id="wamid.m1", **extra):
    return {"from": "9647701234567", "id": wa_id, "type": kind, kind: {"id": media_id, **extra}}


def fetch_media(now=None):
    """The job's run, as the worker would run it."""
    return fetch_whatsapp_media.call() if now is None else whatsapp.fetch_due_media(now=now)


def test_document_is_downloaded_by_the_job_and_kept_as_the_cases_file(client, graph):
    message = media("document", "media-pdf", caption="My transcript", filename="transcript.pdf")
    assert post(client, payload(messages=[message])).status_code == 200
    # The webhook answered without asking Meta for the file: the case is there, the file
    # waits for the job, which was enqueued.
    case = Case.objects.get()
    assert case.body == "My transcript"
    assert graph.requests == [] and not Attachment.objects.exists()
    assert WhatsAppInbound.objects.get().media_status == MediaStatus.PENDING
    assert DBTaskResult.objects.filter(task_path__endswith="fetch_whatsapp_media").count() == 1
    assert fetch_media() == {MediaStatus.FETCHED: 1}
    attachment = Attachment.objects.get(case=case)
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        "transcript.pdf",
        "application/pdf",
        len(PDF),
    )
    assert attachment.file.read() == PDF
    assert attachment.event == CaseEvent.objects.get(case=case, kind=EventKind.SUBMITTED)
    # The id, then the file's URL, each with the token.
    assert [(m, p, a) for m, p, a in graph.requests] == [
        ("GET", "/media-pdf", f"Bearer {TOKEN}"),
        ("GET", "/files/media-pdf", f"Bearer {TOKEN}"),
    ]
    # Done once: the next run has nothing to do.
    assert fetch_media() == {}
    assert Attachment.objects.count() == 1


def test_photo_without_caption_makes_a_case_with_its_file(client, graph):
    post(client, payload(messages=[media("image", "media-png")]))
    fetch_media()
    case = Case.objects.get()
    assert case.subject  # a placeholder, in the office's language
    assert Attachment.objects.get(case=case).content_type == "image/png"


def test_photo_answers_the_case_waiting_for_it(client, graph, org):
    case = make_case(org)
    case_services.request_information(case=case, actor=org.officer_a, question="Your ID card?")
    post(client, payload(messages=[media("image", "media-png", caption="ID card")]))
    fetch_media()
    event = CaseEvent.objects.get(case=case, kind=EventKind.CITIZEN_RESPONDED)
    assert list(event.attachments.values_list("content_type", flat=True)) == ["image/png"]
    assert event.attachments.get().by_citizen
    assert Case.objects.count() == 1


def test_refused_file_is_left_out_the_case_kept_and_a_note_says_so(client, graph):
    post(client, payload(messages=[media("document", "media-exe", caption="Form attached")]))
    assert fetch_media() == {MediaStatus.REFUSED: 1}
    case = Case.objects.get()
    assert case.body == "Form attached"
    assert not Attachment.objects.exists()
    note = CaseEvent.objects.get(case=case, kind=EventKind.NOTE)
    # Written by the job in the site's language, as a worker runs (Arabic).
    assert note.body == "رُفض الملف المرسل عبر واتساب وفق قواعد رفع الملفات."


def test_failed_download_is_retried_with_backoff(client, graph):
    post(client, payload(messages=[media("document", "media-pdf", caption="See the file")]))
    graph.failures = 1
    now = timezone.now()
    assert fetch_media(now) == {"retry": 1}
    row = WhatsAppInbound.objects.get()
    assert (row.media_status, row.media_attempts) == (MediaStatus.PENDING, 1)
    assert row.media_next_at == now + datetime.timedelta(seconds=30)
    assert not Attachment.objects.exists()
    # Not before its time; then it succeeds.
    assert fetch_media(now + datetime.timedelta(seconds=29)) == {}
    assert fetch_media(now + datetime.timedelta(seconds=30)) == {MediaStatus.FETCHED: 1}
    assert Attachment.objects.get().content_type == "application/pdf"
    assert not CaseEvent.objects.filter(kind=EventKind.NOTE).exists()


def test_media_that_cannot_be_fetched_makes_the_case_and_a_note_after_the_last_try(
    client, graph, settings, org
):
    settings.MITHAQ_WHATSAPP_MEDIA_ATTEMPTS = 3
    post(client, payload(messages=[media("document", "media-gone", caption="See the file")]))
    case = Case.objects.get()
    assert case.body == "See the file"
    now = timezone.now()
    # 30 s, then 2 minutes later: three tries in all, then it gives up.
    runs = [fetch_media(now + datetime.timedelta(seconds=s)) for s in (0, 30, 150, 3600)]
    assert runs == [{"retry": 1}, {"retry": 1}, {MediaStatus.FAILED: 1}, {}]
    row = WhatsAppInbound.objects.get()
    assert (row.media_status, row.media_attempts, row.media_next_at) == (
        MediaStatus.FAILED,
        3,
        None,
    )
    assert not Attachment.objects.exists()
    # The staff see it on the case's page.
    client.force_login(org.reception)
    with translation.override("en"):
        page = client.get(f"/staff/cases/{case.code}/", HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200
        note = CaseEvent.objects.get(case=case, kind=EventKind.NOTE)
        # Written by the job in the site's language, as a worker runs (Arabic).
        assert note.body == "تعذّر تنزيل الملف المرسل عبر واتساب."
        assert note.body in page.content.decode()


def test_a_claimed_file_is_not_fetched_by_a_second_worker(client, graph):
    post(client, payload(messages=[media("document", "media-pdf")]))
    row = WhatsAppInbound.objects.get()
    # Another worker claimed it a moment ago (its conditional UPDATE moved the time on).
    WhatsAppInbound.objects.filter(pk=row.pk).update(
        media_next_at=timezone.now() + whatsapp.MEDIA_CLAIM
    )
    assert fetch_media() == {}
    assert graph.requests == []


def _send(config):
    WhatsAppTransport(config).send(
        Outgoing(
            message_id=1,
            channel="whatsapp",
            to="+9647701234567",
            subject="",
            body="Your case was answered.",
            event_key="replied",
        )
    )


def test_free_text_inside_24_hours_template_outside(client, graph):
    config = GatewayConfig.objects.get(code="wa-office")
    _send(config)  # never wrote to us: a template
    post(client, payload(messages=[text("Any news on my case?")]))
    _send(config)  # wrote a minute ago: free text
    WhatsAppInbound.objects.update(received_at=timezone.now() - datetime.timedelta(hours=25))
    _send(config)  # 25 hours ago: a template again
    sent = [body for method, _path, body in graph.requests if method == "POST"]
    assert [m["type"] for m in sent] == ["template", "text", "template"]
    assert sent[1]["text"] == {"body": "Your case was answered."}
    assert sent[2]["template"]["name"] == "mithaq_replied"
    # Our rows keep a digest of the number, never the number.
    assert "9647701234567" not in WhatsAppInbound.objects.get().sender
