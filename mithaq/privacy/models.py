"""The people's data rights (capability 12): each export and each erasure request of a
person, who asked, who decided and when it was done. No personal data is kept here: the
person is a row of the registry (erased with it)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RequestKind(models.TextChoices):
    EXPORT = "export", _("Export of the data held")
    ERASURE = "erasure", _("Erasure")


class RequestState(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("data request", "Awaiting approval")
    DONE = "done", pgettext_lazy("data request", "Done")
    REFUSED = "refused", pgettext_lazy("data request", "Refused")


class DataRequest(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=RequestKind.choices)
    state = models.CharField(_("state"), max_length=10, choices=RequestState.choices)
    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="+", verbose_name=_("citizen")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    cases_erased = models.PositiveIntegerField(_("cases erased"), default=0)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        constraints = [
            # An erasure is approved by a second person: never by who filed it.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="datarequest_four_eyes",
            ),
        ]
        indexes = [models.Index(fields=["kind", "state"], name="datarequest_kind_state")]

    def __str__(self):
        return f"{self.kind} {self.citizen_id} {self.requested_at:%Y-%m-%d}"
