"""Ready answers: the canned replies officers reuse, and the questions and answers the office
publishes per service.

Each is a row, and its words are rows of their own, one per language (`language` holds a code
from settings.LANGUAGES): a new language is a new setting, never a new column."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _in_language(texts, language: str | None = None):
    """The text in `language` (the active one by default), else in Arabic, else any."""
    language = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    by_language = {t.language: t for t in texts}
    return (
        by_language.get(language)
        or by_language.get(settings.LANGUAGE_CODE)
        or next(iter(by_language.values()), None)
    )


class CannedReplyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def fitting(self, case):
        """The replies that suit `case`: institution-wide ones, those of its unit or of a unit
        above it, and those of its service."""
        ancestors = [int(pk) for pk in case.unit.path.strip("/").split("/") if pk]
        unit_ok = Q(unit__isnull=True) | Q(unit_id__in=ancestors)
        service_ok = Q(service__isnull=True)
        if case.service_id:
            service_ok |= Q(service_id=case.service_id)
        return self.filter(unit_ok & service_ok)


class CannedReply(models.Model):
    """A reply an officer starts from. With neither a unit nor a service it is the whole
    institution's; with a unit it suits that unit's cases and those of the units under it;
    with a service, the cases about that service."""

    unit = models.ForeignKey(
        "accounts.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="canned_replies",
        verbose_name=_("unit"),
    )
    service = models.ForeignKey(
        "catalog.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="canned_replies",
        verbose_name=_("service"),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    # Every language's title and text, normalised (mithaq.common.text), for Arabic search.
    search_text = models.TextField(default="", blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    objects = CannedReplyQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")

    def __str__(self):
        text = self.text()
        return text.title if text else f"#{self.pk}"

    def text(self, language: str | None = None):
        return _in_language(self.texts.all(), language)

    @property
    def scope_unit(self):
        """The unit whose managers look after this reply (None: the whole institution's)."""
        if self.unit_id:
            return self.unit
        if self.service_id and self.service is not None:
            return self.service.unit
        return None


class CannedReplyText(models.Model):
    reply = models.ForeignKey(CannedReply, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=8)
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("text"))

    class Meta:
        ordering = ["reply", "language"]
        constraints = [
            models.UniqueConstraint(fields=["reply", "language"], name="canned_text_language")
        ]
        verbose_name = _("canned reply text")
        verbose_name_plural = _("canned reply texts")

    def __str__(self):
        return self.title


class FaqEntryQuerySet(models.QuerySet):
    def published(self):
        """What citizens see: published entries of active services of active units."""
        return self.filter(
            is_published=True, service__is_active=True, service__unit__is_active=True
        )


class FaqEntry(models.Model):
    """A question citizens ask about a service, and the office's answer."""

    service = models.ForeignKey(
        "catalog.Service",
        on_delete=models.CASCADE,
        related_name="faq_entries",
        verbose_name=_("service"),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=10, help_text=_("Lower numbers come first.")
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    objects = FaqEntryQuerySet.as_manager()

    class Meta:
        ordering = ["service", "position", "id"]
        indexes = [models.Index(fields=["service", "position"], name="faq_service_position")]
        verbose_name = _("question and answer")
        verbose_name_plural = _("questions and answers")

    def __str__(self):
        text = self.text()
        return text.question if text else f"#{self.pk}"

    def text(self, language: str | None = None):
        return _in_language(self.texts.all(), language)


class FaqText(models.Model):
    entry = models.ForeignKey(FaqEntry, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=8)
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))

    class Meta:
        ordering = ["entry", "language"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "language"], name="faq_text_language")
        ]
        verbose_name = _("question and answer text")
        verbose_name_plural = _("question and answer texts")

    def __str__(self):
        return self.question
