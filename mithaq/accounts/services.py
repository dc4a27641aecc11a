"""Writes to the organisation tree."""

from typing import Any

from django.db import transaction

from .models import OrgUnit


@transaction.atomic
def save_unit(*, unit: OrgUnit) -> OrgUnit:
    """Save a unit and keep its `path` (and its descendants' paths) true.

    Both paths are read from the database, not from the objects in hand, which may be stale
    after an ancestor moved; the parent's row is locked so two moves cannot cross."""
    parent_path = "/"
    if unit.parent_id:
        parent_path = (
            OrgUnit.objects.select_for_update()
            .values_list("path", flat=True)
            .get(pk=unit.parent_id)
        )
        if unit.pk and (unit.parent_id == unit.pk or f"/{unit.pk}/" in parent_path):
            raise ValueError("a unit cannot be moved under itself or its own descendant")
    old_path = (
        OrgUnit.objects.filter(pk=unit.pk).values_list("path", flat=True).first() if unit.pk else ""
    )
    unit.path = old_path or "/"
    unit.save()
    new_path = f"{parent_path}{unit.pk}/"
    if new_path != old_path:
        OrgUnit.objects.filter(pk=unit.pk).update(path=new_path)
        unit.path = new_path
        if old_path:
            for child in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
                child.path = new_path + child.path[len(old_path) :]
                child.save(update_fields=["path"])
    return unit


def create_unit(*, parent: OrgUnit | None, **fields: Any) -> OrgUnit:
    return save_unit(unit=OrgUnit(parent=parent, **fields))
