"""Interview requests to an official, their history, and the meeting's decisions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mithaq.catalog.vocab import Channel
from mithaq.common.crypto import (
    EncryptedCharField,
    HashedModel,
    HashedQuerySet,
    HashKind,
    SearchHashField,
)

from .states import EventKind, RequestState


class InterviewRequestQuerySet(HashedQuerySet):
    def on_day(self, start, end):
        """The scheduled interviews whose slot starts in [start, end)."""
        return self.filter(booking__starts_at__gte=start, booking__starts_at__lt=end).exclude(
            state__in=[RequestState.CANCELLED, RequestState.DECLINED, RequestState.REFERRED]
        )


class InterviewRequest(HashedModel, models.Model):
    """A citizen's request to meet an official (the standard interview form, استمارة
    المقابلة). Tracked like a case: its reference and the phone or email given."""

    code = models.CharField(_("reference"), max_length=9, unique=True)
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="interview_requests",
        verbose_name=_("official"),
    )
    unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="interview_requests"
    )
    subject = models.CharField(_("subject"), max_length=200)
    summary = models.TextField(_("summary"))
    earlier_references = models.CharField(_("earlier cases"), max_length=200, blank=True)
    preferred_days = models.CharField(_("preferred days"), max_length=200, blank=True)
    citizen_name = models.CharField(_("name"), max_length=150)
    # Encrypted at rest, found by its keyed hash (mithaq.common.crypto).
    citizen_phone = EncryptedCharField(_("phone"), max_length=20)
    citizen_phone_hash = SearchHashField(source="citizen_phone", kind=HashKind.PHONE)
    citizen_email = models.EmailField(_("email"), blank=True)
    citizen_language = models.CharField(max_length=8, default="ar")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=12, choices=RequestState.choices, default=RequestState.REQUESTED
    )
    booking = models.OneToOneField(
        "scheduling.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interview",
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
    )
    decline_reason = models.TextField(_("reason"), blank=True)
    # The meeting, once held (services.record_meeting).
    attendees = models.TextField(_("who attended"), blank=True)
    asked = models.TextField(_("what was asked"), blank=True)
    said = models.TextField(_("what was said"), blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = InterviewRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("interview request")
        verbose_name_plural = _("interview requests")
        indexes = [
            models.Index(fields=["state", "-created_at"], name="interview_state"),
            models.Index(fields=["citizen_phone_hash"], name="interview_phone_hash"),
        ]

    def __str__(self):
        return self.code


class InterviewEvent(models.Model):
    """One change to a request, written in the change's transaction."""

    request = models.ForeignKey(InterviewRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("interview event")
        verbose_name_plural = _("interview events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.request} {self.kind}"


class Decision(models.Model):
    """A decision taken in the meeting: a follow-up action with an owner unit and a due
    date, opened as a case (with its clocks) through mithaq.cases.services."""

    request = models.ForeignKey(
        InterviewRequest, on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.TextField(_("decision"))
    unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner unit")
    )
    due_date = models.DateField(_("due date"))
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return self.text[:60]


class MonthlyRecord(models.Model):
    """An official's interviews of one month (seed 004 items 12, 13), kept by the official's
    office: those booked through Mithaq are read from the requests; those held otherwise
    are written here after the fact (RecordedInterview). Submitted once complete."""

    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="interview_records",
        verbose_name=_("official"),
    )
    unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # its first day
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly interview record")
        verbose_name_plural = _("monthly interview records")
        constraints = [
            models.UniqueConstraint(
                fields=["official", "unit", "month"], name="interview_record_month"
            )
        ]

    def __str__(self):
        return f"{self.official} {self.month:%Y-%m}"


class RecordedInterview(models.Model):
    """An interview held without a booking in Mithaq, recorded after the fact."""

    record = models.ForeignKey(MonthlyRecord, on_delete=models.CASCADE, related_name="entries")
    held_on = models.DateField(_("held on"))
    citizen_name = models.CharField(_("citizen"), max_length=150)
    subject = models.CharField(_("subject"), max_length=200)
    outcome = models.TextField(_("outcome"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("recorded interview")
        verbose_name_plural = _("recorded interviews")

    def __str__(self):
        return f"{self.held_on} {self.subject}"


from .models_visits import ChecklistItem, ChecklistTemplate, Finding, Visit, VisitScore  # noqa: E402, F401
