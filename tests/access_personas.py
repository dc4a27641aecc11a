"""The personas the access matrix walks, shared by tests/test_access_matrix.py and its
per-area parts (tests/matrix_<area>.py)."""

PERSONAS = [
    "anonymous",
    "officer_a",
    "officer_b",
    "reception",
    "office_manager",
    "auditor",
    "manager_college_a",
]
LOGIN = "login"  # a redirect to the sign-in page


def everyone(status) -> dict:
    return dict.fromkeys(PERSONAS, status)


# Every signed-in staff member may; the anonymous visitor is sent to sign in.
STAFF = everyone(200) | {"anonymous": LOGIN}
