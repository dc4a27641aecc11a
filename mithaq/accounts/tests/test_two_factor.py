"""The staff second factor: enrolment, verification, backup codes, and the gate."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mithaq.accounts.two_factor import issue_enrolment_code
from mithaq.testing import PASSWORD


def code_for(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(client, user):
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return response


@override_settings(MITHAQ_REQUIRE_STAFF_2FA=True)
def test_required_second_factor_sends_new_staff_to_enrolment(org, client):
    sign_in(client, org.officer_a)
    response = client.get(reverse("cases:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:enroll"))


def give_enrolment_code(client, user) -> None:
    """The administrator gives `user` a code, which they type on the enrolment page."""
    code, _row = issue_enrolment_code(user=user, issued_by=None)
    response = client.post(reverse("accounts:enroll"), {"enrolment_code": code})
    assert response.status_code == 302


@override_settings(MITHAQ_REQUIRE_STAFF_2FA=True)
def test_enrolment_with_the_right_code_opens_the_inbox_and_gives_backup_codes(org, client):
    sign_in(client, org.officer_a)
    give_enrolment_code(client, org.officer_a)
    page = client.get(reverse("accounts:enroll"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=org.officer_a, confirmed=False)
    done = client.post(reverse("accounts:enroll"), {"code": code_for(device)})
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("cases:inbox")).status_code == 200


@override_settings(MITHAQ_REQUIRE_STAFF_2FA=True)
def test_wrong_enrolment_code_confirms_nothing(org, client):
    sign_in(client, org.officer_a)
    give_enrolment_code(client, org.officer_a)
    client.get(reverse("accounts:enroll"))
    response = client.post(reverse("accounts:enroll"), {"code": "000000"})
    assert response.status_code == 400 and response.context["form"].errors["code"]
    assert not TOTPDevice.objects.filter(user=org.officer_a, confirmed=True).exists()
    assert client.get(reverse("cases:inbox")).status_code == 302


def _enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


@pytest.mark.parametrize("required", [True, False])
def test_enrolled_staff_are_always_asked_for_the_code(org, client, settings, required):
    settings.MITHAQ_REQUIRE_STAFF_2FA = required
    # A wrong code makes django-otp wait before the next try; not what this test is about.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = _enrolled(org.officer_a)
    sign_in(client, org.officer_a)
    response = client.get(reverse("cases:inbox"))
    assert response["Location"].startswith(reverse("accounts:verify"))
    wrong = client.post(reverse("accounts:verify"), {"code": "123456"})
    assert wrong.status_code == 400
    ok = client.post(
        reverse("accounts:verify"), {"code": code_for(device), "next": reverse("cases:inbox")}
    )
    assert ok.status_code == 302 and ok["Location"] == reverse("cases:inbox")
    assert client.get(reverse("cases:inbox")).status_code == 200


def test_code_typed_in_arabic_indic_digits_is_accepted(org, client):
    device = _enrolled(org.officer_a)
    sign_in(client, org.officer_a)
    arabic = code_for(device).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = client.post(reverse("accounts:verify"), {"code": arabic})
    assert response.status_code == 302


def test_backup_code_works_once(org, client):
    from mithaq.accounts.two_factor import renew_backup_codes

    _enrolled(org.officer_a)
    codes = renew_backup_codes(user=org.officer_a)
    sign_in(client, org.officer_a)
    assert client.post(reverse("accounts:verify"), {"code": codes[0]}).status_code == 302
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    client.logout()
    sign_in(client, org.officer_a)
    assert client.post(reverse("accounts:verify"), {"code": codes[0]}).status_code == 400


def test_verify_refuses_an_outside_next_url(org, client):
    device = _enrolled(org.officer_a)
    sign_in(client, org.officer_a)
    response = client.post(
        reverse("accounts:verify"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("cases:inbox")


def test_admin_needs_the_second_factor_too(org, client):
    device = _enrolled(org.admin)
    sign_in(client, org.admin)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:verify"))
    client.post(reverse("accounts:verify"), {"code": code_for(device)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_login_page_sends_to_the_one_sign_in(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


def test_security_page_offers_enrolment_then_renews_backup_codes(org, login):
    client = login(org.officer_a)
    page = client.get(reverse("accounts:security"))
    assert page.context["enrolled"] is False
    assert reverse("accounts:enroll") in page.content.decode()
    _enrolled(org.officer_a)
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice as Device

    session = client.session
    session["otp_device_id"] = Device.objects.get(user=org.officer_a).persistent_id
    session.save()
    renewed = client.post(reverse("accounts:security"))
    assert renewed.status_code == 200 and len(renewed.context["codes"]) == 10
    assert StaticDevice.objects.get(user=org.officer_a).token_set.count() == 10


def test_wrong_code_slows_down_the_next_try(org, client):
    device = _enrolled(org.officer_a)
    sign_in(client, org.officer_a)
    client.post(reverse("accounts:verify"), {"code": "000000"})
    assert client.post(reverse("accounts:verify"), {"code": code_for(device)}).status_code == 400
