"""The sign-in lookups that every page makes (mithaq.accounts.signin) answer as Django's and
django_otp's do: a session of a person made inactive, or whose device is gone, unconfirmed or
someone else's, opens nothing."""

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from mithaq.accounts.signin import ModelBackend
from mithaq.accounts.tests.test_two_factor import code_for, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _second_factor_required(settings):
    settings.MITHAQ_REQUIRE_STAFF_2FA = True


def _verified(client, user, device):
    sign_in(client, user)
    assert client.post(reverse("accounts:verify"), {"code": code_for(device)}).status_code == 302
    assert client.get(reverse("cases:inbox")).status_code == 200


def _inbox_sends_to(client) -> str | None:
    """Where the inbox redirects this client (the path, without its `next`), if it does."""
    response = client.get(reverse("cases:inbox"))
    return response["Location"].split("?")[0] if response.status_code == 302 else None


def _device(user, **extra):
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True, **extra)


def test_a_verified_session_stays_verified(org, client):
    _verified(client, org.officer_a, _device(org.officer_a))
    assert client.get(reverse("cases:inbox")).status_code == 200


def test_a_person_made_inactive_is_signed_out(org, client):
    _verified(client, org.officer_a, _device(org.officer_a))
    org.officer_a.is_active = False
    org.officer_a.save(update_fields=["is_active"])
    assert _inbox_sends_to(client) == reverse("accounts:login")


def test_a_removed_device_asks_for_the_code_again(org, client):
    device = _device(org.officer_a)
    _verified(client, org.officer_a, device)
    device.delete()
    _device(org.officer_a, key=TOTPDevice().key)  # enrolled again, with another key
    assert _inbox_sends_to(client) == reverse("accounts:verify")


def test_an_unconfirmed_device_verifies_nothing(org, client):
    device = _device(org.officer_a)
    _verified(client, org.officer_a, device)
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    # Not verified, and with no confirmed device: to enrolment.
    assert _inbox_sends_to(client) == reverse("accounts:enroll")


def test_someone_elses_device_in_the_session_verifies_nothing(org, client):
    mine = _device(org.officer_a)
    theirs = StaticDevice.objects.create(user=org.officer_b, name="backup codes", confirmed=True)
    _verified(client, org.officer_a, mine)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = theirs.persistent_id
    session.save()
    assert _inbox_sends_to(client) == reverse("accounts:verify")
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_malformed_device_id_verifies_nothing(org, client):
    _verified(client, org.officer_a, _device(org.officer_a))
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = "otp_totp.totpdevice/١٢"  # not ASCII digits
    session.save()
    assert _inbox_sends_to(client) == reverse("accounts:verify")


def test_the_backend_finds_active_people_only(org):
    backend = ModelBackend()
    assert backend.get_user(org.officer_a.pk) == org.officer_a
    assert backend.get_user(str(org.officer_a.pk)) == org.officer_a  # Django's own path
    assert backend.get_user(10**9) is None
    org.officer_a.is_active = False
    org.officer_a.save(update_fields=["is_active"])
    assert backend.get_user(org.officer_a.pk) is None


def test_a_verified_page_reads_the_person_with_their_device_in_one_query(org, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    device = _device(org.officer_a)
    _verified(client, org.officer_a, device)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("cases:inbox")).status_code == 200
    device_reads = [q["sql"] for q in ctx.captured_queries if "otp_totp_totpdevice" in q["sql"]]
    assert len(device_reads) == 1 and '"accounts_user"' in device_reads[0]
    person_reads = [
        q["sql"]
        for q in ctx.captured_queries
        if 'FROM "accounts_user" WHERE "accounts_user"."id" =' in q["sql"]
    ]
    assert person_reads == []
