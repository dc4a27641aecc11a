"""The staff second factor: an authenticator app (TOTP) and one-time backup codes.

Required for staff when settings.MITHAQ_REQUIRE_STAFF_2FA is on (the default outside
development); whoever has enrolled is always asked, whatever the setting."""

import base64

import django_otp
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODES = 10
# Set in a session once we know its user has no device, so that every page does not ask the
# database again; enrolling (in this session) verifies it, and a new sign-in starts afresh.
_NO_DEVICE_KEY = "mithaq_no_second_factor"


def has_second_factor(user) -> bool:
    return django_otp.user_has_device(user, confirmed=True)


def second_factor_problem(request) -> str | None:
    """None when the request may go on; otherwise "verify" or "enroll"."""
    user = request.user
    if user.is_verified():
        return None
    if request.session.get(_NO_DEVICE_KEY) != user.pk:
        if has_second_factor(user):
            return "verify"
        request.session[_NO_DEVICE_KEY] = user.pk
    if settings.MITHAQ_REQUIRE_STAFF_2FA:
        return "enroll"
    return None


@transaction.atomic
def start_enrolment(*, user) -> TOTPDevice:
    """A fresh, unconfirmed authenticator for `user` (any earlier unconfirmed one is dropped)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def pending_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


def secret_for_display(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def confirm_enrolment(*, request, token: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from it. Returns the new backup codes
    (shown once), or None when the code is wrong. The request is then verified."""
    user = request.user
    device = pending_device(user)
    if device is None or not device.verify_token(token.strip()):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = renew_backup_codes(user=user)
    django_otp.login(request, device)
    return codes


@transaction.atomic
def renew_backup_codes(*, user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="backup codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def verify(*, request, token: str) -> bool:
    """Check a code from the authenticator or a backup code; a backup code is used up."""
    device = django_otp.match_token(request.user, token.strip().replace(" ", ""))
    if device is None:
        return False
    django_otp.login(request, device)
    return True
