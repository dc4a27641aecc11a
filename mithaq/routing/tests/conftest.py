import pytest

from mithaq.routing import calendar as working


@pytest.fixture(autouse=True)
def fresh_clock_config():
    """Tests here change the calendar and commitments inside a rolled-back transaction: the
    process-wide copy must not outlive the test."""
    working.invalidate_local()
    yield
    working.invalidate_local()
