"""The interview request's rules at the service: submission, screening into a slot with
the citizen told by SMS and email (Gregorian and Hijri date) and reminded the working day
before, sending to a unit as a case, declining, the citizen's limited changes, and the
meeting's decisions opening cases."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from mithaq.cases.models import Case
from mithaq.interviews import services
from mithaq.interviews.models import Decision, InterviewRequest
from mithaq.interviews.states import RequestState
from mithaq.interviews.testing import REQUEST, make_official
from mithaq.notifications.models import Message
from mithaq.notifications.states import MessageStatus
from mithaq.scheduling.models import Booking, BookingStatus
from mithaq.scheduling.services import SlotRefused

TZ = ZoneInfo(settings.TIME_ZONE)
# Sunday 5 September 2027, 09:00: the Tuesdays 7 and 14 September are working days.
NOW = datetime.datetime(2027, 9, 5, 9, 0, tzinfo=TZ)
TUESDAY_10 = datetime.datetime(2027, 9, 7, 10, 0, tzinfo=TZ)


@pytest.fixture
def official(org):
    return make_official(org)


@pytest.fixture
def asked(org, official):
    return services.submit_request(official=official, unit=org.root, now=NOW, **REQUEST)


def _messages(row, event):
    return Message.objects.filter(dedupe_key__startswith=f"contact:interview:{row.code}:").filter(
        event_key=event
    )


def test_a_request_to_someone_not_an_official_is_refused(org):
    with pytest.raises(ValidationError) as refused:
        services.submit_request(official=org.leader, unit=org.root, **REQUEST)
    assert refused.value.code == "official"
    assert not InterviewRequest.objects.exists()


def test_a_request_gets_a_reference_like_a_cases(asked):
    assert asked.state == RequestState.REQUESTED
    assert len(asked.code) == 9 and asked.code[4] == "-"
    assert asked.channel == "web"
    assert asked.events.get().kind == "requested"


def test_booking_tells_the_citizen_by_sms_and_email_with_both_dates(org, asked):
    row = services.schedule_request(
        request=asked, starts_at=TUESDAY_10, actor=org.office_manager, now=NOW
    )
    assert row.state == RequestState.SCHEDULED
    assert row.booking.starts_at == TUESDAY_10
    told = _messages(row, "interview_scheduled")
    assert sorted(told.values_list("channel", "address")) == [
        ("email", "khaled@example.com"),
        ("sms", "+9647709876543"),
    ]
    sms = told.get(channel="sms").body
    # 7 September 2027 is 6 Rabi al-Thani 1449 (Umm al-Qura: hijridate.Hijri(1449, 4, 6)).
    assert "7 سبتمبر 2027" in sms and "10:00" in sms
    assert "6 ربيع الآخر 1449" in sms
    assert row.code in sms


def test_the_reminder_waits_for_the_working_day_before_at_nine(org, asked):
    services.schedule_request(
        request=asked, starts_at=TUESDAY_10, actor=org.office_manager, now=NOW
    )
    reminders = _messages(asked, "interview_reminder")
    assert reminders.count() == 2
    # Monday 6 September opens at 08:00 (the seeded calendar): the reminder at 09:00.
    assert {m.not_before for m in reminders} == {datetime.datetime(2027, 9, 6, 9, 0, tzinfo=TZ)}


@pytest.mark.django_db
def test_a_reminder_for_a_sunday_interview_goes_on_thursday():
    """Friday and Saturday are the weekend: the working day before a Sunday is Thursday."""
    sunday = datetime.datetime(2027, 9, 12, 10, 0, tzinfo=TZ)
    assert services.reminder_moment(sunday) == datetime.datetime(2027, 9, 9, 9, 0, tzinfo=TZ)


def test_moving_withdraws_the_old_reminder_and_queues_a_new_one(org, asked):
    services.schedule_request(
        request=asked, starts_at=TUESDAY_10, actor=org.office_manager, now=NOW
    )
    services.move_request(request=asked, starts_at=TUESDAY_10 + datetime.timedelta(days=7), now=NOW)
    reminders = _messages(asked, "interview_reminder")
    assert sorted(reminders.values_list("status", flat=True)) == [
        MessageStatus.CANCELLED,
        MessageStatus.CANCELLED,
        MessageStatus.QUEUED,
        MessageStatus.QUEUED,
    ]
    queued = reminders.filter(status=MessageStatus.QUEUED)
    assert {m.not_before for m in queued} == {datetime.datetime(2027, 9, 13, 9, 0, tzinfo=TZ)}


def test_the_citizen_may_change_twice_then_not(org, asked):
    services.schedule_request(
        request=asked, starts_at=TUESDAY_10, actor=org.office_manager, now=NOW
    )
    for minutes in (20, 40):
        services.move_request(
            request=asked, starts_at=TUESDAY_10 + datetime.timedelta(minutes=minutes), now=NOW
        )
    with pytest.raises(SlotRefused) as refused:
        services.cancel_request(request=asked, now=NOW)
    assert refused.value.code == "changes"
    asked.refresh_from_db()
    assert asked.state == RequestState.SCHEDULED


def test_cancelling_frees_the_slot_and_tells_the_citizen(org, asked):
    services.schedule_request(
        request=asked, starts_at=TUESDAY_10, actor=org.office_manager, now=NOW
    )
    services.cancel_request(request=asked, now=NOW)
    asked.refresh_from_db()
    assert asked.state == RequestState.CANCELLED
    assert Booking.objects.get().status == BookingStatus.CANCELLED
    assert _messages(asked, "interview_cancelled").count() == 2
    assert not _messages(asked, "interview_reminder").filter(status=MessageStatus.QUEUED).exists()


def test_a_slot_refused_leaves_the_request_waiting(org, asked):
    with pytest.raises(SlotRefused):
        services.schedule_request(
            request=asked,
            starts_at=TUESDAY_10 + datetime.timedelta(minutes=5),
            actor=org.office_manager,
            now=NOW,
        )
    asked.refresh_from_db()
    assert (asked.state, asked.booking_id) == (RequestState.REQUESTED, None)
    assert not Message.objects.filter(event_key__startswith="interview").exists()


def test_sending_to_a_unit_opens_a_case_there(org, asked):
    case = services.refer_request(request=asked, unit=org.dept_a, actor=org.office_manager)
    assert (case.unit, case.subject, case.citizen_phone) == (
        org.dept_a,
        REQUEST["subject"],
        REQUEST["citizen_phone"],
    )
    assert case.clocks.exists()
    asked.refresh_from_db()
    assert (asked.state, asked.case) == (RequestState.REFERRED, case)
    assert _messages(asked, "interview_referred").count() == 2


def test_declining_needs_a_reason_and_tells_it(org, asked):
    with pytest.raises(ValidationError):
        services.decline_request(request=asked, reason="  ", actor=org.office_manager)
    services.decline_request(
        request=asked, reason="الموضوع من اختصاص المحكمة", actor=org.office_manager
    )
    sms = _messages(asked, "interview_declined").get(channel="sms")
    assert "الموضوع من اختصاص المحكمة" in sms.body
    with pytest.raises(services.InterviewStateError):
        services.refer_request(request=asked, unit=org.dept_a, actor=org.office_manager)


def test_the_meeting_records_each_decision_as_a_case_of_its_unit(org, asked):
    services.schedule_request(
        request=asked, starts_at=TUESDAY_10, actor=org.office_manager, now=NOW
    )
    services.record_meeting(
        request=asked,
        actor=org.office_manager,
        attendees="الرئيس، مدير المكتب، المواطن",
        asked="إعادة النظر في القبول",
        said="وعد الرئيس بدراسة الطلب",
        decisions=[
            services.DecisionInput("مراجعة ملف القبول", org.college_a, datetime.date(2027, 9, 20))
        ],
        now=TUESDAY_10,
    )
    asked.refresh_from_db()
    assert asked.state == RequestState.HELD
    decision = Decision.objects.get()
    assert (decision.unit, decision.due_date) == (org.college_a, datetime.date(2027, 9, 20))
    case = Case.objects.get(pk=decision.case_id)
    assert (case.unit, case.channel, case.received_by) == (
        org.college_a,
        "walk_in",
        org.office_manager,
    )


def test_a_decision_due_in_the_past_writes_nothing(org, asked):
    services.schedule_request(
        request=asked, starts_at=TUESDAY_10, actor=org.office_manager, now=NOW
    )
    with pytest.raises(ValidationError):
        services.record_meeting(
            request=asked,
            actor=org.office_manager,
            attendees="-",
            asked="-",
            said="-",
            decisions=[services.DecisionInput("x", org.college_a, datetime.date(2027, 9, 1))],
            now=TUESDAY_10,
        )
    asked.refresh_from_db()
    assert asked.state == RequestState.SCHEDULED
    assert not Case.objects.exists()


def test_a_no_show_is_recorded_only_once_the_time_has_come(org, asked):
    services.schedule_request(
        request=asked, starts_at=TUESDAY_10, actor=org.office_manager, now=NOW
    )
    with pytest.raises(services.InterviewStateError):
        services.record_no_show(request=asked, actor=org.office_manager, now=NOW)
    services.record_no_show(
        request=asked, actor=org.office_manager, now=TUESDAY_10 + datetime.timedelta(minutes=30)
    )
    asked.refresh_from_db()
    assert asked.state == RequestState.NO_SHOW


def test_the_booking_email_carries_the_interview_as_a_calendar_file(org, asked, settings, tmp_path):
    import json

    from mithaq.notifications import attachments, dispatch
    from mithaq.notifications.transports import Outgoing
    from mithaq.notifications.transports.email import build_mail

    settings.MITHAQ_MESSAGES_FILE = str(tmp_path / "messages.jsonl")
    settings.MITHAQ_TRANSPORTS = {"email": "console", "sms": "console"}
    row = services.schedule_request(
        request=asked, starts_at=TUESDAY_10, actor=org.office_manager, now=NOW
    )
    told = _messages(row, "interview_scheduled")
    email, sms = told.get(channel="email"), told.get(channel="sms")
    # Only the email carries it; the SMS and the other events none.
    assert attachments.for_message(sms) == ()
    files = attachments.for_message(email)
    assert [(f.filename, f.mimetype) for f in files] == [
        (f"interview-{row.code}.ics", "text/calendar")
    ]
    ics = files[0].content.decode()
    # Tuesday 7 September 2027 10:00 in Baghdad (UTC+3) is 07:00 UTC.
    assert "DTSTART:20270907T070000Z" in ics and f"UID:interview-{row.code}@" in ics
    # Through the dispatcher: the outbox's transport is handed the file.
    assert dispatch.dispatch_one(email.pk).outcome == "sent"
    lines = [json.loads(line) for line in (tmp_path / "messages.jsonl").read_text().splitlines()]
    assert [line["attachments"] for line in lines if line["channel"] == "email"] == [
        [[f"interview-{row.code}.ics", "text/calendar"]]
    ]
    # And the SMTP transport writes it as a MIME part of the email.
    mail = build_mail(
        Outgoing(
            message_id=email.pk,
            channel="email",
            to="khaled@example.com",
            subject=email.subject,
            body=email.body,
            attachments=tuple((f.filename, f.content, f.mimetype) for f in files),
        )
    )
    raw = mail.message().as_string()
    assert "Content-Type: text/calendar" in raw
    assert f'filename="interview-{row.code}.ics"' in raw
