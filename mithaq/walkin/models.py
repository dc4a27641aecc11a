"""The walk-in hall: halls, the services each serves, counters (windows), the daily ticket
sequence, tickets, calls, ratings and the hall's history."""

import datetime
import ipaddress
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from mithaq.common.crypto import (
    EncryptedCharField,
    HashedModel,
    HashedQuerySet,
    HashKind,
    SearchHashField,
)

from .states import Face, HallBookingState, HallEventKind, IssuedAt, Outcome, TicketState


def _localized(obj) -> str:
    return obj.name_ar if (get_language() or "ar").startswith("ar") else obj.name_en


def new_ticket_token() -> str:
    # The live page's address: unguessable, and carries nothing about the visitor.
    return secrets.token_urlsafe(18)


def parse_networks(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The networks of a hall's kiosk_networks (one per line or comma-separated)."""
    parts = (part.strip() for line in text.splitlines() for part in line.split(","))
    return [ipaddress.ip_network(part, strict=False) for part in parts if part]


def validate_networks(text: str) -> None:
    try:
        parse_networks(text)
    except ValueError as exc:
        raise ValidationError(
            _("Write address ranges such as 10.20.30.0/24, one per line."), code="invalid"
        ) from exc


def new_device_key() -> str:
    return secrets.token_urlsafe(24)


class HallQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, unit__is_active=True)


class Hall(models.Model):
    """A waiting hall with its kiosk, display and windows. A centre may have several."""

    unit = models.ForeignKey(
        "accounts.OrgUnit",
        on_delete=models.PROTECT,
        related_name="halls",
        verbose_name=_("unit"),
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("Empty: the institution's time zone. Ticket numbers restart at its midnight."),
    )
    # Off by default: a hall set up without hours takes tickets at any hour, as it did
    # before the working calendar existed; ticking it makes the kiosk keep the calendar.
    hours_from_calendar = models.BooleanField(
        _("open in the institution's working hours"),
        default=False,
        help_text=_("The kiosk follows the working calendar; otherwise the times below."),
    )
    opens_at = models.TimeField(
        _("opens at"),
        null=True,
        blank=True,
        help_text=_("Used when the hall does not follow the working calendar. Empty: always."),
    )
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    recalls_before_no_show = models.PositiveSmallIntegerField(
        _("calls again before a no-show"),
        default=2,
        help_text=_("How many times a ticket is called again before it may be marked absent."),
    )
    notify_when_ahead = models.PositiveSmallIntegerField(
        _("send “your turn is near” when this many are ahead"), default=3
    )
    is_active = models.BooleanField(pgettext_lazy("hall", "active"), default=True)
    # Booked appointments (HallBooking): a booked ticket waits as if taken this many minutes
    # before its time, so it is called at its time ahead of the walk-ins who came after;
    # not checked in by this many minutes after its time, the booking is a no-show.
    booking_window_minutes = models.PositiveSmallIntegerField(
        _("booked visitors' window (minutes)"),
        default=15,
        help_text=_(
            "A booked visitor checked in at the kiosk goes ahead of walk-ins who came less "
            "than this many minutes before the appointment; one who has not checked in this "
            "many minutes after it is recorded as absent and the time is freed."
        ),
    )
    # Where a tap on the kiosk may come from, besides an enrolled browser (KioskDevice).
    kiosk_networks = models.TextField(
        _("kiosk networks"),
        blank=True,
        validators=[validate_networks],
        help_text=_(
            "The address ranges this hall's kiosks use, one per line (e.g. 10.20.30.0/24). "
            "A tap from one of them, or from an enrolled browser, takes a ticket; "
            "any other is refused."
        ),
    )

    objects = HallQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("hall")
        verbose_name_plural = _("halls")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return _localized(self)

    @property
    def tzinfo(self) -> datetime.tzinfo:
        return zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)

    def local_day(self, moment: datetime.datetime) -> datetime.date:
        return moment.astimezone(self.tzinfo).date()


class HallService(models.Model):
    """A service of the catalogue as this hall serves it: its ticket letter and target wait."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="services")
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    letter = models.CharField(
        _("ticket letter"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{1,2}$", _("One or two capital Latin letters."))],
    )
    target_wait_minutes = models.PositiveSmallIntegerField(_("target wait (minutes)"), default=15)
    position = models.PositiveSmallIntegerField(_("order on the kiosk"), default=0)
    is_active = models.BooleanField(pgettext_lazy("hall service", "active"), default=True)
    # The service's appointment hours on the slot engine (mithaq.scheduling); none: walk-in only.
    schedule = models.OneToOneField(
        "scheduling.Schedule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hall_service",
        editable=False,
    )

    class Meta:
        ordering = ["hall", "position", "letter"]
        verbose_name = _("hall service")
        verbose_name_plural = _("hall services")
        constraints = [
            models.UniqueConstraint(fields=["hall", "letter"], name="hallservice_letter_unique"),
            models.UniqueConstraint(fields=["hall", "service"], name="hallservice_service_unique"),
        ]

    def __str__(self):
        return f"{self.letter} · {self.service}"

    @property
    def target_wait(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.target_wait_minutes)


class Counter(models.Model):
    """A window of the hall, the services it takes, and who has it open now."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="counters")
    number = models.PositiveSmallIntegerField(_("window number"))
    services = models.ManyToManyField(
        HallService, related_name="counters", verbose_name=_("services it takes")
    )
    is_priority = models.BooleanField(
        _("window for the elderly and people with special needs"), default=False
    )
    is_active = models.BooleanField(pgettext_lazy("window", "active"), default=True)
    # Set by open_counter / close_counter only.
    is_open = models.BooleanField(_("open"), default=False, editable=False)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("officer"),
    )
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["hall", "number"]
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        constraints = [
            models.UniqueConstraint(fields=["hall", "number"], name="counter_number_unique"),
        ]

    def __str__(self):
        return f"{self.hall.code} #{self.number}"


class DailySequence(models.Model):
    """The last number issued for one service of one hall on one local day. Incremented in
    the same transaction as the ticket's insert, so numbers have neither gaps nor twins."""

    hall_service = models.ForeignKey(HallService, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily ticket sequence")
        verbose_name_plural = _("daily ticket sequences")
        constraints = [
            models.UniqueConstraint(fields=["hall_service", "day"], name="dailyseq_unique"),
        ]

    def __str__(self):
        return f"{self.hall_service_id} {self.day} {self.last}"


class TicketQuerySet(HashedQuerySet):
    def waiting(self):
        return self.filter(state=TicketState.WAITING)

    def in_line_order(self):
        # The ticket's place is its original issue time, kept across transfers.
        return self.order_by("queued_at", "id")


class Ticket(HashedModel, models.Model):
    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="tickets")
    hall_service = models.ForeignKey(
        HallService, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("service")
    )
    # The service it was issued for: numbering is per issued service, even after a transfer.
    issued_service = models.ForeignKey(HallService, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    number = models.PositiveIntegerField(_("number"))
    code = models.CharField(_("ticket"), max_length=8)
    is_priority = models.BooleanField(_("elderly or special needs"), default=False)
    # Encrypted at rest, found by its keyed hash (mithaq.common.crypto).
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True)
    phone_hash = SearchHashField(source="phone", kind=HashKind.PHONE)
    language = models.CharField(_("language"), max_length=8, default="ar")
    issued_via = models.CharField(max_length=12, choices=IssuedAt.choices, default=IssuedAt.KIOSK)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    token = models.CharField(max_length=32, unique=True, default=new_ticket_token, editable=False)
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    state = models.CharField(
        _("state"), max_length=12, choices=TicketState.choices, default=TicketState.WAITING
    )
    issued_at = models.DateTimeField(_("issued at"))
    queued_at = models.DateTimeField()
    # Set on transfer to a window: only that window calls it.
    target_counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    counter = models.ForeignKey(
        Counter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("window"),
    )
    first_called_at = models.DateTimeField(null=True, blank=True)
    called_at = models.DateTimeField(null=True, blank=True)
    recall_count = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hall_tickets",
        verbose_name=_("case"),
    )
    near_notified_at = models.DateTimeField(null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "issued_service", "day", "number"], name="ticket_number_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["phone_hash"], name="ticket_phone_hash"),
            models.Index(
                fields=["hall_service", "queued_at", "id"],
                condition=Q(state="waiting"),
                name="ticket_waiting_line",
            ),
            # Call next walks one of these two in order and stops at the first ticket the
            # window may take: the line, or the line with priority tickets first.
            models.Index(
                fields=["hall", "queued_at", "id"],
                condition=Q(state="waiting"),
                name="ticket_waiting_hall",
            ),
            models.Index(
                fields=["hall", "-is_priority", "queued_at", "id"],
                condition=Q(state="waiting"),
                name="ticket_waiting_priority",
            ),
            models.Index(fields=["hall", "day", "state"], name="ticket_hall_day_state"),
            models.Index(fields=["counter", "state"], name="ticket_counter_state"),
        ]

    def __str__(self):
        return self.code

    @property
    def is_active(self) -> bool:
        return self.state in (TicketState.WAITING, TicketState.CALLED, TicketState.PARKED)


class Call(models.Model):
    """Each time a ticket is called to a window, the display's “last calls”."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="calls")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="calls")
    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="calls")
    at = models.DateTimeField()
    is_recall = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["hall", "-at", "-id"], name="call_hall_at")]

    def __str__(self):
        return f"{self.ticket_id} → {self.counter_id}"


class Rating(models.Model):
    """The visitor's three-face answer after the visit, once per ticket."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="rating")
    hall_service = models.ForeignKey(HallService, on_delete=models.PROTECT, related_name="+")
    counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    face = models.CharField(_("rating"), max_length=10, choices=Face.choices)
    at = models.DateTimeField()
    on_tablet = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("visit rating")
        verbose_name_plural = _("visit ratings")

    def __str__(self):
        return f"{self.ticket_id} {self.face}"


class HallEvent(models.Model):
    """One line of the hall's history: who did what to which ticket or window, and when."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="events")
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("event"), max_length=20, choices=HallEventKind.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    from_state = models.CharField(max_length=12, choices=TicketState.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=TicketState.choices, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("hall event")
        verbose_name_plural = _("hall events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["hall", "at"], name="hallevent_hall_at")]

    def __str__(self):
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class KioskDeviceQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True)


class KioskDevice(models.Model):
    """A browser a supervisor enrolled as one of the hall's device screens: a kiosk (no
    `counter`), or the rating tablet of one window (`counter`), which then needs no staff
    session. It holds a signed cookie naming `key` (mithaq.walkin.kiosk). Revoked, the cookie
    opens nothing. `enrol_token` is a one-time link that enrols the browser opening it (the
    demo's, printed by `make run`)."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="kiosk_devices")
    counter = models.ForeignKey(
        Counter,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tablets",
        verbose_name=_("window of the rating tablet"),
    )
    label = models.CharField(_("label"), max_length=100)
    key = models.CharField(max_length=64, unique=True, default=new_device_key, editable=False)
    enrol_token = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolled by"),
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = KioskDeviceQuerySet.as_manager()

    class Meta:
        ordering = ["hall", "-enrolled_at"]
        verbose_name = _("kiosk device")
        verbose_name_plural = _("kiosk devices")

    def __str__(self):
        return self.label


class DisplayStreamSlot(models.Model):
    """One open display stream of a client address, for the cap across processes when there
    is no Redis (mithaq.walkin.slots). The address is kept as a keyed hash; the row lapses at
    `expires_at` unless its stream's heartbeat pushes that on (a killed process's rows)."""

    address_key = models.CharField(max_length=64)
    token = models.CharField(max_length=32, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("display stream slot")
        verbose_name_plural = _("display stream slots")
        indexes = [models.Index(fields=["address_key", "expires_at"], name="streamslot_addr")]

    def __str__(self):
        return self.token


def new_booking_code() -> str:
    # Typed on the kiosk's keypad: eight digits, unguessable enough for a day's check-in.
    return f"{secrets.randbelow(10**8):08d}"


class HallBooking(HashedModel, models.Model):
    """A time booked online for one service of a hall: the slot is a scheduling.Booking of
    the service's schedule (row-locked there); this row holds the visitor's side: the code
    typed at the kiosk, the link to move or cancel, the phone, and what became of it."""

    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="bookings")
    hall_service = models.ForeignKey(
        HallService, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("service")
    )
    booking = models.OneToOneField(
        "scheduling.Booking", on_delete=models.PROTECT, related_name="hall_booking"
    )
    code = models.CharField(_("booking code"), max_length=8, unique=True)
    token = models.CharField(max_length=32, unique=True, default=new_ticket_token, editable=False)
    phone = EncryptedCharField(_("phone"), max_length=20)
    phone_hash = SearchHashField(source="phone", kind=HashKind.PHONE)
    language = models.CharField(_("language"), max_length=8, default="ar")
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=HallBookingState.choices,
        default=HallBookingState.BOOKED,
    )
    ticket = models.OneToOneField(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="hall_booking"
    )
    created_at = models.DateTimeField()
    # When it was checked in, cancelled or recorded absent.
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = HashedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("hall appointment")
        verbose_name_plural = _("hall appointments")
        indexes = [
            models.Index(fields=["hall", "state"], name="hallbooking_hall_state"),
            models.Index(fields=["phone_hash"], name="hallbooking_phone_hash"),
        ]

    def __str__(self):
        return self.code
