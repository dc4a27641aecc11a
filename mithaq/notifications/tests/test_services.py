"""Case events write messages in their own transaction, in the citizen's language."""

import datetime
import json

import pytest
from django.db import transaction

from mithaq.cases import services as cases
from mithaq.common.text import FSI, PDI
from mithaq.notifications import dispatch, services
from mithaq.notifications.models import Message, MessageTemplate
from mithaq.testing import make_case

pytestmark = pytest.mark.django_db


def citizen_messages(case):
    return Message.objects.filter(case=case, recipient_kind="citizen").order_by("id")


def test_submission_queues_received_sms_and_email_in_arabic(org):
    case = make_case(org)
    sms, email = citizen_messages(case)
    assert (sms.channel, sms.event_key, sms.language) == ("sms", "received", "ar")
    assert case.code in sms.body and "استلمنا" in sms.body
    assert email.channel == "email" and case.code in email.subject and email.html


def test_english_citizen_gets_english(org):
    case = make_case(org, citizen_language="en", citizen_email="")
    (sms,) = citizen_messages(case)
    assert sms.body.startswith("We received your case")


def test_rolled_back_change_writes_no_message(org):
    case = make_case(org)
    before = Message.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        cases.reply_to_citizen(case=case, actor=org.officer_a, body="جواب")
        raise RuntimeError
    assert Message.objects.count() == before


def _dispatch_tasks():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path__contains=".dispatch_message")


def test_the_database_queue_takes_the_dispatch_in_the_messages_transaction(
    org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        case = make_case(org)
    messages = list(Message.objects.filter(case=case).values_list("pk", flat=True))
    assert len(messages) == 2 and not callbacks  # no second commit to wait for
    (task,) = _dispatch_tasks()  # one for the SMS and the email together
    assert task.task_path.endswith(".dispatch_messages")
    assert sorted(task.args_kwargs["args"][0]) == sorted(messages)


def test_a_rolled_back_submission_leaves_no_dispatch(org):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_case(org)
        assert _dispatch_tasks().count() == 1
        raise RuntimeError("the caller fails after the case is written")
    assert not _dispatch_tasks().exists() and not Message.objects.exists()


def test_another_queue_is_asked_only_after_commit(
    org, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks() as callbacks:
        make_case(org)
    assert len(callbacks) == 1  # for both messages, once the worker can read them
    assert not _dispatch_tasks().exists()


def test_each_citizen_facing_event_speaks(org):
    case = make_case(org)
    actor = org.officer_a
    cases.acknowledge_case(case=case, actor=actor)
    cases.request_information(case=case, actor=actor, question="أرسل صورة الهوية")
    cases.record_citizen_response(case=case, body="أرسلت")
    cases.reply_to_citizen(case=case, actor=actor, body="نعمل عليه")
    cases.refer_case(case=case, actor=actor, to_unit=org.dept_a2, reason="اختصاص")
    cases.decide_case(case=case, actor=org.office_manager, decision="accepted", reasons="مقبول")
    cases.resolve_case(case=case, actor=org.office_manager, summary="تم")
    cases.close_case(case=case, actor=org.office_manager, closure_code="answered")
    keys = list(citizen_messages(case).filter(channel="sms").values_list("event_key", flat=True))
    assert keys == [
        "received",
        "info_requested",
        "replied",
        "referred",
        "decided",
        "resolved",
        "closed",
    ]
    info = citizen_messages(case).get(channel="email", event_key="info_requested")
    assert "أرسل صورة الهوية" in info.body


def test_referral_tells_the_receiving_units_staff(org):
    case = make_case(org)
    cases.refer_case(case=case, actor=org.office_manager, to_unit=org.dept_b, reason="اختصاص")
    staff = Message.objects.filter(case=case, recipient_kind="staff", event_key="referred_to_unit")
    assert [m.user for m in staff] == [org.officer_b]


def test_assignment_tells_the_assignee(org):
    case = make_case(org)
    cases.assign_case(case=case, actor=org.office_manager, assignee=org.officer_a)
    (message,) = Message.objects.filter(recipient_kind="staff", event_key="assigned")
    assert message.user == org.officer_a and case.code in message.subject


def test_office_edits_are_used(org):
    MessageTemplate.objects.create(
        event_key="received", channel="sms", language="ar", body="رقم طلبكم {reference}"
    )
    case = make_case(org)
    # The reference is isolated in Arabic text (see test_isolation).
    assert citizen_messages(case).get(channel="sms").body == f"رقم طلبكم {FSI}{case.code}{PDI}"


def test_a_changed_phone_gets_the_later_messages(org, messages_file):
    case = make_case(org, citizen_email="")
    type(case).objects.filter(pk=case.pk).update(citizen_phone="+9647709999999")
    dispatch.dispatch_due()
    line = json.loads(messages_file.read_text(encoding="utf-8").splitlines()[0])
    assert line["to"] == "+9647709999999"
    assert Message.objects.get(case=case).attempts.get().address == "+9647709999999"


def test_notify_citizen_twice_with_the_same_context_makes_one_message(org):
    case = make_case(org, citizen_email="")
    first = services.notify_citizen(case=case, event_key="late", context={"expected_date": "1/1"})
    again = services.notify_citizen(case=case, event_key="late", context={"expected_date": "1/1"})
    assert len(first) == 1 and again == []
    later = services.notify_citizen(case=case, event_key="late", context={"expected_date": "2/1"})
    assert "2/1" in later[0].body


def test_a_duplicate_is_one_statement_and_leaves_the_transaction_usable(org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = make_case(org, citizen_email="")
    context = {"expected_date": "1/1"}
    with transaction.atomic():
        (first,) = services.notify_citizen(case=case, event_key="late", context=context)
        with CaptureQueriesContext(connection) as queries:
            assert services.notify_citizen(case=case, event_key="late", context=context) == []
        (statement,) = [
            q["sql"] for q in queries.captured_queries if "notifications_message" in q["sql"]
        ]
        assert statement.startswith("INSERT") and "SAVEPOINT" not in " ".join(
            q["sql"] for q in queries.captured_queries
        )
        # The transaction goes on: a later write in it is kept.
        (later,) = services.notify_citizen(case=case, event_key="late", context={"x": "2"})
    assert set(Message.objects.filter(event_key="late").values_list("pk", flat=True)) == {
        first.pk,
        later.pk,
    }
    assert first.pk and not first._state.adding


def test_staff_are_not_alerted_outside_working_hours(org, monkeypatch):
    morning = datetime.datetime(2030, 1, 5, 8, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(services, "next_working_moment", lambda when: max(when, morning))
    message = services.notify_staff(user=org.officer_a, event_key="reminder", context={"text": "x"})
    assert message.next_attempt_at == morning and message.not_before == morning
    assert dispatch.dispatch_due() == {}


def test_notify_phone_for_the_walk_in_hall(db):
    message = services.notify_phone(
        phone="+201001234567",
        language="en",
        event_key="turn_near",
        context={"ticket": "A-12", "counter": "3"},
    )
    assert message.body == "Your turn is near: ticket A-12, counter 3."
    assert dispatch.resolve_address(message) == "+201001234567"


def test_a_citizens_messages_are_one_statement_and_a_queued_one_is_kept_out(org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = make_case(org)  # SMS and email
    context = {"expected_date": "3/1"}
    with CaptureQueriesContext(connection) as queries:
        made = services.notify_citizen(case=case, event_key="late", context=context)
    inserts = [q["sql"] for q in queries.captured_queries if "notifications_message" in q["sql"]]
    assert len(made) == 2 and len(inserts) == 1 and inserts[0].startswith("INSERT")
    assert {m.channel for m in made} == {"sms", "email"} and all(m.pk for m in made)
    # The email is dropped from the outbox; asked again, only it is written again.
    Message.objects.filter(pk=next(m.pk for m in made if m.channel == "email")).delete()
    (again,) = services.notify_citizen(case=case, event_key="late", context=context)
    assert again.channel == "email"
    assert Message.objects.filter(case=case, event_key="late").count() == 2


def test_a_template_edited_in_the_admin_is_used_at_once(org, client):
    case = make_case(org, citizen_email="")
    services.notify_citizen(case=case, event_key="late", context={"expected_date": "1/1"})
    client.force_login(org.admin)
    response = client.post(
        "/admin/notifications/messagetemplate/add/",
        {
            "event_key": "late",
            "channel": "sms",
            "language": "ar",
            "subject": "",
            "body": "تأخر الرد على {reference}",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    (late,) = services.notify_citizen(case=case, event_key="late", context={"expected_date": "2/1"})
    assert late.body.startswith("تأخر الرد على")
