"""`log_confidential_read`: reading a confidential identity leaves a trace."""

from mithaq.cases.services import (
    log_confidential_read,
)
from mithaq.testing import make_case

from .conftest import later


def test_reading_a_confidential_identity_is_logged(org):
    case = make_case(org, identity_confidential=True)
    now = later()
    log_confidential_read(case=case, user=org.office_manager, now=now)
    [read] = case.confidential_reads.all()
    assert (read.user, read.at) == (org.office_manager, now)
