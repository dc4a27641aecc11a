"""Access-matrix rows of the people's data rights (mithaq/privacy), and the restricted case's
own matrix: a case of unit A restricted to officer_a and officer_a2 (of another unit), which
nobody else sees, whatever their role (walked by test_restricted_case_matrix)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mithaq.cases.models import Attachment
from mithaq.cases.services.privacy import restrict_case
from mithaq.privacy.models import DataRequest, RequestKind, RequestState
from mithaq.testing import make_case
from tests.access_personas import only


def extend_world(world):
    org = world["org"]
    restricted = make_case(
        org,
        subject="معاملة لا يراها إلا من سُمّي",
        # Another person than the world's: who sees the world's citizen stays as it was.
        citizen_name="نور المحجوبة",
        citizen_phone="+9647801112223",
        files=[SimpleUploadedFile("r.pdf", b"%PDF-1.4 test\n%%EOF", "application/pdf")],
    )
    restrict_case(case=restricted, actor=org.officer_a, people=[org.officer_a2], now=timezone.now())
    world["restricted_code"] = restricted.code
    world["restricted_file"] = Attachment.objects.get(case=restricted).pk
    world["erasure"] = DataRequest.objects.create(
        kind=RequestKind.ERASURE,
        state=RequestState.REQUESTED,
        citizen_id=world["case"].citizen_id,
        requested_by=org.reception,
        requested_at=timezone.now(),
    ).pk


# The head of the office (its office manager) exports, approves and restricts; the office's
# reception (and its officers) file an erasure request too.
DATA_RIGHTS = only(200, "office_manager")
MATRIX = {
    "privacy:person": (
        "get",
        lambda w: [w["case"].citizen_id],
        only(200, "office_manager", "reception"),
    ),
    "privacy:export": ("post", lambda w: [w["case"].citizen_id], DATA_RIGHTS),
    # One request waits already (the world's): the page comes back with the error.
    "privacy:request_erasure": (
        "post",
        lambda w: [w["case"].citizen_id],
        only(302, "office_manager", "reception"),
    ),
    "privacy:erasures": ("get", lambda w: [], DATA_RIGHTS),
    # Posted without a decision: refused, back to the list.
    "privacy:decide": ("post", lambda w: [w["erasure"]], only(302, "office_manager")),
    "privacy:restrict": ("get", lambda w: [w["code"]], DATA_RIGHTS),
}

# The restricted case: officer_a (its unit's officer, named) and officer_a2 (named, of another
# unit); not the office manager, reception, leadership, auditors nor the college's manager,
# who see every other case of unit A.
NAMED = only(200, "officer_a", "officer_a2")
RESTRICTED_MATRIX = {
    "cases:detail": ("get", lambda w: [w["restricted_code"]], NAMED),
    "cases:attachment": ("get", lambda w: [w["restricted_code"], w["restricted_file"]], NAMED),
    # Acting needs the right on the case's unit too: officer_a2, named but of another unit,
    # reads it only.
    "cases:act": ("post", lambda w: [w["restricted_code"], "note"], only(400, "officer_a")),
    "citizens:duplicates": ("get", lambda w: [w["restricted_code"]], NAMED),
    # Even the right to restrict does not open a case one is not named on.
    "privacy:restrict": ("get", lambda w: [w["restricted_code"]], only(404)),
}
