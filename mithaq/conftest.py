"""Fixtures in personas, for every app's tests."""

import pytest

from mithaq.testing import make_case, make_org, restore_migration_seeds


@pytest.fixture(autouse=True)
def _fresh_clock_config():
    """The charter's configuration, the routing rules and the message templates are kept per
    process and refreshed on commit (mithaq.common.cache.ProcessCopy); a test's rolled-back
    changes must not leak into the next test."""
    from django.core.cache import cache

    from mithaq.common.cache import invalidate_local_copies

    invalidate_local_copies()
    cache.clear()
    yield
    invalidate_local_copies()


@pytest.fixture
def org(db):
    # A transactional test earlier in the same worker flushed what the migrations seed (the
    # working calendar, the charter's commitments): put it back first, as every test expects.
    restore_migration_seeds()
    return make_org()


@pytest.fixture
def case_a(org):
    """A web complaint addressed to civil engineering (unit A)."""
    return make_case(org)


@pytest.fixture
def login(client):
    """login(user) signs `user` in on the test client and returns the client."""

    def _login(user):
        # force_login: the sign-in form itself (with its lockout) is tested on its own.
        client.force_login(user)
        return client

    return _login
