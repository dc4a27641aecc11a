"""Who in a unit gets a case that has just landed there: by hand (nobody yet), in turn, or
the officer with the fewest open cases. Call inside the transaction that moves the case."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from mithaq.accounts.access import assignable_officers
from mithaq.accounts.models import OrgUnit, Role, User
from mithaq.routing import rules
from mithaq.routing.models import AssignmentMode, UnitAssignment
from mithaq.routing.rules import CompiledRule

from ..states import OPEN_STATES


def assignee_for_new_case(unit: OrgUnit, *, rule: CompiledRule | None = None) -> User | None:
    """Who a case landing in `unit` on submission goes to: the matching rule's officer while
    they can still be given the unit's cases (an active account that is still one of its
    officers: the rule was checked when saved, and people leave); else whoever the unit's
    assignment mode gives it to."""
    officer_id = rule.default_officer_id if rule is not None else None
    if officer_id is not None:
        officer = assignable_officers(unit).filter(pk=officer_id).first()
        if officer is not None:
            return officer
    return pick_assignee(unit)


def pick_assignee(unit: OrgUnit) -> User | None:
    """The officer the unit's assignment mode gives the next case to, or None (by hand, or
    nobody to give it to). Round-robin locks the unit's policy row, so that two cases
    landing at once go to two officers in turn."""
    # The cached modes spare manual units (the default) any query.
    if rules.mode_of(unit.pk) == AssignmentMode.MANUAL:
        return None
    policy = UnitAssignment.objects.select_for_update().filter(unit=unit).first()
    if policy is None or policy.mode == AssignmentMode.MANUAL:
        return None
    officers = list(assignable_officers(unit).order_by("pk"))
    # The unit's own officers and managers take its cases in turn; the office and the
    # managers of the units above may be given one by hand, but are not in the rotation.
    own = set(
        unit.memberships.filter(role__in=[Role.OFFICER, Role.UNIT_MANAGER]).values_list(
            "user_id", flat=True
        )
    )
    officers = [o for o in officers if o.pk in own]
    if not officers:
        return None
    if policy.mode == AssignmentMode.ROUND_ROBIN:
        chosen = officers[0]
        if policy.last_assignee_id is not None:
            after = [o for o in officers if o.pk > policy.last_assignee_id]
            chosen = after[0] if after else officers[0]
        policy.last_assignee = chosen
        policy.save(update_fields=["last_assignee"])
        return chosen
    # Least loaded: fewest open cases assigned to them, the earlier account on a tie.
    loads = dict(
        get_user_model()
        .objects.filter(pk__in=[o.pk for o in officers])
        .annotate(
            load=Count("assigned_cases", filter=Q(assigned_cases__state__in=list(OPEN_STATES)))
        )
        .values_list("pk", "load")
    )
    return min(officers, key=lambda o: (loads.get(o.pk, 0), o.pk))
