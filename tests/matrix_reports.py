"""Access-matrix rows of the reports to the ministry (mithaq/reports): the archive, a pack,
its sign-off, its submission and its files. Office managers, leadership and auditors read
every pack, the manager of college A the packs of college A's subtree; officers, reception
and administrators none. Only the office manager builds, signs off and submits."""

from django.core.files.base import ContentFile
from django.utils import timezone

from mithaq.reports.models import PackStatus, ReportPack
from tests.access_personas import PERSONAS, only

READERS = ("office_manager", "leader", "auditor")


def _pack(unit, period="monthly:2026-11"):
    pack = ReportPack(
        period=period,
        unit=unit,
        version=1,
        status=PackStatus.DRAFT,
        requested_at=timezone.now(),
        built_at=timezone.now(),
    )
    pack.pdf.save("m.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    pack.xlsx.save("m.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    pack.save()
    return pack


def extend_world(world):
    org = world["org"]
    world["pack_all"] = _pack(None).pk
    world["pack_a"] = _pack(org.college_a).pk


MATRIX = {
    "reports:archive": ("get", lambda w: [], only(200, *READERS, "manager_college_a")),
    "reports:pack": ("get", lambda w: [w["pack_all"]], only(200, *READERS)),
    "reports:download": (
        "get",
        lambda w: [w["pack_a"], "pdf"],
        only(200, *READERS, "manager_college_a"),
    ),
    # Signing off and recording a submission send the office manager back to the pack.
    "reports:sign_off": ("post", lambda w: [w["pack_all"]], only(302, "office_manager")),
    "reports:submit": ("post", lambda w: [w["pack_all"]], only(302, "office_manager")),
}
MATRIX["reports:letterhead"] = ("get", lambda w: [], only(200, "office_manager"))
# The office's officers and managers, leadership, auditors, and the manager of college A (for
# the college's subtree).
MATRIX["dashboard:index"] = (
    "get",
    lambda w: [],
    only(200, *READERS, "manager_college_a"),
)
MATRIX["reports:charter_edit"] = ("get", lambda w: [], only(200, "office_manager"))
# Public: the same for everyone, signed in or not.
MATRIX["charter:index"] = ("get", lambda w: [], {p: 200 for p in PERSONAS})
