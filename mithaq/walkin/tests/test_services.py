"""The hall's rules, at the service functions: numbering, the order of calls, the priority
window, recall and no-show, transfer, park and resume, finishing, cases, ratings, SMS."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError

from mithaq.walkin import selectors, services
from mithaq.walkin.models import Call, HallEvent, Rating, Ticket
from mithaq.walkin.states import HallEventKind, Outcome, TicketState

from .conftest import MORNING


def issue(hw, service=None, minutes=0, at=None, **kw):
    return services.issue_ticket(
        hall=hw.hall,
        hall_service=service or hw.transcripts,
        now=MORNING + datetime.timedelta(minutes=minutes),
        **kw,
    )


def opened(counter, user, at):
    return services.open_counter(counter=counter, actor=user, now=at(0))


# -- numbers --------------------------------------------------------------------------------


def test_numbers_run_per_service_from_one(hw):
    a1, a2, b1 = issue(hw), issue(hw, minutes=1), issue(hw, hw.certificates, minutes=2)
    assert [a1.number, a2.number, b1.number] == [1, 2, 1]
    assert [a1.code, a2.code, b1.code] == ["A001", "A002", "B001"]


def test_numbers_restart_at_local_midnight_not_utc(hw):
    # Baghdad is UTC+3: 20:59 UTC is 23:59 on the 23rd; 21:00 UTC is 00:00 on the 24th.
    before = datetime.datetime(2026, 11, 23, 20, 59, tzinfo=datetime.UTC)
    after = datetime.datetime(2026, 11, 23, 21, 0, tzinfo=datetime.UTC)
    first = services.issue_ticket(hall=hw.hall, hall_service=hw.transcripts, now=before)
    second = services.issue_ticket(hall=hw.hall, hall_service=hw.transcripts, now=before)
    new_day = services.issue_ticket(hall=hw.hall, hall_service=hw.transcripts, now=after)
    assert (first.number, second.number) == (1, 2)
    assert new_day.number == 1
    assert new_day.day == datetime.date(2026, 11, 24)
    assert first.day == datetime.date(2026, 11, 23)


def test_numbers_follow_the_halls_own_time_zone(org):
    from mithaq.walkin.testing import make_hall

    cairo = make_hall(org, time_zone="Africa/Cairo")  # UTC+2 in November
    moment = datetime.datetime(2026, 11, 23, 21, 30, tzinfo=datetime.UTC)  # 23:30 in Cairo
    ticket = services.issue_ticket(hall=cairo.hall, hall_service=cairo.transcripts, now=moment)
    assert ticket.day == datetime.date(2026, 11, 23)


def test_the_same_form_token_issues_one_ticket(hw):
    token = uuid.uuid4()
    first = issue(hw, submission_token=token)
    again = issue(hw, submission_token=token)
    assert first.pk == again.pk
    assert Ticket.objects.count() == 1


def test_a_phone_is_stored_in_e164_from_arabic_digits(hw):
    ticket = issue(hw, phone="٠٧٧٠١٢٣٤٥٦٧")
    assert ticket.phone == "+9647701234567"


def test_a_closed_hall_issues_nothing(org):
    from mithaq.walkin.testing import make_hall

    hw = make_hall(org, opens_at=datetime.time(8), closes_at=datetime.time(14))
    early = datetime.datetime(2026, 11, 23, 4, 0, tzinfo=datetime.UTC)  # 07:00 in Baghdad
    with pytest.raises(ValidationError):
        services.issue_ticket(hall=hw.hall, hall_service=hw.transcripts, now=early)
    assert services.issue_ticket(hall=hw.hall, hall_service=hw.transcripts, now=MORNING)


def test_an_inactive_service_takes_no_tickets(hw):
    hw.transcripts.is_active = False
    hw.transcripts.save()
    with pytest.raises(ValidationError):
        issue(hw)


def test_a_hall_following_the_calendar_opens_in_working_hours(org):
    from mithaq.routing import calendar
    from mithaq.walkin.testing import make_hall

    hw = make_hall(org, hours_from_calendar=True)
    friday = datetime.datetime(2026, 11, 27, 7, 0, tzinfo=datetime.UTC)  # 10:00 in Baghdad
    for moment in (friday, MORNING):
        assert services.hall_is_open(hw.hall, moment) == calendar.is_working_moment(moment)
    assert not services.hall_is_open(hw.hall, friday)  # the default weekend


def test_the_desk_may_issue_after_hours(org):
    from mithaq.walkin.testing import make_hall

    hw = make_hall(org, opens_at=datetime.time(8), closes_at=datetime.time(14))
    late = datetime.datetime(2026, 11, 23, 13, 0, tzinfo=datetime.UTC)  # 16:00 in Baghdad
    with pytest.raises(ValidationError):
        services.issue_ticket(hall=hw.hall, hall_service=hw.transcripts, now=late)
    ticket = services.issue_ticket(
        hall=hw.hall, hall_service=hw.transcripts, issued_by=org.reception, now=late
    )
    assert ticket.issued_via == "reception"


def test_issuing_records_history(hw):
    ticket = issue(hw)
    assert list(ticket.events.values_list("kind", flat=True)) == [HallEventKind.ISSUED]


# -- calling --------------------------------------------------------------------------------


def test_call_next_takes_the_longest_waiting_of_the_windows_services(hw, org, at):
    b = issue(hw, hw.certificates, minutes=0)
    a = issue(hw, hw.transcripts, minutes=1)
    opened(hw.window_1, org.officer_a, at)
    assert services.call_next_ticket(counter=hw.window_1, actor=org.officer_a, now=at(5)) == b
    services.finish_ticket(ticket=b, actor=org.officer_a, outcome=Outcome.SERVED, now=at(6))
    assert services.call_next_ticket(counter=hw.window_1, actor=org.officer_a, now=at(7)) == a


def test_a_window_does_not_call_services_it_does_not_take(hw, org, at):
    issue(hw, hw.transcripts)
    opened(hw.window_2, org.officer_a, at)  # certificates only
    assert services.call_next_ticket(counter=hw.window_2, actor=org.officer_a, now=at(1)) is None


def test_a_closed_window_cannot_call(hw, org, at):
    issue(hw)
    with pytest.raises(ValidationError):
        services.call_next_ticket(counter=hw.window_1, actor=org.officer_a, now=at(1))


def test_one_ticket_at_a_time_per_window(hw, org, at):
    issue(hw), issue(hw, minutes=1)
    opened(hw.window_1, org.officer_a, at)
    services.call_next_ticket(counter=hw.window_1, actor=org.officer_a, now=at(2))
    with pytest.raises(ValidationError):
        services.call_next_ticket(counter=hw.window_1, actor=org.officer_a, now=at(3))


def test_the_priority_window_calls_priority_tickets_first(hw, org, at):
    regular = issue(hw, minutes=0)
    elderly = issue(hw, minutes=5, is_priority=True)
    opened(hw.window_3, org.officer_a, at)
    assert services.call_next_ticket(counter=hw.window_3, actor=org.officer_a, now=at(6)) == elderly
    assert regular.pk != elderly.pk


def test_other_windows_take_priority_tickets_first_while_the_priority_window_is_closed(hw, org, at):
    issue(hw, minutes=0)
    elderly = issue(hw, minutes=5, is_priority=True)
    opened(hw.window_1, org.officer_a, at)
    assert services.call_next_ticket(counter=hw.window_1, actor=org.officer_a, now=at(6)) == elderly


def test_other_windows_take_priority_tickets_first_while_the_priority_window_is_idle(hw, org, at):
    issue(hw, minutes=0)
    elderly = issue(hw, minutes=5, is_priority=True)
    opened(hw.window_3, org.officer_a2, at)  # open, nobody at it
    opened(hw.window_1, org.officer_a, at)
    assert services.call_next_ticket(counter=hw.window_1, actor=org.officer_a, now=at(6)) == elderly


def test_other_windows_keep_the_line_while_the_priority_window_is_busy(hw, org, at):
    first_elderly = issue(hw, minutes=0, is_priority=True)
    regular = issue(hw, minutes=1)
    second_elderly = issue(hw, minutes=5, is_priority=True)
    opened(hw.window_3, org.officer_a2, at)
    opened(hw.window_1, org.officer_a, at)
    assert (
        services.call_next_ticket(counter=hw.window_3, actor=org.officer_a2, now=at(6))
        == first_elderly
    )
    # The priority window is serving: window 1 follows the line, the regular visitor first.
    assert services.call_next_ticket(counter=hw.window_1, actor=org.officer_a, now=at(7)) == regular
    assert second_elderly.state == TicketState.WAITING


def test_calling_records_a_call_and_history(hw, org, at):
    issue(hw)
    opened(hw.window_1, org.officer_a, at)
    ticket = services.call_next_ticket(counter=hw.window_1, actor=org.officer_a, now=at(1))
    assert ticket.state == TicketState.CALLED and ticket.counter == hw.window_1
    assert Call.objects.filter(ticket=ticket, is_recall=False).count() == 1
    event = HallEvent.objects.get(ticket=ticket, kind=HallEventKind.CALLED)
    assert (event.actor, event.from_state, event.to_state) == (
        org.officer_a,
        TicketState.WAITING,
        TicketState.CALLED,
    )


# -- recall and no-show ---------------------------------------------------------------------


def _called(hw, org, at, **kw):
    issue(hw, **kw)
    opened(hw.window_1, org.officer_a, at)
    return services.call_next_ticket(counter=hw.window_1, actor=org.officer_a, now=at(1))


def test_recall_is_counted(hw, org, at):
    ticket = _called(hw, org, at)
    services.recall_ticket(ticket=ticket, actor=org.officer_a, now=at(2))
    ticket = services.recall_ticket(ticket=ticket, actor=org.officer_a, now=at(3))
    assert ticket.recall_count == 2
    assert Call.objects.filter(ticket=ticket, is_recall=True).count() == 2


def test_no_show_only_after_the_configured_recalls(hw, org, at):
    assert hw.hall.recalls_before_no_show == 2
    ticket = _called(hw, org, at)
    with pytest.raises(ValidationError):
        services.mark_no_show(ticket=ticket, actor=org.officer_a, now=at(2))
    services.recall_ticket(ticket=ticket, actor=org.officer_a, now=at(2))
    with pytest.raises(ValidationError):
        services.mark_no_show(ticket=ticket, actor=org.officer_a, now=at(3))
    services.recall_ticket(ticket=ticket, actor=org.officer_a, now=at(3))
    ticket = services.mark_no_show(ticket=ticket, actor=org.officer_a, now=at(4))
    assert ticket.state == TicketState.NO_SHOW


def test_a_waiting_ticket_cannot_be_recalled(hw, org):
    ticket = issue(hw)
    with pytest.raises(ValidationError):
        services.recall_ticket(ticket=ticket, actor=org.officer_a)


def test_another_windows_ticket_cannot_be_acted_on(hw, org, at):
    ticket = _called(hw, org, at)
    with pytest.raises(ValidationError):
        services.recall_ticket(ticket=ticket, actor=org.officer_a, counter=hw.window_2)


# -- transfer -------------------------------------------------------------------------------


def test_a_transfer_keeps_the_tickets_place_by_its_issue_time(hw, org, at):
    early_a = issue(hw, hw.transcripts, minutes=0)
    later_b = issue(hw, hw.certificates, minutes=10)
    opened(hw.window_1, org.officer_a, at)
    opened(hw.window_2, org.officer_b, at)
    assert (
        services.call_next_ticket(counter=hw.window_1, actor=org.officer_a, now=at(11)) == early_a
    )
    # Wrong service: sent to certificates, it goes before the later B ticket.
    services.transfer_ticket(
        ticket=early_a, actor=org.officer_a, to_service=hw.certificates, now=at(12)
    )
    called = services.call_next_ticket(counter=hw.window_2, actor=org.officer_b, now=at(13))
    assert called == early_a
    assert called.code == "A001"  # it keeps its number
    assert later_b.state == TicketState.WAITING


def test_a_transfer_to_a_window_is_called_only_there(hw, org, at):
    ticket = _called(hw, org, at)
    services.transfer_ticket(ticket=ticket, actor=org.officer_a, to_counter=hw.window_2, now=at(2))
    services.close_counter(counter=hw.window_1, actor=org.officer_a, now=at(2))
    opened(hw.window_3, org.officer_a2, at)
    # Window 3 takes transcripts, but the ticket was sent to window 2.
    assert services.call_next_ticket(counter=hw.window_3, actor=org.officer_a2, now=at(3)) is None
    opened(hw.window_2, org.officer_b, at)
    assert services.call_next_ticket(counter=hw.window_2, actor=org.officer_b, now=at(4)) == ticket


def test_a_transfer_needs_one_target(hw, org, at):
    ticket = _called(hw, org, at)
    with pytest.raises(ValidationError):
        services.transfer_ticket(ticket=ticket, actor=org.officer_a, now=at(2))


# -- park and resume ------------------------------------------------------------------------


def test_park_frees_the_window_and_resume_calls_back(hw, org, at):
    ticket = _called(hw, org, at)
    other = issue(hw, minutes=2)
    services.park_ticket(ticket=ticket, actor=org.officer_a, now=at(3))
    assert selectors.counter_ticket(hw.window_1) is None
    assert services.call_next_ticket(counter=hw.window_1, actor=org.officer_a, now=at(4)) == other
    with pytest.raises(ValidationError):  # the window is busy
        services.resume_ticket(ticket=ticket, counter=hw.window_1, actor=org.officer_a, now=at(5))
    services.finish_ticket(ticket=other, actor=org.officer_a, outcome=Outcome.SERVED, now=at(6))
    ticket = services.resume_ticket(
        ticket=ticket, counter=hw.window_1, actor=org.officer_a, now=at(7)
    )
    assert ticket.state == TicketState.CALLED
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds[-2:] == [HallEventKind.PARKED, HallEventKind.RESUMED]


def test_a_parked_ticket_is_not_called_by_call_next(hw, org, at):
    ticket = _called(hw, org, at)
    services.park_ticket(ticket=ticket, actor=org.officer_a, now=at(2))
    assert services.call_next_ticket(counter=hw.window_1, actor=org.officer_a, now=at(3)) is None


# -- finishing, cases, rating ---------------------------------------------------------------


def test_finish_records_the_outcome(hw, org, at):
    ticket = _called(hw, org, at)
    ticket = services.finish_ticket(
        ticket=ticket, actor=org.officer_a, outcome=Outcome.NEEDS_CASE, now=at(9)
    )
    assert (ticket.state, ticket.outcome, ticket.finished_at) == (
        TicketState.DONE,
        Outcome.NEEDS_CASE,
        at(9),
    )
    with pytest.raises(ValidationError):
        services.finish_ticket(ticket=ticket, actor=org.officer_a, outcome=Outcome.SERVED)


def test_a_window_with_a_ticket_cannot_close(hw, org, at):
    _called(hw, org, at)
    with pytest.raises(ValidationError):
        services.close_counter(counter=hw.window_1, actor=org.officer_a)


def test_a_window_open_by_someone_else_cannot_be_taken(hw, org, at):
    opened(hw.window_1, org.officer_a, at)
    with pytest.raises(ValidationError):
        services.open_counter(counter=hw.window_1, actor=org.officer_a2)


def _case_fields(org):
    from mithaq.cases.states import Kind

    return {
        "kind": Kind.SERVICE_REQUEST,
        "unit": org.dept_a,
        "service": org.service_a,
        "subject": "طلب كشف درجات",
        "body": "حضر المراجع لطلب كشف الدرجات.",
        "citizen_name": "حسن علي",
        "citizen_phone": "+9647701234567",
    }


def test_a_case_opened_from_a_ticket_is_a_walk_in_linked_to_it(hw, org, at):
    ticket = _called(hw, org, at)
    case = services.open_case_from_ticket(
        ticket=ticket, actor=org.officer_a, case_fields=_case_fields(org)
    )
    ticket.refresh_from_db()
    assert ticket.case == case
    assert case.channel == "walk_in" and case.received_by == org.officer_a
    assert ticket.events.filter(kind=HallEventKind.CASE_OPENED, detail=case.code).exists()
    with pytest.raises(ValidationError):
        services.open_case_from_ticket(
            ticket=ticket, actor=org.officer_a, case_fields=_case_fields(org)
        )


def test_a_visit_can_join_an_existing_case(hw, org, at, case_a):
    ticket = _called(hw, org, at)
    services.attach_ticket_to_case(ticket=ticket, actor=org.officer_a, case=case_a)
    ticket.refresh_from_db()
    assert ticket.case == case_a


def test_a_served_visit_is_rated_once(hw, org, at):
    ticket = _called(hw, org, at)
    with pytest.raises(ValidationError):  # not served yet
        services.rate_visit(ticket=ticket, face="happy")
    services.finish_ticket(ticket=ticket, actor=org.officer_a, outcome=Outcome.SERVED, now=at(5))
    rating = services.rate_visit(ticket=ticket, face="happy", now=at(6))
    assert (rating.hall_service, rating.counter) == (hw.transcripts, hw.window_1)
    with pytest.raises(ValidationError):
        services.rate_visit(ticket=ticket, face="unhappy")
    assert Rating.objects.count() == 1


# -- your turn is near ----------------------------------------------------------------------


@pytest.fixture
def sent(monkeypatch):
    from mithaq.notifications import services as messages

    calls = []
    monkeypatch.setattr(messages, "notify_phone", lambda **kw: calls.append(kw), raising=False)
    return calls


def test_turn_near_is_sent_once_when_few_are_ahead(
    hw, org, at, sent, django_capture_on_commit_callbacks
):
    hw.hall.notify_when_ahead = 1
    hw.hall.save()
    first = issue(hw, minutes=0)
    issue(hw, minutes=1)
    issue(hw, minutes=1.5)
    third = issue(hw, minutes=2, phone="07701234567")
    opened(hw.window_1, org.officer_a, at)
    with django_capture_on_commit_callbacks(execute=True):
        services.call_next_ticket(counter=hw.window_1, actor=org.officer_a, now=at(3))
    assert sent == []  # two ahead of the third ticket
    services.finish_ticket(ticket=first, actor=org.officer_a, outcome=Outcome.SERVED, now=at(4))
    with django_capture_on_commit_callbacks(execute=True):
        second = services.call_next_ticket(counter=hw.window_1, actor=org.officer_a, now=at(5))
    assert [m["phone"] for m in sent] == ["+9647701234567"]
    assert sent[0]["event_key"] == "turn_near" and sent[0]["context"]["ticket"] == third.code
    services.finish_ticket(ticket=second, actor=org.officer_a, outcome=Outcome.SERVED, now=at(6))
    # Once per ticket, however many calls follow.
    assert services.notify_turn_near(hall=hw.hall, hall_service_id=hw.transcripts.pk) == 0
    assert len(sent) == 1


# -- reads ----------------------------------------------------------------------------------


def test_people_ahead_and_estimated_wait(hw, org, at):
    first = issue(hw, minutes=0)
    second = issue(hw, minutes=1)
    assert selectors.people_ahead(first) == 0
    assert selectors.people_ahead(second) == 1
    # No history yet: five minutes a visitor, one window at most.
    assert selectors.estimated_wait(second) == datetime.timedelta(minutes=5)


def test_display_state_lists_current_calls_recent_calls_and_waiting(hw, org, at):
    issue(hw), issue(hw, hw.certificates, minutes=1)
    opened(hw.window_1, org.officer_a, at)
    services.call_next_ticket(counter=hw.window_1, actor=org.officer_a, now=at(2))
    state = selectors.display_state(hw.hall)
    assert [(c["ticket"], c["counter"]) for c in state["current"]] == [("A001", 1)]
    assert state["recent"][0]["ticket"] == "A001"
    assert {w["letter"]: w["count"] for w in state["waiting"]} == {"A": 0, "B": 1}


def test_figures_of_the_day_separate_the_priority_window(hw, org, at):
    opened(hw.window_1, org.officer_a, at)
    opened(hw.window_3, org.officer_a2, at)
    for i in range(3):
        issue(hw, minutes=i)
    issue(hw, minutes=3, is_priority=True)
    t = services.call_next_ticket(counter=hw.window_3, actor=org.officer_a2, now=at(4))
    assert t.is_priority
    services.finish_ticket(ticket=t, actor=org.officer_a2, outcome=Outcome.SERVED, now=at(10))
    for minute in (20, 40):
        t = services.call_next_ticket(counter=hw.window_1, actor=org.officer_a, now=at(minute))
        services.finish_ticket(
            ticket=t, actor=org.officer_a, outcome=Outcome.SERVED, now=at(minute + 4)
        )
    t = services.call_next_ticket(counter=hw.window_1, actor=org.officer_a, now=at(50))
    services.recall_ticket(ticket=t, actor=org.officer_a, now=at(51))
    services.recall_ticket(ticket=t, actor=org.officer_a, now=at(52))
    services.mark_no_show(ticket=t, actor=org.officer_a, now=at(53))
    figures = selectors.hall_figures(hw.hall, day=datetime.date(2026, 11, 23))
    total, prio = figures["all"], figures["priority"]
    assert (total.tickets, total.served, total.no_shows) == (4, 3, 1)
    assert (prio.tickets, prio.served, prio.no_shows) == (1, 1, 0)
    assert prio.wait_avg == pytest.approx(1.0)  # issued at 3, called at 4
    assert prio.service_avg == pytest.approx(6.0)
    # Waits 20, 39, 48 and 1 minutes: within the 10-minute target only the priority one.
    assert total.within_target == pytest.approx(0.25)
    assert figures["by_hour"][0]["hour"] == 10


def test_turn_near_goes_to_the_outbox_when_the_messages_api_is_there(
    hw, org, at, django_capture_on_commit_callbacks
):
    from mithaq.notifications import services as messages

    if not hasattr(messages, "notify_phone"):
        pytest.skip("the notifications app has no notify_phone yet")
    from mithaq.notifications.models import Message

    hw.hall.notify_when_ahead = 1
    hw.hall.save()
    issue(hw, minutes=0)
    issue(hw, minutes=1)
    ticket = issue(hw, minutes=2, phone="07701234567")
    opened(hw.window_1, org.officer_a, at)
    with django_capture_on_commit_callbacks(execute=True):
        services.call_next_ticket(counter=hw.window_1, actor=org.officer_a, now=at(3))
    message = Message.objects.get(event_key="turn_near")
    assert ticket.code in str(message.__dict__)
    ticket.refresh_from_db()
    assert ticket.near_notified_at is not None
