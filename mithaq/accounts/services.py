"""Writes to the organisation tree, and what every write of units, memberships and people
says: the per-process copies made of those rows (memberships, the institution's name, the
units a case may go to, the routing rules, the inbox's filter lists) are dropped in every
process once the change commits (mithaq.common.cache.rows_changed). Nothing listens for
saves: a write path that skips these calls leaves the copies stale until their max_age."""

from typing import Any

from django.db import transaction

from mithaq.common.cache import rows_changed

from .models import Membership, OrgUnit, User


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
    units_changed()
    new_path = f"{parent_path}{unit.pk}/"
    if new_path != old_path:
        OrgUnit.objects.filter(pk=unit.pk).update(path=new_path)
        unit.path = new_path
        if old_path:
            for child in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
                child.path = new_path + child.path[len(old_path) :]
                child.save(update_fields=["path"])
    return unit


def units_changed() -> None:
    """Units were written (a save, a move, a bulk update): drop the copies made of them."""
    rows_changed("accounts.OrgUnit")


def memberships_changed() -> None:
    """Memberships were written (a save, a delete, a bulk update)."""
    rows_changed("accounts.Membership")


def people_changed() -> None:
    """People's rows were written (a name, the active flag: the inbox's officer list)."""
    rows_changed("accounts.User")


def add_membership(*, user: User, unit: OrgUnit, role: str) -> Membership:
    membership = Membership.objects.create(user=user, unit=unit, role=role)
    memberships_changed()
    return membership


def remove_membership(membership: Membership) -> None:
    membership.delete()
    memberships_changed()


def create_unit(*, parent: OrgUnit | None, **fields: Any) -> OrgUnit:
    return save_unit(unit=OrgUnit(parent=parent, **fields))
