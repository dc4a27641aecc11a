"""Fixtures in personas, for every app's tests."""

import pytest

from mithaq.testing import make_case, make_org


@pytest.fixture(autouse=True)
def _fresh_clock_config():
    """The charter's configuration is cached per process and refreshed on commit; a test's
    rolled-back changes must not leak into the next test."""
    from django.core.cache import cache

    from mithaq.routing import calendar

    calendar.invalidate_local()
    cache.clear()
    yield
    calendar.invalidate_local()


@pytest.fixture
def org(db):
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
