"""Reminders, escalations and interim messages fired by the tick, with time passed as `now`.

Default steps for the acknowledgement: a reminder to the assignee 2 working hours before,
the unit's manager at the due moment, the office manager 6 working hours after."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from mithaq.cases import services
from mithaq.cases.models import CaseEvent
from mithaq.cases.services.escalation import fire_next_step, recipients, tick_clocks
from mithaq.cases.services.privacy import restrict_case
from mithaq.cases.states import EventKind
from mithaq.citizens import services as registry
from mithaq.notifications.models import Message
from mithaq.routing.models import CaseClock, Recipient, Target
from mithaq.testing import make_case

BAGHDAD = ZoneInfo("Asia/Baghdad")


def at(day, hour, minute=0):
    return datetime.datetime(2027, 1, day, hour, minute, tzinfo=BAGHDAD)


@pytest.fixture
def case(org):
    case = make_case(org, now=at(10, 9))
    services.assign_case(case=case, actor=org.officer_a, assignee=org.officer_a, now=at(10, 9, 5))
    return case


def events(case, kind):
    return list(CaseEvent.objects.filter(case=case, kind=kind).order_by("at", "id"))


def staff_messages(user, event_key):
    return list(Message.objects.filter(user=user, event_key=event_key))


def test_nothing_fires_before_the_reminder_moment(case):
    assert tick_clocks(now=at(11, 11, 59))["fired"] == 0
    assert not events(case, EventKind.REMINDED)


def test_the_assignee_is_reminded_once_before_the_due_moment(org, case):
    result = tick_clocks(now=at(11, 12))
    assert result["fired"] == 1
    [reminder] = events(case, EventKind.REMINDED)
    assert reminder.assignee == org.officer_a and not reminder.is_public
    assert len(staff_messages(org.officer_a, "reminder")) == 1
    # A second tick (or a second worker) at the same moment changes nothing.
    before = list(CaseClock.objects.values_list("pk", "escalation_level", "next_alert_at"))
    assert tick_clocks(now=at(11, 12)) == {"breached": 0, "fired": 0}
    assert list(CaseClock.objects.values_list("pk", "escalation_level", "next_alert_at")) == before
    assert len(events(case, EventKind.REMINDED)) == 1
    assert len(staff_messages(org.officer_a, "reminder")) == 1


def test_at_breach_the_manager_up_the_tree_is_told_in_the_morning(org, case):
    tick_clocks(now=at(11, 12))
    # 14:30 on Monday: the acknowledgement was due at 14:00, the office is closed.
    result = tick_clocks(now=at(11, 14, 30))
    assert result["breached"] == 1 and result["fired"] == 1
    clock = CaseClock.objects.get(case=case, target=Target.ACKNOWLEDGEMENT)
    assert clock.breached_at == at(11, 14)
    [escalation] = events(case, EventKind.ESCALATED)
    assert not escalation.is_public
    # Civil engineering has no manager of its own: the college's dean is its manager.
    [message] = staff_messages(org.manager_college_a, "escalated")
    assert message.not_before == at(12, 8)


def test_the_office_manager_is_told_six_working_hours_after_breach(org, case):
    tick_clocks(now=at(11, 14, 30))
    assert not staff_messages(org.office_manager, "escalated")
    tick_clocks(now=at(12, 13, 59))
    assert not staff_messages(org.office_manager, "escalated")
    tick_clocks(now=at(12, 14))
    assert len(staff_messages(org.office_manager, "escalated")) == 1


def test_a_reminder_reached_only_after_breach_is_skipped(org, case):
    # The worker was down all Monday: at 15:00 the reminder is useless, the escalation not.
    result = tick_clocks(now=at(11, 15))
    assert result["fired"] == 1
    assert not events(case, EventKind.REMINDED)
    assert len(events(case, EventKind.ESCALATED)) == 1


def test_a_met_target_fires_nothing(org, case):
    services.acknowledge_case(case=case, actor=org.officer_a, now=at(10, 10))
    tick_clocks(now=at(11, 15))
    assert not events(case, EventKind.ESCALATED)


def test_a_step_is_claimed_once_by_two_workers(org, case):
    clock = CaseClock.objects.get(case=case, target=Target.ACKNOWLEDGEMENT)
    assert fire_next_step(clock_id=clock.pk, now=at(11, 12)) is True
    # A second worker that read the clock before the first committed loses the claim.
    assert fire_next_step(clock_id=clock.pk, now=at(11, 12)) is False
    assert len(events(case, EventKind.REMINDED)) == 1


def test_a_late_decision_sends_the_citizen_a_new_expected_date(org, case):
    services.acknowledge_case(case=case, actor=org.officer_a, now=at(10, 10))
    services.reply_to_citizen(case=case, actor=org.officer_a, body="نعمل عليه", now=at(10, 11))
    decision = CaseClock.objects.get(case=case, target=Target.DECISION)
    breach = decision.due_at
    tick_clocks(now=breach + datetime.timedelta(minutes=5))
    [notice] = events(case, EventKind.LATE_NOTICE)
    assert notice.is_public
    decision.refresh_from_db()
    assert decision.expected_at > decision.due_at
    case.refresh_from_db()
    assert case.due_at == decision.expected_at
    [late] = Message.objects.filter(case=case, event_key="late", channel="sms")
    assert late.body
    # Ticking again sends nothing more.
    tick_clocks(now=breach + datetime.timedelta(minutes=5))
    assert Message.objects.filter(case=case, event_key="late", channel="sms").count() == 1


def test_recipients_go_up_the_tree(org, case):
    case.refresh_from_db()
    assert recipients(Recipient.ASSIGNEE, case) == [org.officer_a]
    assert recipients(Recipient.UNIT_MANAGER, case) == [org.manager_college_a]
    # Nobody manages the institution itself in the personas: nobody above the dean.
    assert recipients(Recipient.PARENT_MANAGER, case) == []
    assert recipients(Recipient.OFFICE_MANAGER, case) == [org.office_manager]


def test_the_tick_task_runs(db):
    from mithaq.cases.tasks import tick_clocks as task

    assert task.call() == {"breached": 0, "fired": 0}


def test_the_late_notice_names_the_step_in_the_language_the_citizen_prefers(org, case):
    # The case came in Arabic; the registry says the citizen now reads English.
    registry.update_preferences(
        citizen=case.citizen,
        actor=org.office_manager,
        allow_sms=True,
        allow_email=True,
        allow_whatsapp=False,
        preferred_channel="",
        language="en",
    )
    services.acknowledge_case(case=case, actor=org.officer_a, now=at(10, 10))
    services.reply_to_citizen(case=case, actor=org.officer_a, body="نعمل عليه", now=at(10, 11))
    decision = CaseClock.objects.get(case=case, target=Target.DECISION)
    tick_clocks(now=decision.due_at + datetime.timedelta(minutes=5))
    [late] = Message.objects.filter(case=case, event_key="late", channel="email")
    assert late.language == "en"
    assert "\nDecision\n" in late.body and "القرار" not in late.body


def test_a_restricted_case_escalates_only_to_the_people_named_on_it(org, case):
    """A case visible to named people only (mithaq.privacy): the college's dean, not named,
    hears nothing of its breach; the office manager, named, is told as before."""
    restrict_case(case=case, actor=org.office_manager, people=[org.office_manager], now=at(10, 9))
    tick_clocks(now=at(11, 14, 30))  # breach: the dean would be told
    tick_clocks(now=at(12, 14))  # six working hours on: the office manager
    assert len(events(case, EventKind.ESCALATED)) == 2
    assert not staff_messages(org.manager_college_a, "escalated")
    assert len(staff_messages(org.office_manager, "escalated")) == 1
