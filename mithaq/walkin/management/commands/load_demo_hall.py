"""`manage.py load_demo_hall`: the demo university's visitors' hall, with today's tickets.

Run after `load_demo` (it uses its registrar, its services and its accounts). Idempotent: a
hall already there is left as it is. The morning is played through the service functions,
so every ticket, call and rating has the history a real one would have."""

import datetime
import random
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mithaq.accounts.models import OrgUnit
from mithaq.catalog.models import Service
from mithaq.walkin import bookings, services
from mithaq.walkin.models import Counter, Hall, HallService, KioskDevice, Ticket
from mithaq.walkin.states import Face, Outcome, TicketState

HALL_CODE = "registrar-hall"
# Where the demo kiosk's one-time link is left for scripts/run.py to print.
DEMO_KIOSK_LINK = settings.BASE_DIR / "var" / "demo-kiosk-link"
UNIT = "registrar"
# (service code, letter, target wait in minutes)
HALL_SERVICES = [
    ("transcript", "A", 15),
    ("graduation-documents", "B", 20),
    ("enrolment-certificate", "C", 10),
    ("document-verification", "D", 20),
]
# window number -> (letters it takes, priority window?)
WINDOWS = {1: ("AC", False), 2: ("BD", False), 3: ("ABCD", True), 4: ("ABCD", False)}
PHONES = ["07701234567", "07801112233", "07509876543", ""]


class Command(BaseCommand):
    help = "Load the demo visitors' hall of the registrar, with this morning's tickets."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even with DEBUG off.")

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError("load_demo_hall runs only with DEBUG on (or --force).")
        if Hall.objects.filter(code=HALL_CODE).exists():
            self.stdout.write("Demo hall already loaded; nothing changed.")
        else:
            self._load()
        self._appointment_hours()
        self._kiosk_link()

    def _appointment_hours(self) -> None:
        """Appointments online for the hall's first two services (mithaq.walkin.bookings):
        Sunday to Thursday, 9:00 to 12:00, twelve visitors each (a quarter of an hour apiece).
        Added once: a hall whose services already have hours is left as it is."""
        hall = Hall.objects.get(code=HALL_CODE)
        first_two = list(hall.services.order_by("position")[:2])
        if any(s.schedule_id for s in hall.services.all()):
            return
        with transaction.atomic():
            for service in first_two:
                for weekday in (6, 0, 1, 2, 3):  # Sunday to Thursday (Monday is 0)
                    bookings.add_hours(
                        hall_service=service,
                        weekday=weekday,
                        starts=datetime.time(9),
                        ends=datetime.time(12),
                        quota=12,
                    )
        path = reverse("walkin:book", args=[HALL_CODE])
        self.stdout.write(f"Demo hall appointments: {path} (Sunday to Thursday, 9:00-12:00)")

    def _kiosk_link(self) -> None:
        """A one-time link that enrols the browser opening it as the demo hall's kiosk
        (mithaq.walkin.kiosk; it works only where MITHAQ_KIOSK_ENROL_LINKS, the development
        settings). A new one each run, the unspent ones before it dropped; `make run` prints
        it from DEMO_KIOSK_LINK."""
        hall = Hall.objects.get(code=HALL_CODE)
        KioskDevice.objects.filter(hall=hall).exclude(enrol_token="").delete()
        device = KioskDevice.objects.create(
            hall=hall, label="Demo kiosk", enrol_token=secrets.token_urlsafe(16)
        )
        path = reverse("walkin:kiosk_enrol_link", args=[HALL_CODE, device.enrol_token])
        DEMO_KIOSK_LINK.parent.mkdir(parents=True, exist_ok=True)
        DEMO_KIOSK_LINK.write_text(path + "\n")
        self.stdout.write(f"Demo kiosk link (enrols the browser that opens it, once): {path}")

    def _load(self) -> None:
        unit = OrgUnit.objects.filter(code=UNIT).first()
        if unit is None:
            raise CommandError("Run load_demo first: the hall belongs to its registrar.")
        with transaction.atomic():
            hall = self._hall(unit)
        self._play_morning(hall, now=timezone.now())
        waiting = Ticket.objects.filter(hall=hall, state=TicketState.WAITING).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo hall loaded: /hall/{HALL_CODE}/kiosk/ (kiosk), /hall/{HALL_CODE}/desk/ "
                f"(staff), {Ticket.objects.filter(hall=hall).count()} tickets today, "
                f"{waiting} waiting."
            )
        )

    def _hall(self, unit) -> Hall:
        hall = Hall.objects.create(
            unit=unit,
            code=HALL_CODE,
            name_ar="قاعة مراجعي التسجيل",
            name_en="Registration visitors' hall",
            # The demo opens at any hour; a real hall keeps the working calendar's hours.
            hours_from_calendar=False,
            recalls_before_no_show=2,
            notify_when_ahead=3,
        )
        by_letter = {}
        for position, (code, letter, target) in enumerate(HALL_SERVICES, start=1):
            service = Service.objects.get(code=code)
            by_letter[letter] = HallService.objects.create(
                hall=hall,
                service=service,
                letter=letter,
                target_wait_minutes=target,
                position=position,
            )
        for number, (letters, priority) in WINDOWS.items():
            counter = Counter.objects.create(hall=hall, number=number, is_priority=priority)
            counter.services.set([by_letter[letter] for letter in letters])
        return hall

    def _play_morning(self, hall: Hall, *, now: datetime.datetime) -> None:
        """Two and a half hours of a morning, ending now: tickets every few minutes, three
        windows calling and serving, a few no-shows, ratings; some left waiting and at a
        window."""
        rng = random.Random(17)  # noqa: S311 - demo data, not security
        users = get_user_model().objects.in_bulk(
            ["registrar", "reception", "manager"], field_name="username"
        )
        if len(users) < 3:
            raise CommandError("Run load_demo first: it makes the registrar's accounts.")
        start = now - datetime.timedelta(minutes=150)
        windows = {
            1: (Counter.objects.get(hall=hall, number=1), users["registrar"]),
            3: (Counter.objects.get(hall=hall, number=3), users["reception"]),
            4: (Counter.objects.get(hall=hall, number=4), users["manager"]),
        }
        for counter, user in windows.values():
            services.open_counter(counter=counter, actor=user, now=start)
        hall_services = list(hall.services.all())
        arrivals = []
        minute = 0.0
        while minute < 148:
            minute += rng.uniform(0.9, 3.2)
            arrivals.append(start + datetime.timedelta(minutes=minute))
        arrivals = [a for a in arrivals if a < now]
        free_at = dict.fromkeys(windows, start)
        busy: dict[int, Ticket | None] = dict.fromkeys(windows)
        events = [(a, "arrive") for a in arrivals]
        events.sort()
        clock = start
        for moment, _kind in events + [(now, "end")]:
            # Windows finish and call while time moves up to the next arrival.
            while True:
                number = min(free_at, key=free_at.__getitem__)
                when = free_at[number]
                if when >= moment:
                    break
                counter, user = windows[number]
                current = busy[number]
                if current is not None:
                    self._finish(current, user, counter, when, rng)
                    busy[number] = None
                ticket = services.call_next_ticket(counter=counter, actor=user, now=when)
                if ticket is None:
                    free_at[number] = when + datetime.timedelta(minutes=2)
                    continue
                busy[number] = ticket
                free_at[number] = when + datetime.timedelta(minutes=rng.uniform(4, 12))
            clock = moment
            if _kind == "arrive":
                service = rng.choices(hall_services, weights=[5, 3, 4, 2])[0]
                services.issue_ticket(
                    hall=hall,
                    hall_service=service,
                    is_priority=rng.random() < 0.15,
                    phone=rng.choice(PHONES),
                    now=clock,
                )
        # Window 4 closes for the end of the morning (its ticket finished first).
        counter, user = windows[4]
        if busy[4] is not None:
            self._finish(busy[4], user, counter, now - datetime.timedelta(minutes=1), rng)
        services.close_counter(counter=counter, actor=user, now=now)

    def _finish(self, ticket, user, counter, when, rng) -> None:
        if rng.random() < 0.08:
            for k in range(ticket.hall.recalls_before_no_show):
                services.recall_ticket(
                    ticket=ticket, actor=user, now=when - datetime.timedelta(seconds=30 * (2 - k))
                )
            services.mark_no_show(ticket=ticket, actor=user, now=when)
            return
        outcome = rng.choices(list(Outcome), weights=[8, 1, 1])[0]
        services.finish_ticket(ticket=ticket, actor=user, outcome=outcome, now=when)
        if rng.random() < 0.6:
            face = rng.choices(list(Face), weights=[7, 2, 1])[0]
            services.rate_visit(ticket=ticket, face=face, on_tablet=True, now=when)
