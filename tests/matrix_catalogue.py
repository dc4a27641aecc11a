"""Access-matrix rows of the service catalogue: the public list and pages, the form's
promise and checklist for a picked service, the catalogue's way into the hall's kiosk, and
the staff's checklist on a case (marks and the complete file)."""

import datetime

from mithaq.catalog.models import ServiceVersion
from tests.access_personas import everyone, only


def extend_world(world):
    world["version"] = ServiceVersion.objects.create(
        service=world["org"].service_a, effective_from=datetime.date(2020, 1, 1)
    ).pk


# Who works a case's documents: whoever may ask its citizen for information (case of unit A).
CHECKERS = only(302, "officer_a", "office_manager", "manager_college_a")

# The catalogue's staff pages are the office manager's alone.
EDITOR = only(200, "office_manager")

MATRIX = {
    "catalog:list": ("get", lambda w: [], EDITOR),
    "catalog:edit": ("get", lambda w: [w["org"].service_a.code], EDITOR),
    # No date given: back to the service's page with the error.
    "catalog:version_new": (
        "post",
        lambda w: [w["org"].service_a.code],
        only(302, "office_manager"),
    ),
    "catalog:version": ("get", lambda w: [w["org"].service_a.code, w["version"]], EDITOR),
    "catalog:preview": ("get", lambda w: [w["org"].service_a.code, w["version"]], EDITOR),
    "catalogue:list": ("get", lambda w: [], everyone(200)),
    "catalogue:service": ("get", lambda w: [w["org"].service_a.code], everyone(200)),
    "catalogue:signage": ("get", lambda w: [w["org"].service_a.code], everyone(200)),
    "walkin:board": ("get", lambda w: [w["hall"]], everyone(200)),
    # Without a kind: 404 (the form asks with its own kind).
    "portal:promise": ("get", lambda w: [], everyone(404)),
    "portal:service_parts": ("get", lambda w: [], everyone(404)),
    # The hall serves the transcript service (mithaq.walkin.testing.hall_world): its kiosk.
    "walkin:take_ticket": ("get", lambda w: [w["org"].service_a.code], everyone(302)),
    # Back to the case page, with the error (nothing marked) or the result.
    "cases:documents": ("post", lambda w: [w["code"]], CHECKERS),
    "cases:file_complete": ("post", lambda w: [w["code"]], CHECKERS),
}
