"""Failed sign-ins lock out (django-axes): five to one account from one address lock that
pair; twenty to one account from any addresses lock the account; the address counted is the
connection's, never a header the client wrote (issue 19, finding 5)."""

import pytest
from django.urls import reverse

from mithaq.testing import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = 429  # axes' lockout answer (AXES_HTTP_RESPONSE_CODE's default)


def _sign_in(client, username, password, address, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        headers=headers,
    )


def test_five_failures_from_one_address_lock_that_address_only(org, client):
    name = org.officer_a.username
    for _ in range(4):
        assert _sign_in(client, name, "wrong", "198.51.100.1").status_code == 200
    # The fifth failure locks: it is answered with the lockout page, and so is the password.
    assert _sign_in(client, name, "wrong", "198.51.100.1").status_code == LOCKED
    assert _sign_in(client, name, PASSWORD, "198.51.100.1").status_code == LOCKED
    assert _sign_in(client, name, PASSWORD, "198.51.100.2").status_code == 302


def test_a_client_rotating_x_forwarded_for_is_still_one_address(org, client):
    name = org.officer_a.username
    for n in range(5):
        _sign_in(client, name, "wrong", "198.51.100.1", forwarded=f"203.0.113.{n}")
    answer = _sign_in(client, name, PASSWORD, "198.51.100.1", forwarded="203.0.113.99")
    assert answer.status_code == LOCKED


def test_twenty_failures_to_one_account_from_twenty_addresses_lock_the_account(org, client):
    name = org.officer_a.username
    for n in range(19):
        assert _sign_in(client, name, "wrong", f"198.51.100.{n}").status_code == 200
    # Nineteen: a new address still signs in, and the attempts are forgotten on success.
    assert _sign_in(client, name, PASSWORD, "192.0.2.200").status_code == 302
    client.logout()
    for n in range(19):
        assert _sign_in(client, name, "wrong", f"198.51.100.{n}").status_code == 200
    assert _sign_in(client, name, "wrong", "198.51.100.19").status_code == LOCKED
    assert _sign_in(client, name, PASSWORD, "192.0.2.201").status_code == LOCKED
    # Someone else's account is not touched.
    assert _sign_in(client, org.officer_b.username, PASSWORD, "192.0.2.201").status_code == 302
