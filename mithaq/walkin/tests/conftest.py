"""The hall's fixtures, on top of the shared personas."""

import datetime

import pytest

from mithaq.walkin.testing import make_hall

# 10:00 in Baghdad (UTC+3), a working morning.
MORNING = datetime.datetime(2026, 11, 23, 7, 0, tzinfo=datetime.UTC)


@pytest.fixture
def hw(org):
    return make_hall(org)


@pytest.fixture
def at():
    """at(minutes) is MORNING plus that many minutes: time passes only when a test says so."""

    def _at(minutes: float = 0) -> datetime.datetime:
        return MORNING + datetime.timedelta(minutes=minutes)

    return _at
