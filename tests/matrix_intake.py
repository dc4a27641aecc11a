"""Access-matrix rows of the public API (/api/v1/, mithaq.intake). A session is not a key:
every persona, signed in or not, gets 401 from an operation; the schema and the docs page are
public; ninja's root only names where the docs are (404)."""

from tests.access_personas import everyone, only

NO_KEY = everyone(401)

MATRIX = {
    "api:api-root": ("get", lambda w: [], everyone(404)),
    "api:openapi-json": ("get", lambda w: [], everyone(200)),
    "intake:api_docs": ("get", lambda w: [], everyone(200)),
    "api:services": ("get", lambda w: [], NO_KEY),
    "api:submit": ("post", lambda w: [], NO_KEY),
    "api:submissions": ("get", lambda w: [], NO_KEY),
    "api:submission": ("get", lambda w: [w["code"]], NO_KEY),
    "api:track": ("post", lambda w: [], NO_KEY),
    "api:staff_cases": ("get", lambda w: [], NO_KEY),
    "api:staff_note": ("post", lambda w: [w["code"]], NO_KEY),
}

# Open311 GeoReport v2: discovery and services are public; requests and tokens need an
# api_key (none here: the standard's 403).
MATRIX |= {
    "open311:discovery": ("get", lambda w: [], everyone(200)),
    "open311:services": ("get", lambda w: ["json"], everyone(200)),
    "open311:service": ("get", lambda w: ["complaint", "json"], everyone(200)),
    "open311:requests": ("get", lambda w: ["json"], everyone(403)),
    "open311:request": ("get", lambda w: [w["code"], "json"], everyone(403)),
    "open311:token": ("get", lambda w: ["abc", "json"], everyone(403)),
}

# The WhatsApp Cloud webhook: no intake number is configured in this world (404); its
# handshake and signature are tested in mithaq/intake/tests/test_whatsapp.py.
MATRIX |= {
    "webhooks:whatsapp": ("get", lambda w: ["wa-office"], everyone(404)),
}

# Government systems and the ministry's letters: the office's officers and managers work
# them; its reception, leadership and auditors (who see every case) read the lists and the
# letters; no one else, not even a unit's manager.
GOVERNMENT_READERS = only(200, "office_manager", "reception", "leader", "auditor")
MATRIX |= {
    "government:reentry": ("get", lambda w: [], GOVERNMENT_READERS),
    "government:reentry_csv": ("get", lambda w: [], GOVERNMENT_READERS),
    "government:letters": ("get", lambda w: [], GOVERNMENT_READERS),
    "government:external_entry": ("get", lambda w: [w["code"]], only(200, "office_manager")),
}
