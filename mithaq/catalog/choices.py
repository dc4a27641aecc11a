"""The units a case may be addressed to and the active services, kept in each process
(mithaq.common.cache.ProcessCopy) for the forms that check a sent choice: the portal's
submission looked each one up with a query of its own. Saving or deleting a unit or a
service drops them in every process (connected in apps.py); a bulk update sends no signal,
so call changed() after one."""

from mithaq.common.cache import ProcessCopy


def _case_units() -> dict:
    from mithaq.accounts.models import OrgUnit

    return {unit.pk: unit for unit in OrgUnit.objects.active().filter(accepts_cases=True)}


def _services() -> dict:
    from .models import Service

    return {service.pk: service for service in Service.objects.active()}


CASE_UNITS = ProcessCopy("mithaq:case-units:version", _case_units)
SERVICES = ProcessCopy("mithaq:services:version", _services)


def changed(sender=None, **kwargs) -> None:
    # A service is active only while its unit is: a unit's change drops both.
    CASE_UNITS.invalidate()
    SERVICES.invalidate()


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    from mithaq.accounts.models import OrgUnit

    from .models import Service

    for model in (OrgUnit, Service):
        post_save.connect(changed, sender=model, dispatch_uid=f"choices-saved-{model.__name__}")
        post_delete.connect(changed, sender=model, dispatch_uid=f"choices-gone-{model.__name__}")
