"""Access-matrix rows of the service catalogue: the public list and pages, the form's
promise for a picked service, and the catalogue's way into the hall's kiosk."""

from tests.access_personas import everyone

MATRIX = {
    "catalogue:list": ("get", lambda w: [], everyone(200)),
    "catalogue:service": ("get", lambda w: [w["org"].service_a.code], everyone(200)),
    "portal:promise": ("get", lambda w: [], everyone(404)),
    # The hall serves the transcript service (mithaq.walkin.testing.hall_world): its kiosk.
    "walkin:take_ticket": ("get", lambda w: [w["org"].service_a.code], everyone(302)),
}
