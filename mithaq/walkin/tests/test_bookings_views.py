"""The hall appointments' pages: the citizen's booking page and appointment page, check-in
at the kiosk by code, the supervisor's hours, the day's list on the desk."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mithaq.interviews import services as interviews
from mithaq.interviews.testing import REQUEST, make_official
from mithaq.notifications.models import Message
from mithaq.scheduling.models import Booking, Closure, WeeklyHours
from mithaq.walkin import bookings
from mithaq.walkin.models import HallBooking, Ticket
from mithaq.walkin.states import HallBookingState
from mithaq.walkin.testing import enrol_kiosk, make_hall

pytestmark = pytest.mark.django_db


@pytest.fixture
def hw(org):
    world = make_hall(org)
    # Every day of the week, 08:00-16:00 for 16: the next working day has free times, whatever
    # day the suite runs on.
    for weekday in range(7):
        bookings.add_hours(
            hall_service=world.transcripts,
            weekday=weekday,
            starts=datetime.time(8),
            ends=datetime.time(16),
            quota=16,
        )
    world.transcripts.refresh_from_db()
    return world


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def _book_url(hw):
    return reverse("walkin:book", args=[hw.hall.code])


def test_a_citizen_books_a_free_time_and_reads_the_code_with_both_dates(en, hw):
    page = en.get(_book_url(hw))
    assert page.status_code == 200
    first = page.context["days"][0]
    slot = first["slots"][0]["value"]
    assert first["hijri"] and str(first["day"].year) in first["label"]
    response = en.post(
        _book_url(hw), {"service": hw.transcripts.pk, "slot": slot, "phone": "07701234567"}
    )
    row = HallBooking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("walkin:booking", args=[row.token])
    assert row.booking.starts_at == datetime.datetime.fromisoformat(slot)
    shown = en.get(response["Location"]).content.decode()
    assert row.code in shown
    assert first["hijri"] in shown
    assert Message.objects.filter(event_key="hall_booked", address="+9647701234567").count() == 1


@pytest.mark.parametrize(
    ("slot", "message"),
    [
        ("2020-01-07T10:00:00+03:00", "This time has already passed"),
        ("not a time", "Choose one of the times offered."),
        ("2099-01-07T10:00:00", "Choose one of the times offered."),
    ],
)
def test_a_bad_time_is_refused_on_the_page_and_nothing_is_booked(en, hw, slot, message):
    response = en.post(
        _book_url(hw), {"service": hw.transcripts.pk, "slot": slot, "phone": "07701234567"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not HallBooking.objects.exists() and not Booking.objects.exists()


def test_the_citizen_cancels_through_the_link(en, hw):
    free = bookings.free_times(hw.transcripts)
    row = bookings.book(
        hall_service=hw.transcripts, starts_at=free[0].starts_at, phone="07701234567"
    )
    response = en.post(reverse("walkin:booking_cancel", args=[row.token]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == HallBookingState.CANCELLED
    assert "Your appointment is cancelled." in en.get(response["Location"]).content.decode()


def test_the_citizen_moves_through_the_link(en, hw):
    free = bookings.free_times(hw.transcripts)
    row = bookings.book(
        hall_service=hw.transcripts, starts_at=free[0].starts_at, phone="07701234567"
    )
    response = en.post(
        reverse("walkin:booking_move", args=[row.token]), {"slot": free[1].starts_at.isoformat()}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.booking.starts_at == free[1].starts_at and row.booking.changes == 1


def _booked_soon(hw, minutes=5) -> HallBooking:
    """An appointment starting in a few minutes (rows written as the engine would: the view
    under test is the kiosk's, whatever today's calendar says)."""
    now = timezone.now()
    starts = now + datetime.timedelta(minutes=minutes)
    booking = Booking.objects.create(
        schedule=hw.transcripts.schedule,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=30),
        created_at=now,
        updated_at=now,
    )
    return HallBooking.objects.create(
        hall=hw.hall,
        hall_service=hw.transcripts,
        booking=booking,
        code="20261206",
        phone="+9647701234567",
        created_at=now,
    )


def test_the_kiosk_checks_a_booked_visitor_in_by_code(en, hw):
    row = _booked_soon(hw)
    enrol_kiosk(en, hw.hall)
    kiosk = reverse("walkin:kiosk", args=[hw.hall.code])
    assert "Booked online? Type your appointment code" in en.get(kiosk).content.decode()
    response = en.post(kiosk, {"booking_code": " 2026 1206 "})
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("walkin:ticket_print", args=[ticket.token]) + "?kiosk=1"
    row.refresh_from_db()
    assert row.state == HallBookingState.CHECKED_IN and row.ticket == ticket
    assert ticket.queued_at == row.booking.starts_at - datetime.timedelta(minutes=15)
    again = en.post(kiosk, {"booking_code": "20261206"})
    assert again.status_code == 400
    assert "This appointment has already been checked in." in again.content.decode()
    assert Ticket.objects.count() == 1


def test_a_check_in_from_a_browser_not_enrolled_is_refused(en, hw):
    _booked_soon(hw)
    response = en.post(reverse("walkin:kiosk", args=[hw.hall.code]), {"booking_code": "20261206"})
    assert response.status_code == 403
    assert not Ticket.objects.exists()


def test_the_supervisor_sets_the_hours_and_bad_hours_are_refused(en, hw, org):
    en.force_login(org.office_manager)
    url = reverse("walkin:appointments", args=[hw.hall.code])
    assert en.get(url).status_code == 200
    data = {"action": "add", "service": hw.certificates.pk, "weekday": 1, "quota": 6}
    bad = en.post(url, data | {"starts": "12:00", "ends": "10:00"})
    assert bad.status_code == 400
    assert "The hours must end after they start." in bad.content.decode()
    assert not WeeklyHours.objects.filter(schedule__hall_service=hw.certificates).exists()
    assert en.post(url, data | {"starts": "10:00", "ends": "12:00"}).status_code == 302
    hours = WeeklyHours.objects.get(schedule__hall_service=hw.certificates)
    assert (hours.weekday, hours.starts, hours.ends, hours.quota) == (
        1,
        datetime.time(10),
        datetime.time(12),
        6,
    )
    window = en.post(url, {"action": "window", "booking_window_minutes": "25"})
    assert window.status_code == 302
    hw.hall.refresh_from_db()
    assert hw.hall.booking_window_minutes == 25
    removed = en.post(url, {"action": "remove", "hours": hours.pk})
    assert removed.status_code == 302
    assert not WeeklyHours.objects.filter(pk=hours.pk).exists()


def test_only_the_halls_supervisors_set_its_hours(en, hw, org):
    en.force_login(org.officer_a)
    assert en.get(reverse("walkin:appointments", args=[hw.hall.code])).status_code == 404


def test_the_desk_lists_the_days_booked_visitors_and_interviews(en, hw, org):
    row = _booked_soon(hw)
    official = make_official(org)
    request = interviews.submit_request(
        official=official, unit=org.root, received_by=org.reception, **REQUEST
    )
    # Booked for today, as the office would have on an earlier day (the engine refuses the
    # past, so the row is written as book_slot writes it).
    now = timezone.now()
    starts_at = now + datetime.timedelta(minutes=30)
    if starts_at.astimezone(hw.hall.tzinfo).date() != now.astimezone(hw.hall.tzinfo).date():
        # After 23:30 at the hall, an earlier slot of the same day (the list is the day's).
        starts_at = now - datetime.timedelta(minutes=50)
    request.booking = Booking.objects.create(
        schedule=official.schedules.first(),  # make_official's
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=20),
        created_at=now,
        updated_at=now,
    )
    request.state = "scheduled"
    request.save()
    en.force_login(org.reception)
    page = en.get(reverse("walkin:hall", args=[hw.hall.code])).content.decode()
    assert "Today&#x27;s booked visitors" in page or "Today's booked visitors" in page
    assert str(row.hall_service.service.name_en) in page
    assert "Today&#x27;s interviews with officials" in page or "Today's interviews" in page
    assert request.code in page and REQUEST["subject"] in page
    # An officer of the hall who is neither reception nor an official sees no interviews.
    en.force_login(org.officer_a)
    page = en.get(reverse("walkin:hall", args=[hw.hall.code])).content.decode()
    assert request.code not in page
    assert "booked visitors" in page


def _open_days(hw):
    """The days ahead with free times (working days, whatever day the suite runs on)."""
    tz = hw.hall.tzinfo
    return sorted({s.starts_at.astimezone(tz).date() for s in bookings.free_times(hw.transcripts)})


def test_the_hours_read_sunday_to_saturday_and_remove_is_a_danger_button(en, hw, org):
    en.force_login(org.office_manager)
    page = en.get(reverse("walkin:appointments", args=[hw.hall.code])).content.decode()
    table = page[page.index("Appointment hours") : page.index("Add hours")]
    days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    positions = [table.index(f"<td>{day}</td>") for day in days]
    assert positions == sorted(positions)
    assert table.count('class="btn btn-small btn-danger"') == 7
    assert 'appointments <span class="muted">·</span>' in page


def test_the_supervisor_closes_days_and_opens_them_again(en, hw, org):
    en.force_login(org.office_manager)
    url = reverse("walkin:appointment_closures", args=[hw.hall.code])
    day, after = _open_days(hw)[2:4]
    added = en.post(
        url,
        {
            "action": "add",
            "closure-service": hw.transcripts.pk,
            "closure-first_day": day.isoformat(),
            "closure-reason": "Inventory",
        },
    )
    assert added.status_code == 302
    closure = Closure.objects.get()
    assert (closure.first_day, closure.last_day, closure.reason) == (day, day, "Inventory")
    page = en.get(reverse("walkin:appointments", args=[hw.hall.code])).content.decode()
    assert "Inventory" in page
    free_days = {
        s.starts_at.astimezone(hw.hall.tzinfo).date() for s in bookings.free_times(hw.transcripts)
    }
    assert day not in free_days and after in free_days
    removed = en.post(url, {"action": "remove", "closure": closure.pk})
    assert removed.status_code == 302
    assert not Closure.objects.exists()


def test_closing_booked_days_asks_first_then_cancels_and_texts(en, hw, org):
    before, day = _open_days(hw)[2:4]
    slot = next(
        s
        for s in bookings.free_times(hw.transcripts)
        if s.starts_at.astimezone(hw.hall.tzinfo).date() == day
    )
    row = bookings.book(hall_service=hw.transcripts, starts_at=slot.starts_at, phone="07701234567")
    en.force_login(org.office_manager)
    url = reverse("walkin:appointment_closures", args=[hw.hall.code])
    data = {
        "action": "add",
        "closure-service": hw.transcripts.pk,
        "closure-first_day": before.isoformat(),
        "closure-last_day": day.isoformat(),
        "closure-reason": "Power cut",
    }
    asked = en.post(url, data)
    assert asked.status_code == 400
    assert "1 appointment is booked on these days." in asked.content.decode()
    assert not Closure.objects.exists()
    assert not Message.objects.filter(event_key="hall_cancelled").exists()
    done = en.post(url, data | {"closure-cancel_booked": "on"})
    assert done.status_code == 302
    row.refresh_from_db()
    assert row.state == HallBookingState.CANCELLED
    assert Message.objects.filter(event_key="hall_cancelled", channel="sms").count() == 1
    assert Closure.objects.get().reason == "Power cut"


def test_only_the_halls_supervisors_close_days(en, hw, org):
    en.force_login(org.officer_a)
    url = reverse("walkin:appointment_closures", args=[hw.hall.code])
    day = _open_days(hw)[2].isoformat()
    response = en.post(
        url,
        {
            "action": "add",
            "closure-service": hw.transcripts.pk,
            "closure-first_day": day,
            "closure-reason": "x",
        },
    )
    assert response.status_code == 404
    assert not Closure.objects.exists()


def test_the_offices_templates_page_lists_the_cancellation_sms(en, org):
    en.force_login(org.office_manager)
    page = en.get(reverse("notifications:templates")).content.decode()
    assert "Hall appointment cancelled" in page
    edit = en.get(reverse("notifications:template_edit", args=["hall_cancelled", "sms", "ar"]))
    assert edit.status_code == 200
    assert "{track_url}" in edit.content.decode()
