"""One lock order for a case and what hangs off it (the case row, then its clocks, then its
messages), on PostgreSQL: the clock tick (breaches and escalation steps) raced against
officers' actions on the same case never deadlocks. SQLite serialises writes, so there is
nothing to race there."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from mithaq.cases import services
from mithaq.cases.models import CaseEvent
from mithaq.cases.services.escalation import tick_clocks
from mithaq.cases.states import EventKind
from mithaq.routing import calendar as working
from mithaq.routing.models import (
    CaseClock,
    Commitment,
    DurationUnit,
    EscalationStep,
    Recipient,
    Target,
    WorkingCalendar,
)
from mithaq.testing import make_case, run_at_once

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrency needs PostgreSQL (SQLite serialises writes); set DATABASE_URL",
)

BAGHDAD = ZoneInfo("Asia/Baghdad")
ROUNDS = 200


def at(day, hour, minute=0):
    return datetime.datetime(2027, 1, day, hour, minute, tzinfo=BAGHDAD)


@pytest.fixture
def org(transactional_db):
    from mithaq.testing import make_org

    # A configuration of its own, whatever earlier tests left: the built-in calendar
    # (Sunday to Thursday, 08:00 to 14:00), every target due in working days, and three
    # steps on each (a reminder 2 hours before, the manager at breach, the office 6 after).
    WorkingCalendar.objects.all().delete()
    Commitment.objects.all().delete()
    EscalationStep.objects.all().delete()
    for target, days in (
        (Target.ACKNOWLEDGEMENT, 1),
        (Target.FIRST_REPLY, 2),
        (Target.DECISION, 3),
        (Target.RESOLUTION, 4),
    ):
        Commitment.objects.create(
            target=target, kind="", urgent=False, amount=days, unit=DurationUnit.DAYS
        )
        for offset, who in (
            (-2, Recipient.ASSIGNEE),
            (0, Recipient.UNIT_MANAGER),
            (6, Recipient.OFFICE_MANAGER),
        ):
            EscalationStep.objects.create(target=target, offset_hours=offset, recipient=who)
    working.invalidate_local()
    yield make_org()
    working.invalidate_local()


def test_clock_ticks_and_case_actions_never_deadlock(org):
    """Each round: a new case, then at once the tick that breaches and escalates its clocks
    (all three steps of its first two targets are due) and an officer's action that moves
    those same clocks (meets, pauses or resumes them)."""
    actions = [
        lambda case, now: services.acknowledge_case(case=case, actor=org.officer_a, now=now),
        lambda case, now: services.request_information(
            case=case, actor=org.officer_a, question="صورة الهوية", now=now
        ),
        lambda case, now: services.reply_to_citizen(
            case=case, actor=org.officer_a, body="وصلنا طلبك", now=now
        ),
    ]
    failures = []
    cases = []
    for i in range(ROUNDS):
        case = make_case(org, now=at(10, 9))
        cases.append(case)
        action = actions[i % len(actions)]

        def race(who, case=case, action=action):
            if who == 0:
                return tick_clocks(now=at(13, 13))
            return action(case, at(13, 13))

        try:
            run_at_once(2, race)
        except AssertionError as exc:
            failures.extend(exc.args[0])
    deadlocks = [f for f in failures if "deadlock" in str(f)]
    assert not failures, f"{len(deadlocks)} deadlocks, {len(failures)} errors: {failures[:3]}"
    # Every action went through, and every step came due was fired once or met first. The
    # acknowledgement's first step, a reminder two hours before it falls due, is passed over
    # without an event when the tick comes after the due moment (escalation.fire_next_step:
    # the tick here is two days late), so its level counts one step more than its events.
    assert CaseEvent.objects.filter(actor=org.officer_a).count() >= ROUNDS
    for clock in CaseClock.objects.filter(target=Target.ACKNOWLEDGEMENT):
        fired = CaseEvent.objects.filter(
            case_id=clock.case_id, kind__in=[EventKind.REMINDED, EventKind.ESCALATED]
        ).count()
        assert fired >= max(clock.escalation_level - 1, 0)
    assert tick_clocks(now=at(13, 13))["fired"] == 0
