"""Access-matrix rows of the audit trail (mithaq/cases/views/audit.py): who read which
confidential identity, for auditors, office managers and leadership alone."""

from mithaq.cases import services
from mithaq.testing import make_case
from tests.access_personas import only


def extend_world(world):
    # A read in the log, so that the page is walked with a row in it.
    org = world["org"]
    secret = make_case(
        org,
        unit=org.dept_b,
        subject="مضايقة في قسم الجراحة",
        citizen_name="زينب السرية",
        citizen_phone="+9647501112233",
        identity_confidential=True,
    )
    services.log_confidential_read(case=secret, user=org.office_manager)


AUDITORS = only(200, "office_manager", "auditor", "leader")

MATRIX = {
    "cases:confidential_reads": ("get", lambda w: [], AUDITORS),
    "cases:confidential_reads_chain": ("get", lambda w: [], AUDITORS),
}
