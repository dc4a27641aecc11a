"""The catalogue as its public pages read it, kept in each process
(mithaq.common.cache.ProcessCopy): every service with its unit and every version of it with
its documents, fees, steps and FAQ. A service page and its poster read six queries' worth of
rows that change a few times a year (docs/decisions/0014-catalogue-copy.md).

No signal is listened to: the catalogue's write paths (catalog.services: a service saved, a
version started or saved; the admin; accounts' unit services) say rows_changed(), and the
copy is dropped in every process once the change commits (a rolled-back change never reaches
it). The version in effect is picked at each read from the dates kept, so a version that
takes effect tomorrow shows tomorrow with nothing dropped."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from mithaq.common.cache import ProcessCopy

from .models import Fee, RequiredDocument, Service, ServiceFaq, ServiceStep, ServiceVersion

LISTS = (RequiredDocument, Fee, ServiceStep, ServiceFaq)


@dataclass(frozen=True)
class PublicService:
    service: Service  # with its unit
    versions: tuple[ServiceVersion, ...]  # newest first, with their lists

    def version_on(self, day: datetime.date | None = None) -> ServiceVersion | None:
        """As Service.version_on: the latest version that took effect on or before `day`."""
        day = day or timezone.localdate()
        return next((v for v in self.versions if v.effective_from <= day), None)


def _in_order(model) -> Prefetch:
    # By position only: the models' own ordering starts with `version`, which would join
    # the version, its service and that service's unit for their orderings.
    return Prefetch(
        model._meta.get_field("version").remote_field.related_name,
        queryset=model.objects.order_by("position", "id"),
    )


def _load() -> dict[str, PublicService]:
    versions: dict[int, list[ServiceVersion]] = {}
    for version in ServiceVersion.objects.order_by(
        "service_id", "-effective_from"
    ).prefetch_related(*(_in_order(model) for model in LISTS)):
        versions.setdefault(version.service_id, []).append(version)
    return {
        service.code: PublicService(service, tuple(versions.get(service.pk, ())))
        # In the list's order (unit by unit, by Arabic name as the database collates).
        for service in Service.objects.select_related("unit").order_by("unit__path", "name_ar")
    }


CATALOGUE = ProcessCopy(
    "mithaq:public-catalogue:version",
    _load,
    changed_by=(
        "accounts.OrgUnit",
        "catalog.Service",
        "catalog.ServiceVersion",
        *(f"catalog.{model.__name__}" for model in LISTS),
    ),
)


def public_service(code: str) -> PublicService | None:
    """The service of this code (active or not: a retired service keeps its page)."""
    return CATALOGUE.get().get(code)


def active_services() -> list[Service]:
    """The services the public list shows: active, of an active unit, in the list's order."""
    return [
        found.service
        for found in CATALOGUE.get().values()
        if found.service.is_active and found.service.unit.is_active
    ]


def derived(key, make):
    """A rendering of the catalogue kept with this process's copy (ProcessCopy.derived):
    `make()` reads the copy through the functions above."""
    return CATALOGUE.derived(key, lambda _copy: make())


def changed() -> None:
    CATALOGUE.invalidate()
