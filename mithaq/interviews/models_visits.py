"""Field visits to units (seed 004 item 4): checklist templates the office edits, visits
planned from them, each item scored with a note, findings opened as cases."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ChecklistTemplate(models.Model):
    name = models.CharField(_("name"), max_length=150)
    is_active = models.BooleanField(pgettext_lazy("visit checklist", "active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("visit checklist")
        verbose_name_plural = _("visit checklists")

    def __str__(self):
        return self.name


class ChecklistItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    text = models.CharField(_("item"), max_length=300)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self):
        return self.text


class Visit(models.Model):
    unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("checklist")
    )
    planned_for = models.DateField(_("date"))
    team = models.CharField(_("team"), max_length=300)
    scope = models.TextField(_("scope"), blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField(_("scored"), null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-planned_for", "-pk"]
        verbose_name = _("field visit")
        verbose_name_plural = _("field visits")

    def __str__(self):
        return f"{self.unit} {self.planned_for}"


class VisitScore(models.Model):
    """One checklist item on one visit; its text copied, so editing the template later does
    not rewrite a past visit."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="scores")
    text = models.CharField(_("item"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("visit score")
        verbose_name_plural = _("visit scores")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=5),
                name="visit_score_range",
            )
        ]

    def __str__(self):
        return self.text


class Finding(models.Model):
    """A finding of a visit, turned into an action: a case of its owner unit."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="findings")
    text = models.TextField(_("finding"))
    unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("due date"))
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("visit finding")
        verbose_name_plural = _("visit findings")
        ordering = ["pk"]

    def __str__(self):
        return self.text[:60]


def _photo_path(instance, filename):
    # The stored name is made here; the uploaded file's name is kept only as data.
    return f"visits/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


class VisitPhoto(models.Model):
    """A photo taken on a visit: checked by its content (mithaq.common.uploads), served only
    as a download to who reads the visit."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=_photo_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=120)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.original_name
