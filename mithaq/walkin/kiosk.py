"""Which browsers may take tickets at a hall's kiosk (issue 19, finding 3): a browser a
supervisor enrolled (a KioskDevice, named by a signed cookie, until it is revoked), or any
browser on one of the hall's kiosk networks (Hall.kiosk_networks). A tap from anywhere else
is refused: else anyone, anywhere, could fill the hall's queue and its TV."""

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from mithaq.common.ratelimit import client_address, over_limit

from .models import Hall, KioskDevice, parse_networks

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


def device_for(request, hall: Hall) -> KioskDevice | None:
    """The hall's usable device this browser's cookie names, or None."""
    value = request.COOKIES.get(COOKIE)
    if not value:
        return None
    try:
        keys = signing.loads(value, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(keys, list):
        return None
    return KioskDevice.objects.usable().filter(hall=hall, key__in=keys[:20]).first()


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
