"""The services an institution offers, each served by a unit."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, unit__is_active=True)


class Service(models.Model):
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
    is_active = models.BooleanField(_("active"), default=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "name_ar"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_en
