"""The inbox filter's units and officers, kept per process by language and grants
(cases.selectors.filter_options_for, docs/decisions/0010). Its failure mode: a unit or officer
added since is missing from the filter. A change made here shows at once (in other processes
within a second: common/tests/test_copies_across_processes.py), a rolled-back one never, and
a kept list is never shown to someone with other grants or in another language."""

import pytest
from django.db import transaction
from django.utils import translation

from mithaq.accounts.access import StaffAccess
from mithaq.accounts.models import OrgUnit, Role, UnitKind
from mithaq.accounts.services import add_membership, create_unit, units_changed
from mithaq.cases import selectors
from mithaq.testing import make_user


def _units(access) -> str:
    return selectors.filter_options_for(access)["unit"].html


def _officers(access) -> str:
    return selectors.filter_options_for(access)["assignee"].html


def test_a_new_unit_shows_at_once(org):
    manager = StaffAccess(org.office_manager)
    assert "قسم جديد" not in _units(manager)
    create_unit(
        parent=org.dept_a.parent,
        kind=UnitKind.DEPARTMENT,
        code="new",
        name_ar="قسم جديد",
        name_en="New department",
    )
    assert "قسم جديد" in _units(manager)


def test_a_new_officer_shows_at_once(org):
    manager = StaffAccess(org.office_manager)
    assert "موظف جديد" not in _officers(manager)
    newcomer = make_user("newcomer", "موظف جديد")
    add_membership(user=newcomer, unit=org.dept_a, role=Role.OFFICER)
    assert "موظف جديد" in _officers(manager)


class _Undo(Exception):
    pass


def test_a_rolled_back_unit_is_never_kept(org, django_capture_on_commit_callbacks):
    manager = StaffAccess(org.office_manager)
    _units(manager)
    with pytest.raises(_Undo), transaction.atomic():
        create_unit(
            parent=org.dept_a.parent,
            kind=UnitKind.DEPARTMENT,
            code="gone",
            name_ar="قسم لم يبق",
            name_en="Undone department",
        )
        assert "قسم لم يبق" in _units(manager)  # its own transaction sees it
        raise _Undo
    assert "قسم لم يبق" not in _units(manager)


def test_a_bulk_update_shows_once_forgotten(org):
    manager = StaffAccess(org.office_manager)
    assert org.dept_a.name_ar in _units(manager)
    OrgUnit.objects.filter(pk=org.dept_a.pk).update(name_ar="قسم بلا إشارة")  # not said yet
    assert "قسم بلا إشارة" not in _units(manager)
    units_changed()
    assert "قسم بلا إشارة" in _units(manager)


def test_people_with_other_grants_or_language_never_share_a_copy(org):
    manager, officer_b = StaffAccess(org.office_manager), StaffAccess(org.officer_b)
    assert org.dept_a.name_ar in _units(manager)
    assert org.dept_a.name_ar not in _units(officer_b)  # kept after the manager's
    with translation.override("en"):
        assert org.dept_b.name_en in _units(officer_b)
        assert org.dept_b.name_ar not in _units(officer_b)
