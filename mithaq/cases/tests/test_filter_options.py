"""The inbox filter's units and officers, kept per process for a minute by language and grants
(cases.selectors.filter_options_for, docs/decisions/0010). Its failure mode: a unit or officer
added since is missing from the filter. It must be missing for at most the kept age, never be
shown to someone with other grants, and never survive a change of language."""

import pytest
from django.utils import translation

from mithaq.accounts.access import StaffAccess
from mithaq.accounts.models import Membership, Role, UnitKind
from mithaq.accounts.services import create_unit
from mithaq.cases import selectors
from mithaq.testing import make_user


def _units(access) -> str:
    return selectors.filter_options_for(access)["unit"].html


def _officers(access) -> str:
    return selectors.filter_options_for(access)["assignee"].html


@pytest.fixture
def aged(monkeypatch):
    """Make every kept option list older than the kept age."""

    def age():
        clock = selectors.time.monotonic() + selectors._OPTIONS_MAX_AGE + 1
        monkeypatch.setattr(selectors.time, "monotonic", lambda: clock)

    return age


def test_a_new_unit_shows_once_the_kept_options_are_a_minute_old(org, aged):
    manager = StaffAccess(org.office_manager)
    assert "قسم جديد" not in _units(manager)
    # Saved here, or by another process: nothing tells this process's copy.
    create_unit(
        parent=org.dept_a.parent,
        kind=UnitKind.DEPARTMENT,
        code="new",
        name_ar="قسم جديد",
        name_en="New department",
    )
    assert "قسم جديد" not in _units(manager)  # the kept copy, for at most a minute
    aged()
    assert "قسم جديد" in _units(manager)


def test_a_new_officer_shows_once_the_kept_options_are_a_minute_old(org, aged):
    manager = StaffAccess(org.office_manager)
    assert "موظف جديد" not in _officers(manager)
    newcomer = make_user("newcomer", "موظف جديد")
    Membership.objects.create(user=newcomer, unit=org.dept_a, role=Role.OFFICER)
    aged()
    assert "موظف جديد" in _officers(manager)


def test_people_with_other_grants_or_language_never_share_a_copy(org):
    manager, officer_b = StaffAccess(org.office_manager), StaffAccess(org.officer_b)
    assert org.dept_a.name_ar in _units(manager)
    assert org.dept_a.name_ar not in _units(officer_b)  # kept after the manager's
    with translation.override("en"):
        assert org.dept_b.name_en in _units(officer_b)
        assert org.dept_b.name_ar not in _units(officer_b)
