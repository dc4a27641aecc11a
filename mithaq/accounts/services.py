"""Writes to the organisation tree."""

from django.db import transaction

from .models import OrgUnit


@transaction.atomic
def save_unit(*, unit: OrgUnit) -> OrgUnit:
    """Save a unit and keep its `path` (and its descendants' paths) true."""
    old_path = unit.path
    if unit.parent_id and unit.parent_id == unit.pk:
        raise ValueError("a unit cannot be its own parent")
    unit.path = unit.path or "/"
    unit.save()
    parent_path = unit.parent.path if unit.parent_id else "/"
    if unit.parent_id and f"/{unit.pk}/" in parent_path:
        raise ValueError("a unit cannot be moved under its own descendant")
    new_path = f"{parent_path}{unit.pk}/"
    if new_path != old_path:
        OrgUnit.objects.filter(pk=unit.pk).update(path=new_path)
        unit.path = new_path
        if old_path and old_path != "/":
            for child in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
                child.path = new_path + child.path[len(old_path) :]
                child.save(update_fields=["path"])
    return unit


def create_unit(*, parent: OrgUnit | None, **fields) -> OrgUnit:
    return save_unit(unit=OrgUnit(parent=parent, **fields))
