"""Case clocks at the service: started, paused, resumed, met and recomputed in working time.

Time is frozen by passing `now=` to every service: Sunday 10 January 2027, 09:00 in Baghdad,
on the default calendar (Sunday–Thursday 08:00–14:00) and commitments (acknowledge in 1
working day, first reply in 3, decision in 10, resolution in 15)."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from mithaq.cases import services
from mithaq.cases.services.clocks import recompute_open_clocks
from mithaq.cases.states import Kind
from mithaq.routing import calendar as working
from mithaq.routing.models import (
    CaseClock,
    CaseDeadline,
    Commitment,
    DurationUnit,
    Holiday,
    Target,
    WorkingCalendar,
)
from mithaq.routing.services import clock_config_changed, generate_hijri_holidays, move_holiday
from mithaq.testing import make_case

BAGHDAD = ZoneInfo("Asia/Baghdad")
SUNDAY = datetime.datetime(2027, 1, 10, 9, tzinfo=BAGHDAD)


def at(day, hour, minute=0):
    return datetime.datetime(2027, 1, day, hour, minute, tzinfo=BAGHDAD)


def clocks_of(case):
    return {c.target: c for c in CaseClock.objects.filter(case=case)}


@pytest.fixture
def case(org):
    return make_case(org, now=SUNDAY)


def test_a_new_case_gets_a_clock_per_target_in_working_days(case):
    clocks = clocks_of(case)
    assert clocks[Target.ACKNOWLEDGEMENT].due_at == at(11, 14)  # Monday's close
    assert clocks[Target.FIRST_REPLY].due_at == at(13, 14)  # Wednesday
    # Ten working days: two weeks of Sunday–Thursday, to Thursday 21 January.
    assert clocks[Target.DECISION].due_at == at(24, 14)
    case.refresh_from_db()
    # The citizen is told when the whole answer is due; staff work to the nearest target.
    assert case.due_at == clocks[Target.RESOLUTION].due_at
    assert CaseDeadline.objects.get(case=case).due_at == at(11, 14)


def test_an_evening_case_counts_from_the_next_working_day(org):
    thursday_evening = at(14, 20)
    case = make_case(org, now=thursday_evening)
    assert clocks_of(case)[Target.ACKNOWLEDGEMENT].due_at == at(18, 14)  # Monday, not Sunday


def test_an_urgent_appeal_runs_in_working_hours(org):
    case = make_case(org, now=at(10, 13), is_urgent=True)
    clocks = clocks_of(case)
    # Two working hours: 13:00–14:00 on Sunday, then 08:00–09:00 on Monday.
    assert clocks[Target.ACKNOWLEDGEMENT].due_at == at(11, 9)


def test_a_service_commitment_overrides_the_kind(org):
    Commitment.objects.create(
        target=Target.ACKNOWLEDGEMENT, service=org.service_a, amount=4, unit=DurationUnit.HOURS
    )
    Commitment.objects.create(
        target=Target.ACKNOWLEDGEMENT, kind=Kind.COMPLAINT, amount=2, unit=DurationUnit.DAYS
    )
    clock_config_changed()
    with_service = make_case(org, now=SUNDAY, service=org.service_a)
    complaint = make_case(org, now=SUNDAY)
    inquiry = make_case(org, now=SUNDAY, kind=Kind.INQUIRY)
    assert clocks_of(with_service)[Target.ACKNOWLEDGEMENT].due_at == at(10, 13)
    assert clocks_of(complaint)[Target.ACKNOWLEDGEMENT].due_at == at(12, 14)
    assert clocks_of(inquiry)[Target.ACKNOWLEDGEMENT].due_at == at(11, 14)


def test_events_meet_their_targets_and_the_expected_date_moves_on(org, case):
    services.acknowledge_case(case=case, actor=org.officer_a, now=at(10, 10))
    clocks = clocks_of(case)
    assert clocks[Target.ACKNOWLEDGEMENT].met_at == at(10, 10)
    assert clocks[Target.FIRST_REPLY].met_at is None
    case.refresh_from_db()
    assert case.due_at == clocks[Target.RESOLUTION].due_at
    assert CaseDeadline.objects.get(case=case).due_at == at(13, 14)
    services.decide_case(
        case=case, actor=org.officer_a, decision="accepted", reasons="مستحق", now=at(12, 11)
    )
    clocks = clocks_of(case)
    # A decision is also the first reply the citizen receives.
    assert clocks[Target.FIRST_REPLY].met_at == at(12, 11)
    assert clocks[Target.DECISION].met_at == at(12, 11)
    assert clocks[Target.RESOLUTION].met_at is None
    services.close_case(case=case, actor=org.office_manager, closure_code="remedied", now=at(13, 9))
    assert all(c.met_at is not None for c in clocks_of(case).values())
    assert all(c.met_in_time for c in clocks_of(case).values())
    assert CaseDeadline.objects.get(case=case).due_at is None


def test_waiting_for_the_citizen_pauses_and_the_answer_resumes_later(org, case):
    services.acknowledge_case(case=case, actor=org.officer_a, now=at(10, 10))
    before = clocks_of(case)[Target.FIRST_REPLY].due_at
    services.request_information(
        case=case, actor=org.officer_a, question="أرسل صورة الهوية", now=at(10, 12)
    )
    paused = clocks_of(case)[Target.FIRST_REPLY]
    assert paused.paused_at == at(10, 12)
    deadline = CaseDeadline.objects.get(case=case)
    assert deadline.paused and deadline.due_at is None
    # The citizen answers on Tuesday at 10:00: the office waited 2 + 6 + 2 = 10 working hours.
    services.record_citizen_response(case=case, body="مرفقة", now=at(12, 10))
    resumed = clocks_of(case)[Target.FIRST_REPLY]
    assert resumed.paused_at is None
    calendar = working.active_calendar()
    assert resumed.due_at == calendar.add_hours(before, 10)
    # Wednesday 14:00 + 10 working hours: Thursday 08:00–14:00, then Sunday 08:00–12:00.
    assert resumed.due_at == at(17, 12)
    # The met acknowledgement does not move.
    assert clocks_of(case)[Target.ACKNOWLEDGEMENT].due_at == at(11, 14)


def test_a_paused_case_is_never_breached_while_paused(org, case):
    from mithaq.cases.services.escalation import tick_clocks

    services.request_information(case=case, actor=org.officer_a, question="؟", now=at(10, 10))
    tick_clocks(now=at(28, 10))
    assert all(c.breached_at is None for c in clocks_of(case).values())


def test_reopening_starts_a_new_round(org, case):
    services.close_case(case=case, actor=org.office_manager, closure_code="answered", now=at(11, 9))
    services.reopen_case(case=case, actor=org.office_manager, reason="تظلم", now=at(17, 9))
    rounds = sorted(set(CaseClock.objects.filter(case=case).values_list("round", flat=True)))
    assert rounds == [1, 2]
    new = {c.target: c for c in CaseClock.objects.filter(case=case, round=2)}
    assert new[Target.ACKNOWLEDGEMENT].due_at == at(18, 14)
    case.refresh_from_db()
    assert case.due_at == new[Target.RESOLUTION].due_at


def test_a_corrected_holiday_recomputes_open_cases(org, case):
    calendar = WorkingCalendar.objects.get(is_active=True)
    holiday = Holiday.objects.create(
        calendar=calendar, date=datetime.date(2027, 1, 17), name_ar="عطلة", name_en="Holiday"
    )
    # Moved onto Monday the 11th: the acknowledgement is due on Tuesday instead.
    move_holiday(holiday=holiday, date=datetime.date(2027, 1, 11))
    assert recompute_open_clocks() >= 1
    assert clocks_of(case)[Target.ACKNOWLEDGEMENT].due_at == at(12, 14)
    assert CaseDeadline.objects.get(case=case).due_at == at(12, 14)
    # Recomputing again changes nothing.
    before = list(CaseClock.objects.values_list("due_at", "next_alert_at"))
    recompute_open_clocks()
    assert list(CaseClock.objects.values_list("due_at", "next_alert_at")) == before


def test_a_changed_commitment_recomputes_open_cases(case):
    Commitment.objects.filter(target=Target.ACKNOWLEDGEMENT, urgent=False).update(amount=3)
    clock_config_changed()
    recompute_open_clocks()
    assert clocks_of(case)[Target.ACKNOWLEDGEMENT].due_at == at(13, 14)


def test_recomputing_reads_the_configuration_from_the_database(case):
    # This process holds a copy of the configuration, as the worker does, and the change is
    # made where this copy never hears of it (another process, with a cache of its own).
    assert working.config().commitments
    Commitment.objects.filter(target=Target.ACKNOWLEDGEMENT, urgent=False).update(amount=3)
    recompute_open_clocks()
    # Three working days from Sunday 09:00: Wednesday at closing time.
    assert clocks_of(case)[Target.ACKNOWLEDGEMENT].due_at == at(13, 14)
    assert CaseDeadline.objects.get(case=case).due_at == at(13, 14)


def test_regenerating_hijri_holidays_keeps_a_corrected_date(db):
    calendar = WorkingCalendar.objects.get(is_active=True)
    eid = Holiday.objects.get(calendar=calendar, hijri_key="eid_al_fitr:1448:10:1")
    computed = eid.date
    move_holiday(holiday=eid, date=computed + datetime.timedelta(days=1))
    Holiday.objects.filter(hijri_key="mawlid:1449:3:12").delete()
    created, moved = generate_hijri_holidays(calendar=calendar, year=2027)
    assert created == 1 and moved == 0
    eid.refresh_from_db()
    assert eid.corrected and eid.date == computed + datetime.timedelta(days=1)
    assert eid.computed_date == computed
    assert generate_hijri_holidays(calendar=calendar, year=2027) == (0, 0)


def test_a_correction_is_a_few_days_at_most(db):
    from django.core.exceptions import ValidationError

    eid = Holiday.objects.get(hijri_key="eid_al_fitr:1448:10:1")
    with pytest.raises(ValidationError):
        move_holiday(holiday=eid, date=eid.date + datetime.timedelta(days=40))
