"""Setting up the second factor needs a one-time enrolment code from an administrator: the
password alone enrols nobody. The authenticator is made once and kept until confirmed."""

import datetime

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mithaq.accounts.models import EnrolmentCode
from mithaq.accounts.two_factor import issue_enrolment_code
from mithaq.testing import PASSWORD

ENROL = reverse("accounts:enroll")
ISSUE = reverse("accounts:enrolment_codes")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the wrong-code limit counts in the cache


def sign_in(client, user):
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302


def code_for(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@override_settings(MITHAQ_REQUIRE_STAFF_2FA=True)
def test_the_password_alone_shows_no_authenticator_key(org, client):
    sign_in(client, org.officer_a)
    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="enrolment_code"' in html
    assert "<svg" not in html
    assert not TOTPDevice.objects.filter(user=org.officer_a).exists()
    # Posting an authenticator code without an enrolment code confirms nothing either.
    client.post(ENROL, {"code": "123456"})
    assert not TOTPDevice.objects.filter(user=org.officer_a).exists()


@override_settings(MITHAQ_REQUIRE_STAFF_2FA=True)
def test_the_authenticator_is_made_once_and_kept_until_confirmed(org, client):
    sign_in(client, org.officer_a)
    code, _row = issue_enrolment_code(user=org.officer_a, issued_by=org.administrator)
    assert client.post(ENROL, {"enrolment_code": code.lower()}).status_code == 302
    first = client.get(ENROL)
    device = TOTPDevice.objects.get(user=org.officer_a, confirmed=False)
    again = client.get(ENROL)
    assert TOTPDevice.objects.get(user=org.officer_a, confirmed=False).key == device.key
    assert first.context["secret"] == again.context["secret"]
    done = client.post(ENROL, {"code": code_for(device)})
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    assert client.get(reverse("cases:inbox")).status_code == 200


@override_settings(MITHAQ_REQUIRE_STAFF_2FA=True)
def test_an_enrolment_code_works_once(org, client):
    code, _row = issue_enrolment_code(user=org.officer_a, issued_by=org.administrator)
    sign_in(client, org.officer_a)
    assert client.post(ENROL, {"enrolment_code": code}).status_code == 302
    client.logout()
    sign_in(client, org.officer_a)
    again = client.post(ENROL, {"enrolment_code": code})
    assert again.status_code == 400
    assert again.context["form"].errors["enrolment_code"]


@override_settings(MITHAQ_REQUIRE_STAFF_2FA=True, MITHAQ_ENROLMENT_CODE_HOURS=72)
def test_an_expired_or_someone_elses_code_is_refused(org, client):
    old, _row = issue_enrolment_code(
        user=org.officer_a,
        issued_by=org.administrator,
        now=timezone.now() - datetime.timedelta(hours=73),
    )
    others, _row = issue_enrolment_code(user=org.officer_b, issued_by=org.administrator)
    sign_in(client, org.officer_a)
    assert client.post(ENROL, {"enrolment_code": old}).status_code == 400
    assert client.post(ENROL, {"enrolment_code": others}).status_code == 400
    assert not TOTPDevice.objects.filter(user=org.officer_a).exists()


@override_settings(MITHAQ_REQUIRE_STAFF_2FA=True)
def test_guessing_is_limited_even_the_right_code_waits(org, client):
    code, _row = issue_enrolment_code(user=org.officer_a, issued_by=org.administrator)
    sign_in(client, org.officer_a)
    for _ in range(5):
        assert client.post(ENROL, {"enrolment_code": "AAAAA-AAAAA"}).status_code == 400
    assert client.post(ENROL, {"enrolment_code": code}).status_code == 400


def test_a_new_code_replaces_the_unused_one_and_codes_are_stored_hashed(org):
    first, _row = issue_enrolment_code(user=org.officer_a, issued_by=org.administrator)
    second, row = issue_enrolment_code(user=org.officer_a, issued_by=org.administrator)
    assert first != second
    assert list(EnrolmentCode.objects.filter(user=org.officer_a)) == [row]
    assert second.replace("-", "") not in row.code_hash


@pytest.mark.parametrize("persona", ["office_manager", "administrator"])
def test_office_administrators_give_a_code_shown_once(org, login, persona):
    client = login(getattr(org, persona))
    client.cookies["django_language"] = "en"
    page = client.get(ISSUE)
    assert page.status_code == 200
    issued = client.post(ISSUE, {"user": org.officer_a.pk})
    assert issued.status_code == 200
    code = issued.context["issued"]["code"]
    assert code in issued.content.decode()
    row = EnrolmentCode.objects.get(user=org.officer_a)
    assert row.issued_by == getattr(org, persona)
    assert code not in client.get(ISSUE).content.decode()


@pytest.mark.parametrize("persona", ["officer_a", "auditor", "reception"])
def test_other_staff_cannot_give_codes(org, login, persona):
    client = login(getattr(org, persona))
    assert client.get(ISSUE).status_code == 404
    assert client.post(ISSUE, {"user": org.officer_a.pk}).status_code == 404
    assert not EnrolmentCode.objects.exists()


def test_a_person_with_a_verified_factor_moves_to_a_new_phone_without_a_code(org, client):
    device = TOTPDevice.objects.create(user=org.officer_a, name="authenticator", confirmed=True)
    sign_in(client, org.officer_a)
    client.post(reverse("accounts:verify"), {"code": code_for(device)})
    page = client.get(ENROL)
    assert page.status_code == 200 and "<svg" in page.content.decode()


def test_the_admin_action_gives_a_code(org, client):
    client.force_login(org.admin)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "issue_enrolment_codes", "_selected_action": [org.officer_a.pk]},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    row = EnrolmentCode.objects.get(user=org.officer_a)
    assert row.issued_by == org.admin
    assert len(shown) == 1 and str(org.officer_a) in shown[0]
