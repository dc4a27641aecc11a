"""The dispatcher: claims, idempotence, retries with backoff, permanent failures, the
circuit breaker, and resending."""

import datetime
import random
import threading

import pytest
from django.db import connection
from django.utils import timezone

from mithaq.notifications import dispatch
from mithaq.notifications.models import GatewayState, Message
from mithaq.testing import make_case, make_org

T0 = datetime.datetime(2030, 1, 6, 9, 0, tzinfo=datetime.UTC)


def at(seconds):
    return T0 + datetime.timedelta(seconds=seconds)


@pytest.fixture
def sms_only(org, sms_gateway):
    case = make_case(org, citizen_email="", now=T0)
    (message,) = Message.objects.filter(case=case)
    return message


def test_dispatching_twice_sends_once(sms_only, gateway):
    assert dispatch.dispatch_one(sms_only.pk, now=at(1)).outcome == "sent"
    assert dispatch.dispatch_one(sms_only.pk, now=at(2)).outcome == "skipped"
    dispatch.dispatch_due(now=at(3))
    assert gateway.count == 1
    sms_only.refresh_from_db()
    assert sms_only.status == "sent" and sms_only.provider_id == "1"
    assert sms_only.gateway == "sms:local"


def test_transient_failure_retries_with_growing_backoff(sms_only, gateway, settings):
    gateway.mode = "503"
    settings.MITHAQ_BREAKER_THRESHOLD = 100
    rng = random.Random(1)
    waits = []
    now = at(1)
    for _ in range(4):
        assert dispatch.dispatch_one(sms_only.pk, now=now, rng=rng).outcome == "retry"
        sms_only.refresh_from_db()
        waits.append((sms_only.next_attempt_at - now).total_seconds())
        assert dispatch.dispatch_one(sms_only.pk, now=now).outcome == "skipped"  # not due yet
        now = sms_only.next_attempt_at
    assert all(b > a for a, b in zip(waits, waits[1:], strict=False))
    assert 22 <= waits[0] <= 38
    assert sms_only.attempt_count == 4 and sms_only.attempts.count() == 4
    assert sms_only.attempts.first().http_status == 503


def test_attempts_are_bounded(sms_only, gateway, settings):
    gateway.mode = "503"
    settings.MITHAQ_BREAKER_THRESHOLD = 100
    settings.MITHAQ_MESSAGE_MAX_ATTEMPTS = 3
    now = at(1)
    for _ in range(3):
        dispatch.dispatch_one(sms_only.pk, now=now)
        sms_only.refresh_from_db()
        now = sms_only.next_attempt_at
    assert sms_only.status == "failed" and gateway.count == 3


def test_permanent_failure_stops_and_shows_on_the_case(sms_only, gateway, login, org):
    gateway.mode = "400"
    assert dispatch.dispatch_one(sms_only.pk, now=at(1)).outcome == "failed"
    dispatch.dispatch_due(now=at(10_000))
    assert gateway.count == 1
    page = login(org.office_manager).get(f"/staff/cases/{sms_only.case.code}/").content.decode()
    assert "bad number" in page and "message-failed" in page


def test_breaker_opens_waits_probes_and_closes(org, sms_gateway, gateway, settings):
    settings.MITHAQ_BREAKER_THRESHOLD = 3
    settings.MITHAQ_BREAKER_COOLOFF_SECONDS = 60
    for _ in range(6):
        make_case(org, citizen_email="", now=T0)
    gateway.mode = "503"
    dispatch.dispatch_due(now=at(1))
    assert gateway.count == 3  # three failures open it; the other three wait
    state = GatewayState.objects.get(gateway="sms:local")
    assert state.state == "open"
    waiting = Message.objects.filter(attempt_count=0)
    assert waiting.count() == 3 and all(m.next_attempt_at == at(61) for m in waiting)
    # Cool-off over, still failing: one probe, and it opens again.
    dispatch.dispatch_due(now=at(61))
    assert gateway.count == 4
    assert GatewayState.objects.get(gateway="sms:local").state == "open"
    gateway.mode = "ok"
    dispatch.dispatch_due(now=at(125))
    assert GatewayState.objects.get(gateway="sms:local").state == "closed"
    dispatch.dispatch_due(now=at(126))
    assert Message.objects.filter(status="sent").count() == 6
    assert gateway.count == 4 + 6


def test_breaker_state_is_shown_to_office_managers(org, login, sms_gateway):
    GatewayState.objects.create(
        gateway="sms:local", state="open", consecutive_failures=5, opened_until=timezone.now()
    )
    page = login(org.office_manager).get("/staff/messages/templates/").content.decode()
    assert "sms:local" in page and "breaker-open" in page


def test_resend_makes_a_new_linked_message(sms_only, gateway, login, org):
    dispatch.dispatch_one(sms_only.pk, now=at(1))
    Message.objects.filter(pk=sms_only.pk).update(status="failed")
    response = login(org.officer_a).post(f"/staff/messages/{sms_only.pk}/resend/")
    assert response.status_code == 302
    copy = Message.objects.get(resent_from=sms_only)
    assert (
        copy.body == sms_only.body and copy.status == "queued" and copy.resent_by == org.officer_a
    )
    assert login(org.officer_b).post(f"/staff/messages/{sms_only.pk}/resend/").status_code == 404


def test_abandoned_claims_return_to_the_queue(sms_only, gateway):
    Message.objects.filter(pk=sms_only.pk).update(status="sending", claimed_at=at(0))
    dispatch.dispatch_due(now=at(601))
    sms_only.refresh_from_db()
    assert sms_only.status == "sent"
    assert list(sms_only.attempts.values_list("outcome", flat=True)) == ["abandoned", "sent"]


def test_a_killed_workers_message_goes_on_within_a_minute(sms_only, gateway):
    # The worker claimed it at 0 and died. The scheduler runs dispatch_due every 15 s: the
    # message must be released and sent by the first run 45 s on, not after ten minutes.
    Message.objects.filter(pk=sms_only.pk).update(status="sending", claimed_at=at(0))
    dispatch.dispatch_due(now=at(30))
    assert gateway.count == 0  # a live worker's claim is not overtaken so soon
    dispatch.dispatch_due(now=at(60))
    sms_only.refresh_from_db()
    assert sms_only.status == "sent"
    assert gateway.count == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_one_message_twice(sms_gateway, gateway):
    if connection.vendor != "postgresql":
        pytest.skip("row claims under real concurrency are checked on PostgreSQL")
    org = make_org()
    for _ in range(40):
        make_case(org, citizen_email="", now=T0)
    barrier = threading.Barrier(4)

    def worker():
        try:
            barrier.wait()
            for _ in range(3):
                dispatch.dispatch_due(now=at(1))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bodies = [r.body for r in gateway.requests]
    assert len(bodies) == 40 == len(set(bodies))
    assert Message.objects.filter(status="sent").count() == 40


def test_only_a_failed_message_is_offered_and_sent_again(sms_only, gateway, login, org):
    dispatch.dispatch_one(sms_only.pk, now=at(1))
    sms_only.refresh_from_db()
    assert sms_only.status == "sent"
    client = login(org.officer_a)
    client.cookies["django_language"] = "en"
    page = client.get(f"/staff/cases/{sms_only.case.code}/").content.decode()
    resend = f"/staff/messages/{sms_only.pk}/resend/"
    assert resend not in page
    response = client.post(resend, follow=True)
    assert "Only a message that failed can be sent again." in response.content.decode()
    assert not Message.objects.filter(resent_from=sms_only).exists()
    Message.objects.filter(pk=sms_only.pk).update(status="failed")
    page = client.get(f"/staff/cases/{sms_only.case.code}/").content.decode()
    # Offered behind a question: the form that sends opens from a closed "Send again".
    offer = page[page.index('<details class="resend">') :]
    offer = offer[: offer.index("</details>")]
    assert resend in offer and "Send this message again" in offer
