"""Access matrix rows of the citizen registry and the duplicates panel (mithaq/citizens)."""

from mithaq.cases.services import duplicates
from mithaq.testing import make_case
from tests.access_personas import LOGIN

# Everyone who sees the world's case (unit A) may see its citizen.
SEES_A = {
    "anonymous": LOGIN,
    "officer_a": 200,
    "officer_b": 404,
    "reception": 200,
    "office_manager": 200,
    "auditor": 200,
    "manager_college_a": 200,
}
# ... and those of them who register and work cases may write (auditors read only).
WRITES_A = SEES_A | {
    "officer_a": 302,
    "reception": 302,
    "office_manager": 302,
    "manager_college_a": 302,
    "auditor": 404,
}


def extend_world(world):
    org = world["org"]
    related = make_case(org, citizen_phone="+9647809876543", subject="طلب ذو صلة")
    duplicates.link_cases(case=world["case"], other=related, actor=org.office_manager)
    world["citizen"] = world["case"].citizen_id
    world["related_code"] = related.code


MATRIX = {
    "citizens:find": (
        "get",
        lambda w: [],
        {p: 200 for p in SEES_A} | {"anonymous": LOGIN},
    ),
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
