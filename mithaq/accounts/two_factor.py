"""The staff second factor: an authenticator app (TOTP) and one-time backup codes.

Required for staff when settings.MITHAQ_REQUIRE_STAFF_2FA is on (the default outside
development); whoever has enrolled is always asked, whatever the setting. A first enrolment
needs a one-time enrolment code from an administrator (`issue_enrolment_code`), so that the
password alone does not let anyone set up the factor."""

import base64
import datetime
import secrets

import django_otp
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mithaq.common.ratelimit import over_limit
from mithaq.common.text import to_ascii_digits

from .models import EnrolmentCode, User

BACKUP_CODES = 10
# Set in a session once we know its user has no device, so that every page does not ask the
# database again; enrolling (in this session) verifies it, and a new sign-in starts afresh.
_NO_DEVICE_KEY = "mithaq_no_second_factor"
# Set in a session once its user has given a valid enrolment code.
_ENROLMENT_OPEN_KEY = "mithaq_enrolment_open"
# Enrolment codes read aloud or typed from a note: no 0/O, 1/I/L.
_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_ATTEMPTS = 5  # wrong enrolment codes per person in 15 minutes


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


def normalize_enrolment_code(code: str) -> str:
    return "".join(c for c in to_ascii_digits(code).upper() if c.isalnum())


@transaction.atomic
def issue_enrolment_code(
    *, user: User, issued_by: User | None, now: datetime.datetime | None = None
) -> tuple[str, EnrolmentCode]:
    """A new enrolment code for `user`, shown once to the administrator who gives it; any
    earlier unused code of theirs stops working. Stored hashed, like a password."""
    now = now or timezone.now()
    EnrolmentCode.objects.filter(user=user, used_at__isnull=True).delete()
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
    row = EnrolmentCode.objects.create(
        user=user,
        code_hash=make_password(code),
        issued_by=issued_by,
        created_at=now,
        expires_at=now + datetime.timedelta(hours=settings.MITHAQ_ENROLMENT_CODE_HOURS),
    )
    return f"{code[:5]}-{code[5:]}", row


def may_enrol(request) -> bool:
    """Whether this session may set up an authenticator: its person gave a valid enrolment
    code in it, or already has a second factor and proved it in this session (a new phone)."""
    user = request.user
    if request.session.get(_ENROLMENT_OPEN_KEY) == user.pk:
        return True
    return user.is_verified() and has_second_factor(user)


@transaction.atomic
def redeem_enrolment_code(*, request, code: str, now: datetime.datetime | None = None) -> bool:
    """Check the enrolment code; a right one is used up, opens enrolment in this session and
    makes the authenticator to set up. Wrong tries are limited per person."""
    user = request.user
    if over_limit(f"enrolment-code:{user.pk}", limit=CODE_ATTEMPTS, window=15 * 60):
        return False
    now = now or timezone.now()
    wanted = normalize_enrolment_code(code)
    live = EnrolmentCode.objects.select_for_update().filter(
        user=user, used_at__isnull=True, expires_at__gt=now
    )
    for row in live:
        if check_password(wanted, row.code_hash):
            row.used_at = now
            row.save(update_fields=["used_at"])
            request.session[_ENROLMENT_OPEN_KEY] = user.pk
            start_enrolment(user=user)
            return True
    return False


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
    request.session.pop(_ENROLMENT_OPEN_KEY, None)
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
