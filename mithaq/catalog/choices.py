"""The units a case may be addressed to and the active services, kept in each process
(mithaq.common.cache.ProcessCopy) for the forms that check a sent choice: the portal's
submission looked each one up with a query of its own. A write of units
(accounts.services.units_changed) or services (catalog.services.services_changed) drops
them in every process once it commits."""

from mithaq.accounts.models import OrgUnit
from mithaq.common.cache import ProcessCopy

from .models import Service


def _case_units() -> dict:
    return {unit.pk: unit for unit in OrgUnit.objects.active().filter(accepts_cases=True)}


def _services() -> dict:
    return {service.pk: service for service in Service.objects.active()}


CASE_UNITS = ProcessCopy("mithaq:case-units:version", _case_units, changed_by=("accounts.OrgUnit",))
# A service is active only while its unit is: a unit's change drops them too.
SERVICES = ProcessCopy(
    "mithaq:services:version", _services, changed_by=("accounts.OrgUnit", "catalog.Service")
)
