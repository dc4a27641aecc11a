"""Fixtures in personas, for every app's tests."""

import pytest

from mithaq.testing import make_case, make_org


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
