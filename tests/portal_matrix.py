"""The public portal's rows of the access matrix (see test_access_matrix.py).

Staff sign-in changes nothing on the portal: a case is opened only by a session that proved
the reference and the citizen's phone or email, so every persona gets the same answers."""

PERSONAS = [
    "anonymous",
    "officer_a",
    "officer_b",
    "reception",
    "office_manager",
    "auditor",
    "manager_college_a",
]


def _everyone(status):
    return dict.fromkeys(PERSONAS, status)


PORTAL_MATRIX: dict = {
    "portal:home": ("get", lambda w: [], _everyone(200)),
    "portal:submit": ("get", lambda w: ["complaint"], _everyone(200)),
    "portal:services": ("get", lambda w: [], _everyone(200)),
    # Without a submission in this session there is nothing to show: back home.
    "portal:submitted": ("get", lambda w: [], _everyone(302)),
    "portal:track": ("get", lambda w: [], _everyone(200)),
    # Not verified in this session: sent to the tracking form.
    "portal:track_case": ("get", lambda w: [w["code"]], _everyone(302)),
    "portal:respond": ("post", lambda w: [w["code"]], _everyone(302)),
    "portal:attachment": ("get", lambda w: [w["code"], w["file"]], _everyone(404)),
}
