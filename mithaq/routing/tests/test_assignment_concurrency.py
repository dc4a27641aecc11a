"""Round-robin under load, on PostgreSQL: cases landing at once in a unit go to its officers
in turn, none twice in a row and every officer an equal share. SQLite serialises writes, so
there is nothing to race there."""

from collections import Counter

import pytest
from django.db import connection

from mithaq.accounts.models import Role
from mithaq.accounts.services import add_membership
from mithaq.cases.models import Case
from mithaq.cases.services import submit_case
from mithaq.cases.states import Channel, Kind
from mithaq.routing import rules
from mithaq.routing.models import AssignmentMode, UnitAssignment
from mithaq.testing import run_at_once

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrency needs PostgreSQL (SQLite serialises writes); set DATABASE_URL",
)


@pytest.fixture
def world(transactional_db):
    from mithaq.testing import make_org, make_user

    org = make_org()
    officers = [org.officer_b]
    for i in range(2):
        user = make_user(f"surgeon{i}", f"جراح {i}")
        add_membership(user=user, unit=org.dept_b, role=Role.OFFICER)
        officers.append(user)
    rules.set_assignment_mode(unit=org.dept_b, mode=AssignmentMode.ROUND_ROBIN)
    return org, officers


def test_twelve_cases_at_once_are_shared_out_evenly(world):
    org, officers = world

    def submit(i):
        return submit_case(
            kind=Kind.COMPLAINT,
            unit=org.dept_b,
            channel=Channel.WEB,
            subject=f"شكوى {i}",
            body="نص",
            citizen_name="مواطن",
            citizen_phone="+9647701234567",
        ).pk

    run_at_once(12, submit)
    shares = Counter(Case.objects.filter(unit=org.dept_b).values_list("assignee_id", flat=True))
    assert shares == {officer.pk: 4 for officer in officers}
    # The policy row is locked until each case is written, so in the order they were written
    # no officer gets two in a row.
    in_order = list(
        Case.objects.filter(unit=org.dept_b).order_by("id").values_list("assignee_id", flat=True)
    )
    assert all(a != b for a, b in zip(in_order, in_order[1:], strict=False))
    assert UnitAssignment.objects.get(unit=org.dept_b).last_assignee_id == in_order[-1]
