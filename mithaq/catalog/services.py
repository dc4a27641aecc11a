"""Writes to the catalogue: a service's own fields, and a new version of a service from a
date, copied from the one in effect so that only what changes is edited. A write of services
says services_changed(): the active services are kept in each process (catalog.choices)."""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mithaq.common.cache import rows_changed

from .models import (
    Fee,
    RequiredDocument,
    Service,
    ServiceFaq,
    ServiceQuestion,
    ServiceStep,
    ServiceVersion,
)

_CHILDREN = (RequiredDocument, Fee, ServiceStep, ServiceQuestion, ServiceFaq)


# What a new or edited version writes: the version and its lists (the public catalogue,
# catalog.public, is made of them).
VERSION_ROWS = ("catalog.ServiceVersion", *(f"catalog.{m.__name__}" for m in _CHILDREN))


def services_changed() -> None:
    """Services were written (a save, a delete, a bulk update): drop the kept ones."""
    rows_changed("catalog.Service")


def versions_changed() -> None:
    """A version or its lists were written: drop the public catalogue's copies."""
    rows_changed(*VERSION_ROWS)


@transaction.atomic
def save_service(form: forms.ModelForm) -> Service:
    """Save a service's own fields from the office's form (a ModelForm of Service)."""
    service: Service = form.save()
    services_changed()
    return service


def is_editable(version: ServiceVersion, *, today: datetime.date | None = None) -> bool:
    """A version is edited only before it takes effect and while no case was submitted under
    it: a case keeps the words it was submitted under."""
    today = today or timezone.localdate()
    return version.effective_from > today and not version.cases.exists()


@transaction.atomic
def start_version(*, service: Service, effective_from: datetime.date) -> ServiceVersion:
    """A new version from `effective_from` (a day after today), a copy of the version in
    effect on that day (or an empty one for a service without any)."""
    if effective_from <= timezone.localdate():
        raise ValidationError(_("A new version takes effect from tomorrow or later."), code="past")
    base = service.version_on(effective_from)
    fields = {}
    if base is not None:
        fields = {
            f.name: getattr(base, f.name)
            for f in ServiceVersion._meta.concrete_fields
            if f.name not in {"id", "service", "effective_from", "created_at"}
        }
    try:
        with transaction.atomic():
            version = ServiceVersion.objects.create(
                service=service, effective_from=effective_from, **fields
            )
    except IntegrityError:
        raise ValidationError(
            _("The service already has a version from this date."), code="taken"
        ) from None
    if base is not None:
        for model in _CHILDREN:
            rows: list[Any] = list(model.objects.filter(version=base))
            for row in rows:
                row.pk = None
                row.version = version
            model._default_manager.bulk_create(rows)
    versions_changed()
    return version


@transaction.atomic
def save_version(form: forms.ModelForm, formsets: list) -> ServiceVersion:
    """Save a version's own fields and its lists from the office's page (valid forms)."""
    version: ServiceVersion = form.save()
    for formset in formsets:
        formset.save()
    versions_changed()
    return version
