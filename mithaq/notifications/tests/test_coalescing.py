"""Fewer messages: a case decided, resolved and closed within the window reaches its
citizen as one SMS and one email that say all three; events across the window go apart; a
job run twice tells nothing twice; the held message goes once its window is over."""

import datetime

import pytest
from django.utils import timezone

from mithaq.cases import services
from mithaq.cases.messages import COALESCED
from mithaq.cases.services.events import _send_messages
from mithaq.cases.states import ClosureCode, Decision
from mithaq.notifications import dispatch
from mithaq.notifications.defaults import FOLDER
from mithaq.notifications.models import Message
from mithaq.notifications.states import MessageStatus
from mithaq.testing import make_case

MINUTE = datetime.timedelta(minutes=1)


def told(case, channel):
    """What the citizen is (or will be) sent on `channel`: the messages not cancelled."""
    return list(
        Message.objects.filter(case=case, channel=channel, recipient_kind="citizen")
        .exclude(status=MessageStatus.CANCELLED)
        .exclude(event_key="received")
        .order_by("created_at", "id")
    )


def outcome_burst(org, case):
    """Decide, resolve and close `case` at once (well within the window)."""
    services.acknowledge_case(case=case, actor=org.officer_a)
    services.decide_case(
        case=case, actor=org.officer_a, decision=Decision.ACCEPTED, reasons="مقبول"
    )
    services.resolve_case(case=case, actor=org.officer_a, summary="صدر الكشف")
    services.close_case(case=case, actor=org.office_manager, closure_code=ClosureCode.REMEDIED)


@pytest.mark.parametrize("language", ["ar", "en", "fr", "es"])
def test_decided_resolved_and_closed_within_a_minute_make_one_sms_and_one_email(
    org, language, settings
):
    settings.MITHAQ_INSTITUTION_NAME = "جامعة ميثاق"
    case = make_case(org, citizen_language=language)
    outcome_burst(org, case)
    [sms] = told(case, "sms")
    [email] = told(case, "email")
    events = ["decided", "resolved", "closed"]
    assert [p["event"] for p in sms.parts] == [p["event"] for p in email.parts] == events
    said = {
        "en": ("a decision was made", "resolved", "closed"),
        "ar": ("صدر قرار", "حُلّ", "أُغلق"),
        "fr": ("une décision a été prise", "résolu", "clos"),
        "es": ("se adoptó una decisión", "resuelto", "cerrado"),
    }[language]
    for line in said:
        assert line in sms.body and line in email.body and line in email.subject
    # The SMS keeps the closing's own text (its survey link); the email every event's text.
    assert "/survey/c/" in sms.body
    for text in ("مقبول", "صدر الكشف", "/survey/c/"):
        assert text in email.body
    # The email ends with the institution's name once.
    assert email.body.rstrip().endswith("جامعة ميثاق")
    assert email.body.count("جامعة ميثاق") == 1


def test_the_held_message_waits_for_its_window_then_goes(org, settings):
    settings.MITHAQ_CITIZEN_COALESCE_SECONDS = 120
    case = make_case(org)
    before = timezone.now()
    outcome_burst(org, case)
    [sms] = told(case, "sms")
    assert sms.not_before >= before + datetime.timedelta(seconds=120)
    dispatch.dispatch_due(now=timezone.now())
    sms.refresh_from_db()
    assert sms.status == MessageStatus.QUEUED
    dispatch.dispatch_due(now=sms.not_before + datetime.timedelta(seconds=1))
    sms.refresh_from_db()
    assert sms.status == MessageStatus.SENT


def test_events_across_the_window_make_two(org, settings):
    # A window of 0 seconds: the decision's message has left its window when the case is
    # resolved, so the resolution and the closing (together) are a second message.
    case = make_case(org)
    services.acknowledge_case(case=case, actor=org.officer_a)
    settings.MITHAQ_CITIZEN_COALESCE_SECONDS = 0
    services.decide_case(
        case=case, actor=org.officer_a, decision=Decision.ACCEPTED, reasons="مقبول"
    )
    settings.MITHAQ_CITIZEN_COALESCE_SECONDS = 120
    services.resolve_case(case=case, actor=org.officer_a, summary="صدر الكشف")
    services.close_case(case=case, actor=org.office_manager, closure_code=ClosureCode.REMEDIED)
    for channel in ("sms", "email"):
        first, second = told(case, channel)
        assert [p["event"] for p in first.parts] == ["decided"]
        assert [p["event"] for p in second.parts] == ["resolved", "closed"]


def test_a_message_already_sent_is_not_rewritten(org, settings):
    case = make_case(org)
    services.acknowledge_case(case=case, actor=org.officer_a)
    services.decide_case(
        case=case, actor=org.officer_a, decision=Decision.ACCEPTED, reasons="مقبول"
    )
    [held] = told(case, "sms")
    dispatch.dispatch_due(now=held.not_before + MINUTE)
    held.refresh_from_db()
    assert held.status == MessageStatus.SENT
    services.resolve_case(case=case, actor=org.officer_a, summary="صدر الكشف")
    sent, later = told(case, "sms")
    assert (sent.event_key, sent.body) == ("decided", held.body)
    assert later.event_key == "resolved"


def test_an_event_told_twice_is_told_once(org):
    # A job that runs twice writes the same event's messages twice: the dedupe keys hold.
    case = make_case(org)
    outcome_burst(org, case)
    closed = case.events.get(kind="closed")
    case.refresh_from_db()
    before = Message.objects.count()
    _send_messages(case=case, event=closed, context={})
    assert Message.objects.count() == before
    assert len(told(case, "sms")) == 1


@pytest.mark.parametrize("language", ["ar", "en", "fr", "es"])
def test_every_coalesced_event_has_its_line(language):
    for event in COALESCED:
        assert (FOLDER / event / language / "line.txt").read_text(encoding="utf-8").strip()


@pytest.mark.parametrize(
    ("language", "name"), [("ar", "جامعة الاختبار"), ("en", "Test University")]
)
def test_without_a_configured_name_emails_end_with_the_root_units(org, settings, language, name):
    settings.MITHAQ_INSTITUTION_NAME = ""
    case = make_case(org, citizen_language=language)
    email = Message.objects.get(case=case, channel="email", event_key="received")
    assert email.body.rstrip().endswith(name)
