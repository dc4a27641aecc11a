"""Booked appointments in the hall (mithaq.walkin.bookings) on the slot engine: hours set by
the supervisor, booking with its code by SMS, refusals with their reasons, moving and
cancelling twice at most, check-in at the kiosk ahead of walk-ins within the hall's window,
no-shows recorded and their slots freed."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from mithaq.notifications.models import Message
from mithaq.routing import calendar as routing_calendar
from mithaq.routing.models import Holiday, WorkingCalendar
from mithaq.scheduling.models import Booking, BookingStatus, Closure
from mithaq.scheduling.services import SlotRefused
from mithaq.walkin import bookings, services
from mithaq.walkin.bookings import BookingError
from mithaq.walkin.models import HallBooking, HallEvent
from mithaq.walkin.states import HallBookingState, HallEventKind, TicketState
from mithaq.walkin.testing import make_hall

pytestmark = pytest.mark.django_db

TZ = ZoneInfo(settings.TIME_ZONE)
# Sunday 5 September 2027, 09:00 in Baghdad; the seeded calendar has no holiday in the two
# weeks after it (mithaq/scheduling/tests). Tuesday the 7th is a working day.
NOW = datetime.datetime(2027, 9, 5, 9, 0, tzinfo=TZ)
TUESDAY = datetime.date(2027, 9, 7)
NEXT_TUESDAY = datetime.date(2027, 9, 14)
PHONE = "07701234567"


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), TZ)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def hw(org):
    world = make_hall(org)
    # Tuesdays 10:00-12:00, four visitors: 30-minute slots.
    bookings.add_hours(
        hall_service=world.transcripts,
        weekday=1,
        starts=datetime.time(10),
        ends=datetime.time(12),
        quota=4,
    )
    world.transcripts.refresh_from_db()
    return world


def test_hours_make_the_services_schedule_and_its_slots(hw):
    assert [s.pk for s in bookings.bookable_services(hw.hall)] == [hw.transcripts.pk]
    assert hw.transcripts.schedule.official_id is None
    free = bookings.free_times(hw.transcripts, now=NOW)
    tuesdays = [s.starts_at for s in free if s.starts_at.date() in (TUESDAY, NEXT_TUESDAY)]
    expected = [at(d, h, m) for d in (TUESDAY, NEXT_TUESDAY) for h in (10, 11) for m in (0, 30)]
    assert tuesdays == expected


def test_overlapping_hours_are_refused(hw):
    with pytest.raises(Exception, match="overlap hours already set"):
        bookings.add_hours(
            hall_service=hw.transcripts,
            weekday=1,
            starts=datetime.time(11),
            ends=datetime.time(13),
            quota=2,
        )


def test_booking_gives_an_eight_digit_code_by_sms_with_the_gregorian_and_hijri_dates(hw):
    row = bookings.book(
        hall_service=hw.transcripts, starts_at=at(TUESDAY, 10, 30), phone=PHONE, now=NOW
    )
    assert len(row.code) == 8 and row.code.isdigit()
    assert row.booking.starts_at == at(TUESDAY, 10, 30)
    assert row.booking.ends_at == at(TUESDAY, 11)
    sms = Message.objects.get(event_key="hall_booked", channel="sms")
    assert sms.address == "+9647701234567"
    assert row.code in sms.body
    # The Arabic SMS (the booking's language): Tuesday 7 September 2027 is 6 Rabi' al-Thani
    # 1449 of Umm al-Qura (hijridate's Gregorian(2027, 9, 7).to_hijri() is 1449-04-06).
    assert "الثلاثاء 7 سبتمبر 2027 10:30" in sms.body
    assert "6 ربيع الآخر 1449" in sms.body
    assert row.token in sms.body
    assert at(TUESDAY, 10, 30) not in [
        s.starts_at for s in bookings.free_times(hw.transcripts, now=NOW)
    ]


@pytest.mark.parametrize(
    ("starts_at", "code", "message"),
    [
        (at(datetime.date(2027, 9, 5), 8), "past", "This time has already passed"),
        (at(datetime.date(2027, 9, 10), 10), "holiday", "The institution is closed on that day"),
        (at(TUESDAY, 12), "outside_hours", "This time is outside the appointment hours."),
        (at(TUESDAY, 10, 10), "outside_hours", "This time is outside the appointment hours."),
        (at(datetime.date(2027, 11, 30), 10), "outside_hours", "for the next 60 days only"),
    ],
)
def test_a_past_holiday_or_outside_time_is_refused_with_its_reason(hw, starts_at, code, message):
    with pytest.raises(SlotRefused) as refused:
        bookings.book(hall_service=hw.transcripts, starts_at=starts_at, phone=PHONE, now=NOW)
    assert refused.value.code == code
    assert message in refused.value.messages[0]
    assert HallBooking.objects.count() == 0 and Booking.objects.count() == 0
    assert not Message.objects.filter(event_key="hall_booked").exists()


def test_a_holiday_of_the_working_calendar_is_refused(hw):
    Holiday.objects.create(
        calendar=WorkingCalendar.objects.get(is_active=True),
        date=NEXT_TUESDAY,
        name_ar="عطلة",
        name_en="A holiday",
    )
    routing_calendar.invalidate_local()
    assert {s.starts_at.date() for s in bookings.free_times(hw.transcripts, now=NOW)} & {
        NEXT_TUESDAY
    } == set()
    with pytest.raises(SlotRefused) as refused:
        bookings.book(
            hall_service=hw.transcripts, starts_at=at(NEXT_TUESDAY, 10), phone=PHONE, now=NOW
        )
    assert refused.value.code == "holiday"


def test_a_taken_slot_is_refused_and_the_quota_holds(hw):
    for minute in (0, 30):
        for hour in (10, 11):
            bookings.book(
                hall_service=hw.transcripts,
                starts_at=at(TUESDAY, hour, minute),
                phone=PHONE,
                now=NOW,
            )
    with pytest.raises(SlotRefused) as refused:
        bookings.book(hall_service=hw.transcripts, starts_at=at(TUESDAY, 10), phone=PHONE, now=NOW)
    assert refused.value.code == "full"
    assert HallBooking.objects.count() == 4
    assert not [
        s for s in bookings.free_times(hw.transcripts, now=NOW) if s.starts_at.date() == TUESDAY
    ]


def test_a_code_already_given_is_drawn_again_and_nothing_else_is_lost(hw, monkeypatch):
    """The code is drawn without a look first: a code already held is refused by its unique
    index, the whole attempt (slot, row, SMS) is rolled back, and a new code is drawn."""
    first = bookings.book(
        hall_service=hw.transcripts, starts_at=at(TUESDAY, 10), phone=PHONE, now=NOW
    )
    draws = iter([first.code, "ZX9Q7K2M"])
    monkeypatch.setattr(bookings, "new_booking_code", lambda: next(draws))
    second = bookings.book(
        hall_service=hw.transcripts, starts_at=at(TUESDAY, 11), phone=PHONE, now=NOW
    )
    assert second.code == "ZX9Q7K2M"
    assert HallBooking.objects.count() == 2
    assert Booking.objects.filter(status=BookingStatus.BOOKED).count() == 2
    booked_sms = [m.body for m in Message.objects.filter(event_key="hall_booked", channel="sms")]
    assert len(booked_sms) == 2
    assert [first.code in body for body in booked_sms].count(True) == 1
    assert ["ZX9Q7K2M" in body for body in booked_sms].count(True) == 1


def test_a_service_without_hours_takes_no_booking(hw):
    with pytest.raises(SlotRefused) as refused:
        bookings.book(hall_service=hw.certificates, starts_at=at(TUESDAY, 10), phone=PHONE, now=NOW)
    assert refused.value.messages == ["This service takes no appointments."]


def test_the_citizen_moves_or_cancels_twice_at_most(hw):
    row = bookings.book(
        hall_service=hw.transcripts, starts_at=at(TUESDAY, 10), phone=PHONE, now=NOW
    )
    bookings.move(hall_booking=row, starts_at=at(TUESDAY, 11), now=NOW)
    bookings.move(hall_booking=row, starts_at=at(NEXT_TUESDAY, 10), now=NOW)
    with pytest.raises(SlotRefused) as refused:
        bookings.cancel(hall_booking=row, now=NOW)
    assert refused.value.code == "changes"
    row.refresh_from_db()
    assert row.state == HallBookingState.BOOKED
    assert row.booking.starts_at == at(NEXT_TUESDAY, 10)
    assert row.booking.changes == 2
    # The first slots are free again; each move sent the new time by SMS.
    free = [s.starts_at for s in bookings.free_times(hw.transcripts, now=NOW)]
    assert at(TUESDAY, 10) in free and at(TUESDAY, 11) in free
    assert Message.objects.filter(event_key="hall_booked", channel="sms").count() == 3


def test_cancelling_frees_the_slot(hw):
    row = bookings.book(
        hall_service=hw.transcripts, starts_at=at(TUESDAY, 10), phone=PHONE, now=NOW
    )
    bookings.cancel(hall_booking=row, now=NOW)
    row.refresh_from_db()
    assert row.state == HallBookingState.CANCELLED
    assert row.booking.status == BookingStatus.CANCELLED
    assert at(TUESDAY, 10) in [s.starts_at for s in bookings.free_times(hw.transcripts, now=NOW)]
    with pytest.raises(BookingError):
        bookings.cancel(hall_booking=row, now=NOW)


def _booked(hw, hour, minute=0):
    return bookings.book(
        hall_service=hw.transcripts, starts_at=at(TUESDAY, hour, minute), phone=PHONE, now=NOW
    )


def test_a_checked_in_ticket_is_called_at_its_time_ahead_of_later_walk_ins(hw, org):
    """Window 15 minutes: the 10:30 appointment checked in at 10:05 stands in the line at
    10:15: after the walk-in of 09:50, before the walk-in of 10:16."""
    row = _booked(hw, 10, 30)
    early = services.issue_ticket(hall=hw.hall, hall_service=hw.transcripts, now=at(TUESDAY, 9, 50))
    booked = bookings.check_in(hall=hw.hall, code=row.code, now=at(TUESDAY, 10, 5))
    late = services.issue_ticket(hall=hw.hall, hall_service=hw.transcripts, now=at(TUESDAY, 10, 16))
    assert booked.queued_at == at(TUESDAY, 10, 15)
    assert booked.issued_at == at(TUESDAY, 10, 5)
    row.refresh_from_db()
    assert row.state == HallBookingState.CHECKED_IN and row.ticket == booked
    services.open_counter(counter=hw.window_1, actor=org.officer_a, now=at(TUESDAY, 10, 17))
    called = []
    for minute in (18, 19, 20):
        ticket = services.call_next_ticket(
            counter=hw.window_1, actor=org.officer_a, now=at(TUESDAY, 10, minute)
        )
        called.append(ticket.code)
        services.finish_ticket(
            ticket=ticket, actor=org.officer_a, outcome="served", now=at(TUESDAY, 10, minute)
        )
    assert called == [early.code, booked.code, late.code]
    assert HallEvent.objects.filter(kind=HallEventKind.CHECKED_IN, ticket=booked).count() == 1


def test_a_visitor_checked_in_late_in_the_window_still_goes_first(hw, org):
    row = _booked(hw, 10, 30)
    walk_in = services.issue_ticket(
        hall=hw.hall, hall_service=hw.transcripts, now=at(TUESDAY, 10, 20)
    )
    booked = bookings.check_in(hall=hw.hall, code=row.code, now=at(TUESDAY, 10, 40))
    services.open_counter(counter=hw.window_1, actor=org.officer_a, now=at(TUESDAY, 10, 41))
    first = services.call_next_ticket(
        counter=hw.window_1, actor=org.officer_a, now=at(TUESDAY, 10, 41)
    )
    assert first == booked and first != walk_in
    assert first.state == TicketState.CALLED


@pytest.mark.parametrize(
    ("when", "code", "message"),
    [
        (at(datetime.date(2027, 9, 6), 10), "other_day", "come back that day"),
        (at(TUESDAY, 10, 46), "late", "The time to check in for this appointment has passed"),
    ],
)
def test_check_in_on_another_day_or_after_the_window_is_refused(hw, when, code, message):
    row = _booked(hw, 10, 30)
    with pytest.raises(BookingError) as refused:
        bookings.check_in(hall=hw.hall, code=row.code, now=when)
    assert refused.value.code == code and message in refused.value.messages[0]
    row.refresh_from_db()
    assert row.state == HallBookingState.BOOKED and row.ticket is None


def test_an_unknown_code_or_a_second_check_in_is_refused(hw):
    row = _booked(hw, 10, 30)
    with pytest.raises(BookingError, match="No appointment in this hall has this code"):
        bookings.check_in(
            hall=hw.hall,
            code="12345678" if row.code != "12345678" else "87654321",
            now=at(TUESDAY, 10),
        )
    with pytest.raises(BookingError, match="No appointment in this hall has this code"):
        bookings.check_in(hall=hw.hall, code="abc", now=at(TUESDAY, 10))
    bookings.check_in(hall=hw.hall, code=row.code, now=at(TUESDAY, 10))
    with pytest.raises(BookingError, match="already been checked in"):
        bookings.check_in(hall=hw.hall, code=row.code, now=at(TUESDAY, 10, 1))


def test_no_shows_are_recorded_and_their_slot_freed_at_the_end_of_the_window(hw):
    row = _booked(hw, 10, 30)
    other = _booked(hw, 11, 30)
    assert bookings.release_no_shows(now=at(TUESDAY, 10, 45)) == 0
    assert bookings.release_no_shows(now=at(TUESDAY, 10, 46)) == 1
    row.refresh_from_db()
    other.refresh_from_db()
    assert row.state == HallBookingState.NO_SHOW and row.closed_at == at(TUESDAY, 10, 46)
    assert row.booking.status == BookingStatus.CANCELLED
    assert other.state == HallBookingState.BOOKED
    event = HallEvent.objects.get(kind=HallEventKind.BOOKING_NO_SHOW)
    assert event.detail == "2027-09-07 10:30" and event.ticket is None
    with pytest.raises(BookingError):
        bookings.check_in(hall=hw.hall, code=row.code, now=at(TUESDAY, 10, 47))


def test_cancelling_texts_the_citizen_once_in_arabic(hw):
    row = bookings.book(
        hall_service=hw.transcripts, starts_at=at(TUESDAY, 10), phone=PHONE, now=NOW
    )
    bookings.cancel(hall_booking=row, now=NOW)
    with pytest.raises(BookingError):
        bookings.cancel(hall_booking=row, now=NOW)
    sms = Message.objects.get(event_key="hall_cancelled")
    assert (sms.channel, sms.address, sms.language) == ("sms", "+9647701234567", "ar")
    # The template's words, the fixture's Arabic names, the time it had (Tuesday 7 September
    # 2027 10:00, 6 Rabi' al-Thani 1449: see the booking's SMS above) and the hall's booking
    # page; the varying parts isolated (FSI ... PDI) in a right-to-left message.
    with translation.override("ar"):
        hall, service = str(hw.hall.name), str(hw.transcripts.service.name)
    url = settings.MITHAQ_PUBLIC_URL.rstrip("/") + f"/hall/{hw.hall.code}/book/"
    assert sms.body == (
        f"أُلغي موعدكم \u2068{row.code}\u2069 في {hall} لخدمة {service} الذي كان في "
        "\u2068الثلاثاء 7 سبتمبر 2027 10:00\u2069 (\u20686 ربيع الآخر 1449\u2069). "
        f"لحجز موعد آخر: \u2068{url}\u2069"
    )


# -- one-off closures ------------------------------------------------------------------------


def test_a_closed_day_offers_no_time_and_refuses_a_booking(hw):
    bookings.add_closure(
        hall_service=hw.transcripts,
        first_day=TUESDAY,
        last_day=TUESDAY,
        reason="Inventory",
        now=NOW,
    )
    days = {s.starts_at.date() for s in bookings.free_times(hw.transcripts, now=NOW)}
    assert TUESDAY not in days and NEXT_TUESDAY in days
    with pytest.raises(SlotRefused) as refused:
        bookings.book(hall_service=hw.transcripts, starts_at=at(TUESDAY, 10), phone=PHONE, now=NOW)
    assert refused.value.code == "closed"
    assert refused.value.messages == ["No appointments are given on that day. Reason: Inventory"]
    assert HallBooking.objects.count() == 0


def test_removing_a_closure_opens_its_days_again(hw):
    closure = bookings.add_closure(
        hall_service=hw.transcripts, first_day=TUESDAY, last_day=NEXT_TUESDAY, now=NOW
    )
    assert not bookings.free_times(hw.transcripts, now=NOW)[0].starts_at.date() <= NEXT_TUESDAY
    bookings.remove_closure(closure=closure)
    assert bookings.free_times(hw.transcripts, now=NOW)[0].starts_at == at(TUESDAY, 10)


def test_a_closure_over_booked_days_is_refused_with_their_count(hw):
    for hour in (10, 11):
        _booked(hw, hour)
    with pytest.raises(ValidationError) as refused:
        bookings.add_closure(
            hall_service=hw.transcripts, first_day=TUESDAY, last_day=TUESDAY, now=NOW
        )
    assert refused.value.messages[0].startswith("2 appointments are booked on these days.")
    assert not Closure.objects.exists()
    assert HallBooking.objects.filter(state=HallBookingState.BOOKED).count() == 2
    assert not Message.objects.filter(event_key="hall_cancelled").exists()


def test_a_closure_may_cancel_the_booked_days_and_tell_each_citizen(hw):
    first, second = _booked(hw, 10), _booked(hw, 11)
    later = bookings.book(
        hall_service=hw.transcripts, starts_at=at(NEXT_TUESDAY, 10), phone=PHONE, now=NOW
    )
    bookings.move(hall_booking=first, starts_at=at(TUESDAY, 10, 30), now=NOW)
    bookings.add_closure(
        hall_service=hw.transcripts,
        first_day=TUESDAY,
        last_day=TUESDAY,
        reason="Inventory",
        cancel_booked=True,
        now=NOW,
    )
    states = dict(HallBooking.objects.values_list("pk", "state"))
    assert states == {
        first.pk: HallBookingState.CANCELLED,
        second.pk: HallBookingState.CANCELLED,
        later.pk: HallBookingState.BOOKED,
    }
    cancelled = Message.objects.filter(event_key="hall_cancelled", channel="sms")
    assert sorted(m.dedupe_key for m in cancelled) == sorted(
        f"contact:hall-booking:{r.code}:cancelled:sms" for r in (first, second)
    )
    # The office's cancelling is not one of the citizen's two changes.
    first.refresh_from_db()
    assert first.booking.changes == 1


@pytest.mark.parametrize(
    ("first_day", "last_day", "message"),
    [
        (NEXT_TUESDAY, TUESDAY, "The closure must end on or after its first day."),
        (datetime.date(2027, 9, 4), TUESDAY, "A closure cannot begin in the past."),
        (TUESDAY, datetime.date(2027, 11, 7), "A closure may last 61 days at most."),
    ],
)
def test_a_closure_with_bad_days_is_refused(hw, first_day, last_day, message):
    with pytest.raises(ValidationError) as refused:
        bookings.add_closure(
            hall_service=hw.transcripts, first_day=first_day, last_day=last_day, now=NOW
        )
    assert refused.value.messages == [message]
    assert not Closure.objects.exists()


def test_the_week_is_read_from_the_first_working_day_after_the_weekend():
    # The seeded calendar works Sunday to Thursday (Iraq): Sunday first, Saturday last.
    assert bookings.week_order() == [6, 0, 1, 2, 3, 4, 5]


def test_a_cancel_from_a_stale_page_tells_the_time_the_appointment_had_when_cancelled(hw):
    """The SMS is made before the rows are locked; if the appointment was moved in between
    (another tab), it is made again under the lock with the time it had then."""
    row = bookings.book(
        hall_service=hw.transcripts, starts_at=at(TUESDAY, 10), phone=PHONE, now=NOW
    )
    stale = HallBooking.objects.select_related("hall", "hall_service__service", "booking").get(
        pk=row.pk
    )
    bookings.move(hall_booking=row, starts_at=at(TUESDAY, 11, 30), now=NOW)
    with translation.override("ar"):
        bookings.cancel(hall_booking=stale, now=NOW)
    sms = Message.objects.get(event_key="hall_cancelled")
    assert "الثلاثاء 7 سبتمبر 2027 11:30" in sms.body
    assert "10:00" not in sms.body
