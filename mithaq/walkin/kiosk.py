"""The hall's device screens. Which browsers may take tickets at a hall's kiosk (issue 19,
finding 3): a browser a supervisor enrolled (a KioskDevice, named by a signed cookie, until
it is revoked), or any browser on one of the hall's kiosk networks (Hall.kiosk_networks). A
tap from anywhere else is refused: else anyone, anywhere, could fill the hall's queue and its
TV. A window's rating tablet is enrolled the same way, for its window (`window_screen`): it
works without a staff session, which would end after the staff's idle limit."""

import functools
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from mithaq.accounts.decorators import staff_required
from mithaq.common.ratelimit import client_address, over_limit

from . import access as hall_access
from . import selectors
from .models import Counter, Hall, KioskDevice, parse_networks

COOKIE = "mithaq_kiosk"
SALT = "mithaq.walkin.kiosk"
COOKIE_MAX_AGE = 5 * 365 * 24 * 3600  # a kiosk stays enrolled until revoked


@dataclass(frozen=True)
class KioskAccess:
    """Why a tap is served: an enrolled device, or the hall's network (the address)."""

    device: KioskDevice | None
    address: str

    @property
    def limit_key(self) -> str:
        return f"kiosk:device:{self.device.pk}" if self.device else f"kiosk:net:{self.address}"


def _cookie_keys(request) -> list:
    value = request.COOKIES.get(COOKIE)
    if not value:
        return []
    try:
        keys = signing.loads(value, salt=SALT)
    except signing.BadSignature:
        return []
    return [key for key in keys[:20] if isinstance(key, str)] if isinstance(keys, list) else []


def device_for(request, hall: Hall) -> KioskDevice | None:
    """The hall's usable kiosk this browser's cookie names, or None (a window's tablet is no
    kiosk: it takes no tickets)."""
    keys = _cookie_keys(request)
    if not keys:
        return None
    return (
        KioskDevice.objects.usable().filter(hall=hall, counter__isnull=True, key__in=keys).first()
    )


def tablet_for(request, hall_code: str, number: int) -> KioskDevice | None:
    """The usable rating tablet of this window that this browser's cookie names, or None."""
    keys = _cookie_keys(request)
    if not keys:
        return None
    return (
        KioskDevice.objects.usable()
        .filter(
            hall__code=hall_code,
            hall__is_active=True,
            counter__number=number,
            counter__is_active=True,
            key__in=keys,
        )
        .select_related("hall", "counter__hall")
        .first()
    )


def window_screen(view):
    """A window's tablet page: served to the window's enrolled tablet without a session, and
    to the hall's staff as before (a staff session, with its idle and absolute limits). The
    view finds its hall and window with `screen_window`."""
    staff_view = staff_required(view)

    @functools.wraps(view)
    def wrapper(request, hall, number, *args, **kwargs):
        request.tablet_device = tablet_for(request, hall, number)
        if request.tablet_device is not None:
            return view(request, hall, number, *args, **kwargs)
        return staff_view(request, hall, number, *args, **kwargs)

    return wrapper


def screen_window(request, hall_code: str, number: int) -> tuple[Hall, Counter]:
    """The hall and window of a `window_screen` page: the enrolled tablet's, or those the
    signed-in member of staff may see (404 otherwise)."""
    device = getattr(request, "tablet_device", None)
    if device is not None:
        return device.hall, device.counter
    hall = hall_access.get_hall_for_user(request, hall_code)
    return hall, selectors.get_counter(hall, number)


def on_kiosk_network(request, hall: Hall) -> bool:
    if not hall.kiosk_networks.strip():
        return False
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(address in network for network in parse_networks(hall.kiosk_networks))


def kiosk_access(request, hall: Hall) -> KioskAccess | None:
    """How this browser may tap the hall's kiosk, or None: it may not."""
    device = device_for(request, hall)
    if device is not None or on_kiosk_network(request, hall):
        return KioskAccess(device=device, address=client_address(request))
    return None


def too_many_taps(access: KioskAccess) -> bool:
    """A kiosk is fast but not a script: MITHAQ_KIOSK_TAPS_PER_MINUTE per device (or per
    address on a kiosk network)."""
    return over_limit(access.limit_key, limit=settings.MITHAQ_KIOSK_TAPS_PER_MINUTE, window=60)


def remember_device(request, response, device: KioskDevice) -> None:
    """Sets the device cookie on this browser (keeping the devices of other halls it holds:
    one browser may be the kiosk of two halls side by side)."""
    keys: list = []
    if value := request.COOKIES.get(COOKIE):
        try:
            keys = signing.loads(value, salt=SALT)
        except signing.BadSignature:
            keys = []
    if not isinstance(keys, list):
        keys = []
    keys = [key for key in keys if isinstance(key, str) and key != device.key][-9:] + [device.key]
    response.set_cookie(
        COOKIE,
        signing.dumps(keys, salt=SALT),
        max_age=COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
