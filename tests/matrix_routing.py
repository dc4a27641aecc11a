"""Access matrix rows of the routing workbench (mithaq/routing): rules, assignment modes,
the office's triage queue and returns, consultations and a case's routing panel."""

from mithaq.routing.models import RoutingRule
from tests.access_personas import CONFIGURATION, STAFF, only


def extend_world(world):
    org = world["org"]
    world["rule"] = RoutingRule.objects.create(
        name="الرسوم", unit=org.dept_b, words="رسوم", position=0
    ).pk


# The rules are the office manager's and administrators' (a superuser flag adds nothing); the
# assignment modes an office manager's and a unit manager's, for the units under them; triage
# and returns are the office's.
MATRIX = {
    "routes:rules": ("get", lambda w: [], only(200, *CONFIGURATION)),
    "routes:rule_new": ("get", lambda w: [], only(200, *CONFIGURATION)),
    "routes:rule_edit": ("get", lambda w: [w["rule"]], only(200, *CONFIGURATION)),
    "routes:rule_move": ("post", lambda w: [w["rule"], "down"], only(302, *CONFIGURATION)),
    "routes:rule_toggle": ("post", lambda w: [w["rule"]], only(302, *CONFIGURATION)),
    "routes:rule_delete": ("post", lambda w: [w["rule"]], only(302, *CONFIGURATION)),
    "routes:assignment": (
        "get",
        lambda w: [],
        only(200, "office_manager", "manager_college_a"),
    ),
    "routes:triage": ("get", lambda w: [], only(200, "office_manager")),
    "routes:returns": ("get", lambda w: [], only(200, "office_manager")),
    # Routed with no unit chosen: back to the queue with the error.
    "routes:route": ("post", lambda w: [w["code"]], only(302, "office_manager")),
    # Everyone who sees the world's case (unit A) sees its routing panel.
    "routes:case_panel": (
        "get",
        lambda w: [w["code"]],
        only(
            200,
            "officer_a",
            "reception",
            "office_manager",
            "auditor",
            "manager_college_a",
            "leader",
        ),
    ),
    # Every member of staff has the page; it lists what was asked of their own units.
    "routes:consultations": (
        "get",
        lambda w: [],
        STAFF,
    ),
}
