"""Access-matrix rows of the service catalogue: the public list and pages, the form's
promise and checklist for a picked service, the catalogue's way into the hall's kiosk, and
the staff's checklist on a case (marks and the complete file)."""

from tests.access_personas import everyone, only

# Who works a case's documents: whoever may ask its citizen for information (case of unit A).
CHECKERS = only(302, "officer_a", "office_manager", "manager_college_a")

MATRIX = {
    "catalogue:list": ("get", lambda w: [], everyone(200)),
    "catalogue:service": ("get", lambda w: [w["org"].service_a.code], everyone(200)),
    # Without a kind: 404 (the form asks with its own kind).
    "portal:promise": ("get", lambda w: [], everyone(404)),
    "portal:service_parts": ("get", lambda w: [], everyone(404)),
    # The hall serves the transcript service (mithaq.walkin.testing.hall_world): its kiosk.
    "walkin:take_ticket": ("get", lambda w: [w["org"].service_a.code], everyone(302)),
    # Back to the case page, with the error (nothing marked) or the result.
    "cases:documents": ("post", lambda w: [w["code"]], CHECKERS),
    "cases:file_complete": ("post", lambda w: [w["code"]], CHECKERS),
}
