"""A hall appointment in a real browser (issue 16): a citizen books a time online in Arabic
and reads the code with the Gregorian and Hijri dates, checks in at the kiosk with the code,
and the officer's "call next" calls the booked ticket before the walk-in who came first.
Also the supervisor's appointments page and the desk's day list, in Arabic and English."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.utils import timezone

from mithaq.routing import calendar as routing_calendar
from mithaq.routing.models import AnnualHoliday, Holiday, WorkingCalendar, WorkingHours
from mithaq.walkin import bookings, services
from mithaq.walkin.kiosk import COOKIE, SALT
from mithaq.walkin.models import HallBooking, KioskDevice, Ticket
from mithaq.walkin.testing import make_hall
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def midday_zone(now: datetime.datetime) -> str:
    """A time zone in which `now` is between 12:00 and 13:00 (Etc/GMT-N is UTC+N)."""
    offset = 12 - now.astimezone(datetime.UTC).hour  # -11 .. +12, all Etc/GMT zones
    return f"Etc/GMT{-offset:+d}"


def _today_open(hw):
    """The hall and the working calendar in a time zone where it is now midday (the journey
    books, checks in and is called on one local day, whatever the hour in Baghdad: near
    midnight there, a time today was past before it could be booked); today a working day,
    and the transcripts service taking three appointments of ten minutes from the last
    ten-minute mark: the first time offered is within the next ten minutes (the same
    weekday of the next weeks offers three more)."""
    zone = midday_zone(timezone.now())
    # The migrations' calendar, or one made here after a transactional test flushed it.
    calendar = WorkingCalendar.objects.filter(is_active=True).first()
    if calendar is None:
        calendar = WorkingCalendar.objects.create(name="Test", time_zone=zone)
    calendar.time_zone = zone
    calendar.save(update_fields=["time_zone"])
    hw.hall.time_zone = zone
    hw.hall.save(update_fields=["time_zone"])
    local = timezone.now().astimezone(ZoneInfo(zone))
    today = local.date()
    WorkingHours.objects.update_or_create(
        calendar=calendar,
        weekday=today.weekday(),
        defaults={"opens": datetime.time(0), "closes": datetime.time(23, 59)},
    )
    Holiday.objects.filter(date=today).delete()
    AnnualHoliday.objects.filter(month=today.month, day=today.day).delete()
    routing_calendar.invalidate_local()
    starts = local.replace(minute=local.minute - local.minute % 10, second=0, microsecond=0)
    bookings.add_hours(
        hall_service=hw.transcripts,
        weekday=today.weekday(),
        starts=starts.time(),
        ends=(starts + datetime.timedelta(minutes=30)).time(),
        quota=3,
    )
    hw.transcripts.refresh_from_db()


def test_the_journeys_day_is_midday_at_every_hour_of_a_baghdad_day():
    """The proof that the journey no longer depends on the hour it runs at: from every
    quarter of an hour of a day in Baghdad (midnight included), the hall's local time is
    between 12:00 and 13:00, so its three times (at most 50 minutes ahead) fall on its
    local today."""
    baghdad = ZoneInfo("Asia/Baghdad")
    start = datetime.datetime(2026, 12, 7, 0, 0, tzinfo=baghdad)
    for quarter in range(96):
        moment = start + datetime.timedelta(minutes=15 * quarter)
        local = moment.astimezone(ZoneInfo(midday_zone(moment)))
        assert local.hour == 12, (moment, local)
    near_midnight = datetime.datetime(2026, 12, 7, 23, 55, tzinfo=baghdad)
    local = near_midnight.astimezone(ZoneInfo(midday_zone(near_midnight)))
    assert (local + datetime.timedelta(minutes=50)).date() == local.date()


def _kiosk(new_page, live_server, hall, locale):
    device = KioskDevice.objects.create(hall=hall, label="Kiosk")
    page = new_page(locale)
    page.context.add_cookies(
        [
            {
                "name": COOKIE,
                "value": signing.dumps([device.key], salt=SALT),
                "url": live_server.url,
            }
        ]
    )
    return page


def test_book_online_check_in_with_the_code_and_be_called_first(
    new_page, live_server, org, screenshot
):
    hw = make_hall(org)
    _today_open(hw)
    # A walk-in is already waiting when the booked visitor arrives.
    walk_in = services.issue_ticket(hall=hw.hall, hall_service=hw.transcripts)

    citizen = new_page("ar")
    citizen.goto(f"/hall/{hw.hall.code}/book/", wait_until="domcontentloaded")
    citizen.locator("input[name=slot]").first.check()
    citizen.fill("#id_phone", "07701234567")
    screenshot(citizen, "hall-book-ar")
    citizen.locator("main form button[type=submit]").click()
    citizen.wait_for_url("**/hall/b/*/")
    row = HallBooking.objects.get()
    assert citizen.locator(".booking-code").inner_text().strip() == row.code
    when = citizen.locator(".booking-when").inner_text()
    local = row.booking.starts_at.astimezone(hw.hall.tzinfo)
    assert local.strftime("%H:%M") in when and str(local.year) in when
    assert "144" in when  # the Hijri year (1448 in 2026, 1449 from mid-2027)
    screenshot(citizen, "hall-booking-ar")

    kiosk = _kiosk(new_page, live_server, hw.hall, "ar")
    kiosk.goto(f"/hall/{hw.hall.code}/kiosk/", wait_until="domcontentloaded")
    kiosk.fill("#id_booking_code", row.code)
    screenshot(kiosk, "hall-kiosk-checkin-ar")
    kiosk.locator("form.kiosk-checkin button[type=submit]").click()
    kiosk.wait_for_url("**/hall/t/*/print/?kiosk=1")
    row.refresh_from_db()
    booked = Ticket.objects.get(pk=row.ticket_id)
    assert booked.code in kiosk.locator("main").inner_text()

    officer = new_page("en")
    sign_in(officer, org.officer_a)
    officer.goto(f"/hall/{hw.hall.code}/window/1/", wait_until="domcontentloaded")
    officer.get_by_role("button", name="Open my window").click()
    officer.get_by_role("button", name="Call next").click()
    officer.wait_for_load_state()
    assert booked.code in officer.locator("main").inner_text()
    booked.refresh_from_db()
    walk_in.refresh_from_db()
    assert booked.state == "called" and walk_in.state == "waiting"


@pytest.mark.parametrize("locale", ["ar", "en"])
def test_the_appointment_screens(new_page, live_server, org, screenshot, locale):
    hw = make_hall(org)
    _today_open(hw)
    free = bookings.free_times(hw.transcripts)
    for slot in free[:3]:
        bookings.book(hall_service=hw.transcripts, starts_at=slot.starts_at, phone="07701234567")
    row = HallBooking.objects.first()

    citizen = new_page(locale)
    citizen.goto(f"/hall/b/{row.token}/", wait_until="domcontentloaded")
    assert citizen.locator("main h1").count() == 1
    screenshot(citizen, f"hall-booking-page-{locale}")
    kiosk = _kiosk(new_page, live_server, hw.hall, locale)
    kiosk.goto(f"/hall/{hw.hall.code}/kiosk/", wait_until="domcontentloaded")
    kiosk.fill("#id_booking_code", "11111111")
    kiosk.locator("form.kiosk-checkin button[type=submit]").click()
    assert kiosk.locator(".kiosk-checkin .errorlist").count() == 1
    screenshot(kiosk, f"hall-kiosk-refused-{locale}")

    tomorrow = hw.hall.local_day(timezone.now()) + datetime.timedelta(days=1)
    bookings.add_closure(
        hall_service=hw.transcripts,
        first_day=tomorrow,
        last_day=tomorrow + datetime.timedelta(days=2),
        reason="جرد سنوي" if locale == "ar" else "Annual inventory",
    )
    staff = new_page(locale)
    staff.set_viewport_size({"width": 1366, "height": 800})
    sign_in(staff, org.office_manager)
    staff.goto(f"/hall/{hw.hall.code}/appointments/", wait_until="domcontentloaded")
    assert staff.locator("main h1").count() == 1
    today = [
        s for s in free[:3] if hw.hall.local_day(s.starts_at) == hw.hall.local_day(timezone.now())
    ]
    assert staff.locator("main table").first.locator("tbody tr").count() == len(today) >= 1
    screenshot(staff, f"hall-appointments-{locale}")
    staff.goto(f"/hall/{hw.hall.code}/desk/", wait_until="domcontentloaded")
    screenshot(staff, f"hall-desk-agenda-{locale}")
