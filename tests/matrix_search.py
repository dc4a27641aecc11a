"""Access-matrix rows of search (mithaq/search): saved filters, bulk actions, exports."""

from mithaq.search.models import SavedFilter
from tests.access_personas import STAFF, only


def extend_world(world):
    world["saved_filter"] = SavedFilter.objects.create(
        user=world["org"].officer_a, name="متأخرة", query="state=open&q=%D9%83%D8%B4%D9%81"
    ).pk


MATRIX = {
    "search:filters": ("get", lambda w: [], STAFF),
    # Applying a saved filter redirects (303) to the inbox with its search's key; only its
    # owner may.
    "search:apply_filter": (
        "get",
        lambda w: [w["saved_filter"]],
        only(303, "officer_a"),
    ),
    # Only its owner may delete a saved filter; anyone else gets 404.
    "search:delete_filter": (
        "post",
        lambda w: [w["saved_filter"]],
        only(302, "officer_a"),
    ),
    # Auditors only read: no bulk actions.
    "search:bulk": ("get", lambda w: [], STAFF | {"auditor": 404}),
    "search:export": ("get", lambda w: ["csv"], STAFF),
}
