"""Access matrix rows of the citizen registry and the duplicates panel (mithaq/citizens)."""

from mithaq.cases.services import duplicates
from mithaq.testing import make_case
from tests.access_personas import STAFF, only

# Everyone who sees the world's case (unit A) may see its citizen.
SEES_A = only(
    200, "officer_a", "reception", "office_manager", "auditor", "manager_college_a", "leader"
)
# ... and those of them who register and work cases may write (auditors and leadership read
# only).
WRITES_A = only(302, "officer_a", "reception", "office_manager", "manager_college_a")


def extend_world(world):
    org = world["org"]
    related = make_case(org, citizen_phone="+9647809876543", subject="طلب ذو صلة")
    duplicates.link_cases(case=world["case"], other=related, actor=org.office_manager)
    world["citizen"] = world["case"].citizen_id
    world["related_code"] = related.code


MATRIX = {
    # Every member of staff may search; they find only whom their cases show them.
    "citizens:find": ("get", lambda w: [], STAFF),
    "citizens:detail": ("get", lambda w: [w["citizen"]], SEES_A),
    "citizens:verify": ("post", lambda w: [w["citizen"]], WRITES_A),
    # Posted empty: the form comes back with its errors.
    "citizens:preferences": (
        "post",
        lambda w: [w["citizen"]],
        WRITES_A | {p: 400 for p, s in WRITES_A.items() if s == 302},
    ),
    "citizens:duplicates": ("get", lambda w: [w["code"]], SEES_A),
    # Unlinking needs the right to link on both cases: not reception's (notes only).
    "citizens:unlink": (
        "post",
        lambda w: [w["code"], w["related_code"]],
        WRITES_A | {"reception": 404},
    ),
}
