"""The slot engine's rows: a schedule (an official's interviews, or a hall service), its
weekly hours with a quota, its one-off closures, and the bookings made into its slots."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Schedule(models.Model):
    """Whose time is booked: an official (someone holding the official role on `unit`)."""

    unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="schedules")
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schedules",
        verbose_name=_("official"),
    )
    name = models.CharField(_("name"), max_length=150)
    is_active = models.BooleanField(pgettext_lazy("schedule", "active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")

    def __str__(self):
        return self.name


class WeeklyHours(models.Model):
    """One weekly window, e.g. Tuesdays 10:00-12:00 for six interviews: the window is cut
    into `quota` equal slots of one booking each, so the quota holds by construction."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(
        _("day"),
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("to"))
    quota = models.PositiveSmallIntegerField(_("bookings"))

    class Meta:
        ordering = ["weekday", "starts"]
        verbose_name = _("weekly hours")
        verbose_name_plural = _("weekly hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=models.F("starts")), name="weekly_hours_order"
            ),
            models.CheckConstraint(condition=Q(quota__gte=1), name="weekly_hours_quota"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M} ({self.quota})"


class Closure(models.Model):
    """A one-off closure of a schedule (the official travels), whole days."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="closures")
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["first_day"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")

    def __str__(self):
        return f"{self.first_day} - {self.last_day}"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")


class Booking(models.Model):
    """One slot taken. A slot is held by at most one booked row: the partial unique
    constraint says so even if the row lock of services.book_slot were bypassed."""

    schedule = models.ForeignKey(Schedule, on_delete=models.PROTECT, related_name="bookings")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(
        _("status"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    # Moves and cancellations asked for by the citizen (services.MAX_CHANGES).
    changes = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "starts_at"],
                condition=Q(status="booked"),
                name="booking_one_per_slot",
            )
        ]
        indexes = [models.Index(fields=["schedule", "starts_at"], name="booking_schedule_time")]

    def __str__(self):
        return f"{self.schedule} {self.starts_at:%Y-%m-%d %H:%M}"
