"""Access-matrix rows of the audit trail (mithaq/cases/views/audit.py): who read which
confidential identity, for auditors, office managers and leadership alone."""

from mithaq.cases import services
from mithaq.testing import make_case
from tests.access_personas import LOGIN, everyone


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


AUDITORS = everyone(404) | {"anonymous": LOGIN, "office_manager": 200, "auditor": 200}

MATRIX = {
    "cases:confidential_reads": ("get", lambda w: [], AUDITORS),
}
