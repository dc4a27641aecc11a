"""The people behind cases (the citizen registry) and the links between related cases."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from mithaq.catalog.vocab import CitizenGroup
from mithaq.common.crypto import (
    EncryptedCharField,
    HashedModel,
    HashedQuerySet,
    HashKind,
    SearchHashField,
)
from mithaq.common.indexes import only_where_set


class ContactChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    WHATSAPP = "whatsapp", _("WhatsApp")


class CitizenQuerySet(HashedQuerySet):
    def matching(self, *, phone: str = "", national_id: str = ""):
        """Everyone who could be the person with this phone or national ID (see
        services.pick_citizen for which one is)."""
        q = Q()
        if national_id:
            q |= Q(national_id=national_id)
        if phone:
            q |= Q(phone=phone)
        return self.filter(q) if q else self.none()


class Citizen(HashedModel, models.Model):
    """One person who brings cases, known by their national ID when they gave one, else by
    their phone. A record a member of staff has checked against documents (seed 003: the
    employee matches the data and checks its validity) is not changed by later submissions."""

    # Encrypted at rest when MITHAQ_FIELD_KEYS names a key; found by their keyed hashes
    # (mithaq.common.crypto): filter(phone=...) compares phone_hash.
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True)
    national_id = EncryptedCharField(_("national ID"), max_length=30, blank=True)
    # Indexed in Meta.indexes (equality only: no second index for LIKE).
    phone_hash = SearchHashField(source="phone", kind=HashKind.PHONE)
    national_id_hash = SearchHashField(source="national_id", kind=HashKind.NATIONAL_ID)
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    group = models.CharField(
        _("group"), max_length=20, choices=CitizenGroup.choices, default=CitizenGroup.COMMUNITY
    )
    language = models.CharField(_("preferred language"), max_length=8, default="ar")
    allow_sms = models.BooleanField(_("SMS allowed"), default=True)
    allow_email = models.BooleanField(_("email allowed"), default=True)
    allow_whatsapp = models.BooleanField(_("WhatsApp allowed"), default=False)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=10, choices=ContactChannel.choices, blank=True
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # indexed where set (Meta.indexes)
        related_name="+",
        verbose_name=_("data verified by"),
    )
    verified_at = models.DateTimeField(_("data verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("first seen"))
    updated_at = models.DateTimeField(_("last change"))

    objects = CitizenQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")
        indexes = [
            models.Index(fields=["phone_hash"], name="citizen_phone_hash"),
            *only_where_set("citizen", "verified_by"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["national_id_hash"],
                condition=~Q(national_id_hash=""),
                name="citizen_national_id_unique",
            ),
            models.CheckConstraint(
                condition=~Q(phone_hash="") | ~Q(national_id_hash=""), name="citizen_has_a_key"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class CaseLinkQuerySet(models.QuerySet):
    def of(self, case):
        return self.filter(Q(case_low=case) | Q(case_high=case))


class CaseLink(models.Model):
    """Two cases an officer marked as related. The pair is stored once, lower id first."""

    case_low = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    case_high = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    objects = CaseLinkQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("case link")
        verbose_name_plural = _("case links")
        constraints = [
            models.UniqueConstraint(fields=["case_low", "case_high"], name="caselink_pair_unique"),
            models.CheckConstraint(
                condition=Q(case_low__lt=F("case_high")), name="caselink_ordered"
            ),
        ]
        indexes = [models.Index(fields=["case_high"], name="caselink_high")]

    def __str__(self):
        return f"{self.case_low_id} ~ {self.case_high_id}"

    def other(self, case):
        return self.case_high if self.case_low_id == case.pk else self.case_low
