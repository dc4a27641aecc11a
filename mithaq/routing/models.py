"""The charter's clocks: working calendars, commitments, escalation steps and case clocks."""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from mithaq.catalog.vocab import Channel, CitizenGroup, Kind


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Asia/Baghdad."),
            params={"value": value},
            code="time_zone",
        ) from None


def default_time_zone() -> str:
    return settings.TIME_ZONE


class Weekday(models.IntegerChoices):
    # Python's numbering (Monday=0), so that date.weekday() indexes it directly.
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


# The week as the region reads it, from Saturday.
WEEK_ORDER = [5, 6, 0, 1, 2, 3, 4]


class WorkingCalendar(models.Model):
    """An institution's working week, its special hours and its holidays. One is active."""

    name = models.CharField(_("name"), max_length=120)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text=_("An IANA name, such as Asia/Baghdad, Africa/Cairo or Asia/Riyadh."),
    )
    is_active = models.BooleanField(pgettext_lazy("working calendar", "active"), default=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        ordering = ["-is_active", "name"]
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_calendar"
            )
        ]

    def __str__(self):
        return self.name


class WorkingHours(models.Model):
    """The hours of one weekday. A weekday without hours is part of the weekend."""

    calendar = models.ForeignKey(WorkingCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["calendar", "weekday"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "weekday"], name="hours_one_per_day"),
            models.CheckConstraint(condition=Q(closes__gt=models.F("opens")), name="hours_order"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class HoursOverride(models.Model):
    """Other hours on the working days of a date range, such as shorter hours in Ramadan."""

    calendar = models.ForeignKey(
        WorkingCalendar, on_delete=models.CASCADE, related_name="overrides"
    )
    name = models.CharField(_("name"), max_length=120)
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["calendar", "first_day"]
        verbose_name = _("special hours")
        verbose_name_plural = _("special hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="override_range"
            ),
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")), name="override_hours_order"
            ),
        ]

    def __str__(self):
        return self.name


class AnnualHoliday(models.Model):
    """A public holiday on the same Gregorian date every year."""

    calendar = models.ForeignKey(
        WorkingCalendar, on_delete=models.CASCADE, related_name="annual_holidays"
    )
    month = models.PositiveSmallIntegerField(
        _("month"), choices=[(m, str(m)) for m in range(1, 13)]
    )
    day = models.PositiveSmallIntegerField(_("day"), choices=[(d, str(d)) for d in range(1, 32)])
    name_ar = models.CharField(_("name in Arabic"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)

    class Meta:
        ordering = ["calendar", "month", "day"]
        verbose_name = _("annual holiday")
        verbose_name_plural = _("annual holidays")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "month", "day"], name="annual_unique")
        ]

    def __str__(self):
        return f"{self.day}/{self.month} {self.name}"

    @property
    def name(self) -> str:
        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_en

    def clean(self):
        try:
            datetime.date(2024, self.month, self.day)  # a leap year: 29 February is allowed
        except (TypeError, ValueError):
            raise ValidationError(_("This day does not exist in that month.")) from None


class Holiday(models.Model):
    """One day off on a given date: a Hijri feast computed for the year (correctable by hand
    when the moon is sighted a day earlier or later), or a one-off holiday."""

    calendar = models.ForeignKey(WorkingCalendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name_ar = models.CharField(_("name in Arabic"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)
    # "eid_al_fitr:1447:10:1" for a computed Hijri day; blank for a one-off holiday.
    hijri_key = models.CharField(max_length=40, blank=True, editable=False)
    computed_date = models.DateField(_("computed date"), null=True, blank=True, editable=False)
    corrected = models.BooleanField(
        _("corrected by hand"),
        default=False,
        help_text=_("A corrected date is kept when the year's Hijri holidays are generated again."),
    )

    class Meta:
        ordering = ["calendar", "date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "hijri_key"],
                condition=~Q(hijri_key=""),
                name="holiday_hijri_key_unique",
            )
        ]
        indexes = [models.Index(fields=["calendar", "date"], name="holiday_calendar_date")]

    def __str__(self):
        return f"{self.date} {self.name}"

    @property
    def name(self) -> str:
        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_en


class Target(models.TextChoices):
    """What the charter promises, in the order a case meets them."""

    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    FIRST_REPLY = "first_reply", _("First reply")
    DECISION = "decision", _("Decision")
    RESOLUTION = "resolution", _("Resolution")


TARGET_ORDER: list[str] = list(Target)


class DurationUnit(models.TextChoices):
    HOURS = "hours", _("working hours")
    DAYS = "days", _("working days")


class Commitment(models.Model):
    """A charter target: how long a case may take to reach it. The most specific row wins:
    urgent cases' rows first, then a service's, then a kind's, then the rows for every kind."""

    target = models.CharField(_("target"), max_length=20, choices=Target.choices)
    kind = models.CharField(
        _("kind of case"),
        max_length=20,
        choices=Kind.choices,
        blank=True,
        help_text=_("Leave empty for every kind."),
    )
    service = models.ForeignKey(
        "catalog.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("service"),
        help_text=_("A service's commitment overrides its kind's."),
    )
    urgent = models.BooleanField(_("urgent distress appeals"), default=False)
    amount = models.PositiveSmallIntegerField(_("within"))
    unit = models.CharField(
        _("unit"), max_length=10, choices=DurationUnit.choices, default=DurationUnit.DAYS
    )

    class Meta:
        ordering = ["-urgent", "service", "kind", "target"]
        verbose_name = _("charter commitment")
        verbose_name_plural = _("charter commitments")
        constraints = [
            models.UniqueConstraint(
                fields=["target", "kind", "service", "urgent"],
                name="commitment_unique",
            ),
            models.CheckConstraint(condition=Q(amount__gte=1), name="commitment_positive"),
        ]

    def __str__(self):
        return f"{self.get_target_display()}: {self.duration}"

    @property
    def duration(self) -> str:
        """ "3 working days": the noun agrees with the number (Arabic has six forms)."""
        if self.unit == DurationUnit.DAYS:
            text = ngettext("%(n)s working day", "%(n)s working days", self.amount)
        else:
            text = ngettext("%(n)s working hour", "%(n)s working hours", self.amount)
        return text % {"n": self.amount}


class Recipient(models.TextChoices):
    ASSIGNEE = "assignee", _("The assigned officer (a reminder)")
    UNIT_MANAGER = "unit_manager", _("The unit's manager")
    PARENT_MANAGER = "parent_manager", _("The manager of the unit above")
    OFFICE_MANAGER = "office_manager", _("The office manager")
    CITIZEN = "citizen", _("The citizen (an interim message with a new expected date)")


class EscalationStep(models.Model):
    """Who is told, and when, relative to a target's due moment (negative: before it)."""

    target = models.CharField(_("target"), max_length=20, choices=Target.choices)
    offset_hours = models.SmallIntegerField(
        _("working hours after the due moment"),
        help_text=_("Negative for a reminder before the due moment, 0 at the due moment."),
    )
    recipient = models.CharField(_("who"), max_length=20, choices=Recipient.choices)
    is_active = models.BooleanField(pgettext_lazy("escalation step", "active"), default=True)

    class Meta:
        ordering = ["target", "offset_hours", "id"]
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")

    def __str__(self):
        return f"{self.get_target_display()} {self.offset_hours:+d} {self.get_recipient_display()}"


class CaseClockQuerySet(models.QuerySet):
    def running(self):
        return self.filter(met_at__isnull=True, paused_at__isnull=True)


class CaseClock(models.Model):
    """One target of one case in one round (a reopened case starts a new round)."""

    # Found by clock_unique, which starts with it.
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="clocks", db_index=False
    )
    round = models.PositiveSmallIntegerField(default=1)
    target = models.CharField(_("target"), max_length=20, choices=Target.choices)
    started_at = models.DateTimeField(_("started"))
    due_at = models.DateTimeField(_("due"))
    # What the citizen is told: the due moment, or a later date given in an interim message.
    expected_at = models.DateTimeField(_("expected by"))
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    late_noticed_at = models.DateTimeField(null=True, blank=True)
    # How many of the target's escalation steps have been dealt with, and when the next fires.
    escalation_level = models.PositiveSmallIntegerField(default=0)
    next_alert_at = models.DateTimeField(null=True, blank=True)

    objects = CaseClockQuerySet.as_manager()

    class Meta:
        ordering = ["case", "round", "due_at"]
        verbose_name = _("case clock")
        verbose_name_plural = _("case clocks")
        constraints = [
            models.UniqueConstraint(fields=["case", "round", "target"], name="clock_unique")
        ]
        indexes = [
            models.Index(
                fields=["next_alert_at"],
                condition=Q(met_at__isnull=True, paused_at__isnull=True),
                name="clock_next_alert",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(met_at__isnull=True, paused_at__isnull=True, breached_at__isnull=True),
                name="clock_unbreached_due",
            ),
        ]

    def __str__(self):
        return f"{self.case_id} {self.target} {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_met(self) -> bool:
        return self.met_at is not None

    @property
    def met_in_time(self) -> bool:
        return self.met_at is not None and self.met_at <= self.due_at


class CaseDeadline(models.Model):
    """A case's next unmet target, one row per case, for the inbox to filter and sort on."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="deadline"
    )
    target = models.CharField(_("target"), max_length=20, choices=Target.choices, blank=True)
    # Null when every target is met or the clock is paused: such cases are never overdue.
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    paused = models.BooleanField(_("paused"), default=False)

    class Meta:
        verbose_name = _("case deadline")
        verbose_name_plural = _("case deadlines")

    def __str__(self):
        return f"{self.case_id} {self.target} {self.due_at}"


# The officer's workbench: routing rules, assignment within a unit, referrals, consultations.


class RoutingRule(models.Model):
    """Where a new case goes. The active rules are tried in order and the first whose every
    condition holds wins; a condition left empty holds for every case."""

    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveIntegerField(_("order"), default=0, db_index=True)
    is_active = models.BooleanField(pgettext_lazy("routing rule", "active"), default=True)
    service = models.ForeignKey(
        "catalog.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    kind = models.CharField(_("kind of case"), max_length=20, choices=Kind.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    citizen_group = models.CharField(
        _("citizen group"), max_length=20, choices=CitizenGroup.choices, blank=True
    )
    words = models.TextField(
        _("words"),
        blank=True,
        help_text=_(
            "One word or phrase a line; the rule holds if the subject or the text has any of "
            "them, however hamza, ta marbuta, alef maqsura and diacritics are written."
        ),
    )
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("send to unit"),
    )
    default_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assign to"),
    )
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self):
        return self.name

    def word_list(self) -> list[str]:
        return [w.strip() for w in self.words.splitlines() if w.strip()]


class AssignmentMode(models.TextChoices):
    MANUAL = "manual", _("Manual: a manager or officer assigns each case")
    ROUND_ROBIN = "round_robin", _("Round-robin: each officer in turn")
    LEAST_LOADED = "least_loaded", _("Least loaded: the officer with the fewest open cases")


class UnitAssignment(models.Model):
    """How a unit's new cases find an officer. A unit without a row assigns by hand."""

    unit = models.OneToOneField(
        "accounts.OrgUnit",
        on_delete=models.CASCADE,
        related_name="assignment_policy",
        verbose_name=_("unit"),
    )
    mode = models.CharField(
        _("assignment"),
        max_length=20,
        choices=AssignmentMode.choices,
        default=AssignmentMode.MANUAL,
    )
    # Round-robin's place in the turn: the officer who got the last case.
    last_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("unit assignment")
        verbose_name_plural = _("unit assignments")

    def __str__(self):
        return f"{self.unit_id} {self.mode}"


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the unit to accept")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned as not competent")
    PASSED_ON = "passed_on", _("Referred onward")


class Referral(models.Model):
    """A case sent from one unit to another, and what the receiving unit made of it."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    from_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    referred_at = models.DateTimeField(_("referred at"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    return_reason = models.TextField(_("why it was returned"), blank=True)
    # When a returned case was referred again. It leaves the office's returns list then, or
    # once someone deals with it otherwise (referrals.open_returns).
    rerouted_at = models.DateTimeField(_("routed again at"), null=True, blank=True)

    class Meta:
        ordering = ["-referred_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["case", "status"], name="referral_case_status"),
            models.Index(
                fields=["-decided_at"],
                condition=Q(status="returned", rerouted_at__isnull=True),
                name="referral_open_returns",
            ),
        ]

    def __str__(self):
        return f"{self.case_id} {self.from_unit_id}→{self.to_unit_id} {self.status}"


class Consultation(models.Model):
    """A unit asked for its opinion on a case it does not hold. Its officers and managers see
    that case, and only that one, until the opinion is given."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="consultations")
    unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit asked")
    )
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(_("asked at"))
    answer = models.TextField(_("opinion"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-asked_at", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [
            models.Index(
                fields=["unit", "case"],
                condition=Q(answered_at__isnull=True),
                name="consultation_open_unit",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "unit"],
                condition=Q(answered_at__isnull=True),
                name="consultation_one_open_per_unit",
            )
        ]

    def __str__(self):
        return f"{self.case_id} {self.unit_id}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None
