"""Staff users, the organisation tree, and who holds which role in which unit."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A member of staff. Citizens do not have accounts: they track with their reference."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=8, default="ar")

    def __str__(self):
        return self.full_name or self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return str(self)


class UnitKind(models.TextChoices):
    INSTITUTION = "institution", _("Institution")
    PRESIDENCY = "presidency", _("Presidency")
    OFFICE = "office", _("Office")
    COLLEGE = "college", _("College")
    DIRECTORATE = "directorate", _("Directorate")
    DEPARTMENT = "department", _("Department")
    CENTRE = "centre", _("Centre")
    UNIT = "unit", _("Unit")


class OrgUnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class OrgUnit(models.Model):
    """A node of the institution's tree.

    `path` holds the ids from the root down ("/1/4/9/"), so that a unit and everything
    under it is one indexed prefix query."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    is_citizens_office = models.BooleanField(
        _("citizens' affairs office"),
        default=False,
        help_text=_("Its members follow every case of the institution."),
    )
    accepts_cases = models.BooleanField(_("citizens may address it"), default=True)
    is_active = models.BooleanField(pgettext_lazy("organisation unit", "active"), default=True)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_en

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def subtree(self):
        return OrgUnit.objects.filter(path__startswith=self.path)


class Role(models.TextChoices):
    RECEPTION = "reception", _("Reception")
    OFFICER = "officer", _("Case officer")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    OFFICE_MANAGER = "office_manager", _("Office manager")
    LEADERSHIP = "leadership", _("Leadership")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")
    # The president, an assistant, a dean: receives citizens in interviews (mithaq.interviews).
    OFFICIAL = "official", _("Official (receives interviews)")


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class EnrolmentCode(models.Model):
    """A one-time code an administrator gives a member of staff so that they, and not just
    whoever has their password, may set up their second factor (accounts.two_factor). Kept
    hashed; it expires, and it is used once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=128)
    issued_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("second-factor enrolment code")
        verbose_name_plural = _("second-factor enrolment codes")
        indexes = [models.Index(fields=["user", "-created_at"], name="enrolcode_user")]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"
