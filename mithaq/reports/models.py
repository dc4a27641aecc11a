"""Report packs as records: each build is a version, a draft until the office manager signs
it off; then it is frozen (its figures kept as data, its files with their SHA-256), and
building the period again makes a new version, never a change. Submissions to the ministry."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PackStatus(models.TextChoices):
    BUILDING = "building", _("Being built")
    DRAFT = "draft", _("Draft")
    SIGNED_OFF = "signed_off", _("Signed off")
    FAILED = "failed", _("Build failed")


class SubmissionWay(models.TextChoices):
    EMAIL = "email", _("By email, with the files attached")
    BY_HAND = "by_hand", _("By hand, with an outgoing letter")


def _pack_path(instance, filename):
    return f"reports/{instance.period.replace(':', '-')}/{filename}"


class ReportPack(models.Model):
    period = models.CharField(_("period"), max_length=24)
    # None: the whole institution; else the unit and every unit under it.
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scope"),
    )
    version = models.PositiveIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=8, default="ar")
    status = models.CharField(
        _("status"), max_length=12, choices=PackStatus.choices, default=PackStatus.BUILDING
    )
    # None: built by the scheduler.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    xlsx = models.FileField(upload_to=_pack_path, max_length=200, blank=True)
    xlsx_sha256 = models.CharField(max_length=64, blank=True)
    pdf = models.FileField(upload_to=_pack_path, max_length=200, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    failure = models.TextField(blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    sign_off_comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("report pack")
        verbose_name_plural = _("report packs")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit", "version"], name="reportpack_version_unique"
            ),
            models.UniqueConstraint(
                fields=["period", "version"],
                condition=Q(unit__isnull=True),
                name="reportpack_institution_version_unique",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        """The report's number as printed on it: period, scope and version."""
        scope = self.unit.code.upper() if self.unit_id and self.unit else "ALL"
        return f"{self.period.replace(':', '-').upper()}-{scope}-V{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.status == PackStatus.SIGNED_OFF


class Submission(models.Model):
    pack = models.ForeignKey(ReportPack, on_delete=models.PROTECT, related_name="submissions")
    recipient = models.CharField(_("recipient"), max_length=200)
    way = models.CharField(_("way"), max_length=10, choices=SubmissionWay.choices)
    email = models.EmailField(_("email address"), blank=True)
    letter_number = models.CharField(_("outgoing letter number"), max_length=60, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self):
        return f"{self.pack} → {self.recipient}"


class Letterhead(models.Model):
    """The institution's logo on its reports, uploaded by the office (one row)."""

    logo = models.FileField(upload_to="reports/letterhead/", max_length=200, blank=True)
    content_type = models.CharField(max_length=40, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("letterhead")
        verbose_name_plural = _("letterheads")

    def __str__(self):
        return self.logo.name or "-"


class CharterText(models.Model):
    """The charter's text on the public charter page (the citizens' rights and duties), in
    Arabic and English, edited by the office (one row)."""

    text_ar = models.TextField(_("text in Arabic"), blank=True)
    text_en = models.TextField(_("text in English"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("charter text")
        verbose_name_plural = _("charter texts")

    def __str__(self):
        return str(self._meta.verbose_name)
