"""The services an institution offers, each served by a unit, and what each asks of the
applicant: documents, fees, steps, eligibility, in versions that take effect from a date."""

import datetime
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


def _arabic() -> bool:
    return (get_language() or "ar").startswith("ar")


class Bilingual:
    """Fields kept side by side as `<name>_ar` and `<name>_en`: `tr("name")` reads the one
    of the active language, the other when that one is empty."""

    def tr(self, field: str) -> str:
        first, second = ("ar", "en") if _arabic() else ("en", "ar")
        return getattr(self, f"{field}_{first}") or getattr(self, f"{field}_{second}")


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, unit__is_active=True)


class Service(Bilingual, models.Model):
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("serving unit"),
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    description_ar = models.TextField(_("description in Arabic"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    is_active = models.BooleanField(pgettext_lazy("service", "active"), default=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "name_ar"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_ar if _arabic() else self.name_en

    @property
    def description(self) -> str:
        return self.tr("description")

    def version_on(self, day: datetime.date | None = None) -> "ServiceVersion | None":
        """The version in effect on `day` (today by default): the latest that took effect on
        or before it; None before the first."""
        return self.versions_on(day).first()

    def versions_on(self, day: datetime.date | None = None) -> "models.QuerySet[ServiceVersion]":
        """The versions that took effect on or before `day` (today by default), the one in
        effect first."""
        day = day or timezone.localdate()
        return self.versions.filter(effective_from__lte=day).order_by("-effective_from")


class Currency(models.TextChoices):
    IQD = "IQD", _("Iraqi dinar")
    EGP = "EGP", _("Egyptian pound")
    SAR = "SAR", _("Saudi riyal")
    JOD = "JOD", _("Jordanian dinar")
    AED = "AED", _("UAE dirham")
    USD = "USD", _("US dollar")


class ServiceVersion(Bilingual, models.Model):
    """What the service asks and promises from `effective_from` on. A case keeps the version
    it was submitted under (cases.Case.service_version): a later version changes nothing for
    it."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="versions", verbose_name=_("service")
    )
    effective_from = models.DateField(_("effective from"))
    who_may_apply_ar = models.TextField(_("who may apply (Arabic)"), blank=True)
    who_may_apply_en = models.TextField(_("who may apply (English)"), blank=True)
    where_to_apply_ar = models.TextField(_("where and how to apply (Arabic)"), blank=True)
    where_to_apply_en = models.TextField(_("where and how to apply (English)"), blank=True)
    apply_online = models.BooleanField(_("can be applied for online"), default=True)
    apply_at_window = models.BooleanField(
        _("can be applied for at the hall's window"), default=True
    )
    apply_by_letter = models.BooleanField(_("can be applied for by letter"), default=False)
    min_days_before_decision = models.PositiveSmallIntegerField(
        _("minimum working days before a decision"),
        null=True,
        blank=True,
        help_text=_("A decision may not be taken earlier, unless the office manager overrides it."),
    )
    file_complete_starts_clock = models.BooleanField(
        _("the decision clock starts when the file is complete"),
        default=False,
        help_text=_("Otherwise it starts at submission, like every other case."),
    )
    declaration_ar = models.TextField(_("applicant's declaration (Arabic)"), blank=True)
    declaration_en = models.TextField(_("applicant's declaration (English)"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["service", "-effective_from"]
        verbose_name = _("service version")
        verbose_name_plural = _("service versions")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "effective_from"], name="service_version_unique_date"
            )
        ]

    def __str__(self):
        return f"{self.service} ({self.effective_from})"

    @property
    def who_may_apply(self) -> str:
        return self.tr("who_may_apply")

    @property
    def where_to_apply(self) -> str:
        return self.tr("where_to_apply")

    @property
    def declaration(self) -> str:
        return self.tr("declaration")

    @property
    def is_free(self) -> bool:
        """No fee, or only fees of zero."""
        return all(fee.amount == 0 for fee in self.fees.all())


class DocumentForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    ORIGINAL_AND_COPY = "original_and_copy", _("Original and a copy")
    CERTIFIED_COPY = "certified_copy", _("Certified copy")


class RequiredDocument(Bilingual, models.Model):
    version = models.ForeignKey(ServiceVersion, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    form = models.CharField(
        _("original or copy"),
        max_length=20,
        choices=DocumentForm.choices,
        default=DocumentForm.COPY,
    )
    count = models.PositiveSmallIntegerField(
        _("how many"), default=1, validators=[MinValueValidator(1)]
    )
    notes_ar = models.CharField(_("notes (Arabic)"), max_length=300, blank=True)
    notes_en = models.CharField(_("notes (English)"), max_length=300, blank=True)
    is_required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["version", "position", "id"]
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        constraints = [models.CheckConstraint(condition=Q(count__gte=1), name="document_count")]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.tr("name")

    @property
    def notes(self) -> str:
        return self.tr("notes")


class Fee(Bilingual, models.Model):
    """An amount in a currency: a Decimal, never a float. Zero reads "free"."""

    version = models.ForeignKey(ServiceVersion, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    label_ar = models.CharField(_("what it is for (Arabic)"), max_length=200)
    label_en = models.CharField(_("what it is for (English)"), max_length=200)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=3, validators=[MinValueValidator(Decimal(0))]
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.IQD
    )
    exemptions_ar = models.TextField(_("who is exempt (Arabic)"), blank=True)
    exemptions_en = models.TextField(_("who is exempt (English)"), blank=True)
    how_to_pay_ar = models.TextField(_("how to pay (Arabic)"), blank=True)
    how_to_pay_en = models.TextField(_("how to pay (English)"), blank=True)

    class Meta:
        ordering = ["version", "position", "id"]
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="fee_not_negative")]

    def __str__(self):
        return f"{self.label}: {self.amount} {self.currency}"

    @property
    def label(self) -> str:
        return self.tr("label")

    @property
    def exemptions(self) -> str:
        return self.tr("exemptions")

    @property
    def how_to_pay(self) -> str:
        return self.tr("how_to_pay")

    @property
    def is_free(self) -> bool:
        return self.amount == 0

    @property
    def amount_number(self) -> str:
        """25000.000 as "25,000", 12.500 as "12.5": grouped by thousands with a comma, no
        trailing zeros, the same in Arabic and English (Django's Arabic number format does
        not group, and a fee on a poster is read at a glance)."""
        amount = self.amount.normalize()
        if amount == amount.to_integral_value():
            return f"{amount.quantize(Decimal(1)):,}"
        return f"{amount:,f}"


class Actor(models.TextChoices):
    APPLICANT = "applicant", _("The applicant")
    WINDOW = "window", _("The hall's window")
    UNIT = "unit", _("The serving unit")
    OFFICE = "office", _("The citizens' affairs office")
    OTHER = "other", _("Another body")


class ServiceStep(Bilingual, models.Model):
    version = models.ForeignKey(ServiceVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    actor = models.CharField(_("who does it"), max_length=20, choices=Actor.choices)
    text_ar = models.TextField(_("step (Arabic)"))
    text_en = models.TextField(_("step (English)"))

    class Meta:
        ordering = ["version", "position", "id"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        return self.tr("text")


class ServiceQuestion(Bilingual, models.Model):
    """An eligibility question answered yes or no; the other answer refuses the application
    before anything is sent, with why and what to do instead."""

    version = models.ForeignKey(ServiceVersion, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    question_ar = models.CharField(_("question (Arabic)"), max_length=300)
    question_en = models.CharField(_("question (English)"), max_length=300)
    eligible_answer = models.BooleanField(_("the answer that may apply"), default=True)
    refusal_ar = models.TextField(_("why not, and what to do instead (Arabic)"))
    refusal_en = models.TextField(_("why not, and what to do instead (English)"))

    class Meta:
        ordering = ["version", "position", "id"]
        verbose_name = _("eligibility question")
        verbose_name_plural = _("eligibility questions")

    def __str__(self):
        return self.question

    @property
    def question(self) -> str:
        return self.tr("question")

    @property
    def refusal(self) -> str:
        return self.tr("refusal")


class ServiceFaq(Bilingual, models.Model):
    version = models.ForeignKey(ServiceVersion, on_delete=models.CASCADE, related_name="faqs")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    question_ar = models.CharField(_("question (Arabic)"), max_length=300)
    question_en = models.CharField(_("question (English)"), max_length=300)
    answer_ar = models.TextField(_("answer (Arabic)"))
    answer_en = models.TextField(_("answer (English)"))

    class Meta:
        ordering = ["version", "position", "id"]
        verbose_name = _("question and answer")
        verbose_name_plural = _("questions and answers")

    def __str__(self):
        return self.question

    @property
    def question(self) -> str:
        return self.tr("question")

    @property
    def answer(self) -> str:
        return self.tr("answer")
