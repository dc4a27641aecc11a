"""Survey answers after a closed case or a hall visit, and the follow-up list of low ones."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .states import Resolved, Via


class SurveyAnswer(models.Model):
    """One answer per case or per hall ticket, changeable for a while (services).

    Where it belongs (unit, service, channel, kind, person) is copied from the case or the
    ticket when it is answered, so the figures group a year of answers without reading the
    cases. No name, phone or address of the citizen is kept here."""

    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_answer",
    )
    ticket = models.OneToOneField(
        "walkin.Ticket",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_answer",
    )
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"))
    effort = models.PositiveSmallIntegerField(_("ease"))
    resolved = models.CharField(_("resolved"), max_length=8, choices=Resolved.choices)
    comment = models.TextField(_("comment"), blank=True)
    comment_hidden = models.BooleanField(_("comment hidden"), default=False)
    acted_on_at = models.DateTimeField(_("acted on"), null=True, blank=True)
    acted_on_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    via = models.CharField(max_length=8, choices=Via.choices, default=Via.LINK)

    unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    service = models.ForeignKey(
        "catalog.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    channel = models.CharField(_("channel"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20, blank=True)
    # Whose work was answered on (the case's assignee): their own figures, shown to them alone.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"))
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-answered_at", "-id"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, ticket__isnull=True)
                | Q(case__isnull=True, ticket__isnull=False),
                name="survey_answer_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=5),
                name="survey_satisfaction_1_5",
            ),
            models.CheckConstraint(
                condition=Q(effort__gte=1, effort__lte=5), name="survey_effort_1_5"
            ),
        ]
        indexes = [
            models.Index(fields=["answered_at"], name="survey_answered_at"),
            models.Index(fields=["unit", "answered_at"], name="survey_unit_answered"),
            models.Index(fields=["person", "answered_at"], name="survey_person_answered"),
        ]

    def __str__(self):
        return f"{self.case_id or self.ticket_id} {self.satisfaction}/{self.effort}/{self.resolved}"


class FollowUp(models.Model):
    """A low answer (a score of 1 or 2, or "not resolved") on the office's follow-up list."""

    answer = models.OneToOneField(SurveyAnswer, on_delete=models.CASCADE, related_name="follow_up")
    unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self):
        return f"{self.answer_id} {self.created_at:%Y-%m-%d}"


class OutcomeStage(models.TextChoices):
    """What became of an accepted suggestion, in this order (issue 15)."""

    ADOPTED = "adopted", _("Adopted")
    IN_PROGRESS = "in_progress", _("In progress")
    IMPLEMENTED = "implemented", _("Implemented")


STAGE_ORDER = [OutcomeStage.ADOPTED, OutcomeStage.IN_PROGRESS, OutcomeStage.IMPLEMENTED]


class SuggestionOutcome(models.Model):
    """An accepted suggestion followed to the end: what the citizen said, told in public
    words the office writes (never the case's own text, which may name people), and where it
    stands. The public page "you said, we did" lists the implemented ones."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="suggestion_outcome"
    )
    said_ar = models.TextField(_("the suggestion, in public words (Arabic)"))
    said_en = models.TextField(_("the suggestion, in public words (English)"), blank=True)
    stage = models.CharField(_("stage"), max_length=12, choices=OutcomeStage.choices)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("suggestion's outcome")
        verbose_name_plural = _("suggestions' outcomes")
        indexes = [models.Index(fields=["stage", "updated_at"], name="outcome_stage_updated")]

    def __str__(self):
        return f"{self.case_id} {self.stage}"


class OutcomeStep(models.Model):
    """One stage reached, with its public note."""

    outcome = models.ForeignKey(SuggestionOutcome, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField(_("stage"), max_length=12, choices=OutcomeStage.choices)
    note_ar = models.TextField(_("public note (Arabic)"))
    note_en = models.TextField(_("public note (English)"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("suggestion's step")
        verbose_name_plural = _("suggestions' steps")
        constraints = [
            models.UniqueConstraint(fields=["outcome", "stage"], name="outcome_step_once"),
        ]

    def __str__(self):
        return f"{self.outcome_id} {self.stage}"


class MonthlyFigures(models.Model):
    """The answers of one month (in the site's time zone) on one unit summed by one
    dimension: `by` "service" rows by service (and "no service"), "channel" rows by channel,
    "kind" rows by kind; each answer is counted once in each. What the results page reads
    for the whole months of its period (the days at either end are read from the answers).
    Kept by a PostgreSQL trigger on SurveyAnswer (migration 0003): every insert, update and
    delete, bulk ones and cascades included, in the same transaction. Not kept on SQLite,
    where the page reads the answers (docs/decisions/0015-satisfaction-figures.md)."""

    month = models.DateField()  # its first day
    unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    by = models.CharField(max_length=8)
    service = models.ForeignKey(
        "catalog.Service",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    channel = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=20, blank=True)
    n = models.IntegerField(default=0)
    n_satisfied = models.IntegerField(default=0)
    sum_effort = models.IntegerField(default=0)
    n_resolved = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("monthly satisfaction figures")
        verbose_name_plural = _("monthly satisfaction figures")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "by", "unit", "service", "channel", "kind"],
                name="survey_monthly_one_row",
                nulls_distinct=False,
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.unit_id} {self.by} {self.n}"
