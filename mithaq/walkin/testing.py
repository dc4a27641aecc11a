"""Test personas of the hall: a hall of civil engineering (unit A) with two services and
three windows, the third for the elderly and people with special needs."""

import datetime
from dataclasses import dataclass

from mithaq.catalog.models import Service
from mithaq.catalog.services import services_changed
from mithaq.testing import Org

from .models import Counter, Hall, HallService, KioskDevice


@dataclass
class HallWorld:
    hall: Hall
    transcripts: HallService  # letter A
    certificates: HallService  # letter B
    window_1: Counter  # A and B
    window_2: Counter  # B only
    window_3: Counter  # the priority window, A and B


def make_hall(org: Org, **hall_fields) -> HallWorld:
    # Open at any hour unless a test says otherwise: tests do not depend on the clock.
    hall_fields.setdefault("hours_from_calendar", False)
    hall = Hall.objects.create(
        unit=org.dept_a,
        code="civil-hall",
        name_ar="قاعة المراجعين",
        name_en="Visitors' hall",
        **hall_fields,
    )
    certificate = Service.objects.create(
        unit=org.dept_a, code="civil-certificate", name_ar="تأييد تخرج", name_en="Graduation letter"
    )
    services_changed()
    transcripts = HallService.objects.create(
        hall=hall, service=org.service_a, letter="A", target_wait_minutes=10, position=1
    )
    certificates = HallService.objects.create(
        hall=hall, service=certificate, letter="B", target_wait_minutes=20, position=2
    )
    w1 = Counter.objects.create(hall=hall, number=1)
    w1.services.set([transcripts, certificates])
    w2 = Counter.objects.create(hall=hall, number=2)
    w2.services.set([certificates])
    w3 = Counter.objects.create(hall=hall, number=3, is_priority=True)
    w3.services.set([transcripts, certificates])
    return HallWorld(hall, transcripts, certificates, w1, w2, w3)


def hall_world(org: Org) -> dict:
    """What the site-wide tests need of the hall: its code, a waiting ticket, and a booked
    appointment (transcripts take appointments every day, 08:00-16:00 for 16)."""
    from .bookings import add_hours, book, free_times
    from .services import issue_ticket

    world = make_hall(org)
    ticket = issue_ticket(hall=world.hall, hall_service=world.transcripts)
    device = KioskDevice.objects.create(hall=world.hall, label="Kiosk 1")
    for weekday in range(7):
        add_hours(
            hall_service=world.transcripts,
            weekday=weekday,
            starts=datetime.time(8),
            ends=datetime.time(16),
            quota=16,
        )
    world.transcripts.refresh_from_db()
    appointment = book(
        hall_service=world.transcripts,
        starts_at=free_times(world.transcripts)[0].starts_at,
        phone="07701234567",
    )
    return {
        "hall": world.hall.code,
        "ticket_token": ticket.token,
        "ticket_pk": ticket.pk,
        "kiosk_device": device.pk,
        "booking_token": appointment.token,
    }


def enrol_kiosk(client, hall: Hall) -> KioskDevice:
    """Makes the test client's browser an enrolled kiosk of `hall` (mithaq.walkin.kiosk)."""
    from django.core import signing

    from .kiosk import COOKIE, SALT

    device = KioskDevice.objects.create(hall=hall, label="Test kiosk")
    client.cookies[COOKIE] = signing.dumps([device.key], salt=SALT)
    return device
