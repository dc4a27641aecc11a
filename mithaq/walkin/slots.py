"""Open display streams per client address, counted across every process (issue 19,
finding 6): one uvicorn process cannot see another's streams, so the count lives in a store
they share, Redis when settings.MITHAQ_DISPLAY_SLOTS_REDIS_URL names one (a sorted set per
address, each stream a member scored by when it lapses), the database otherwise
(`DisplayStreamSlot` rows, taken under a lock).

A stream takes a slot when it opens, keeps it alive at its heartbeats and gives it back when
it ends. A slot whose stream stopped keeping it (its process was killed) lapses after
settings.MITHAQ_DISPLAY_SLOT_SECONDS, so a dead process holds no place for long. Addresses are
stored as a keyed hash, never as they are.
"""

import datetime
import functools
import hashlib
import logging
import secrets
from typing import Protocol

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import DisplayStreamSlot

logger = logging.getLogger(__name__)

_PREFIX = "mithaq:display-slots:"

# Drops the lapsed members, then takes a place if one is free: one step, whoever else asks.
_TAKE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
"""


def address_key(address: str) -> str:
    return salted_hmac("mithaq.walkin.slots", address, algorithm="sha256").hexdigest()


def new_token() -> str:
    return secrets.token_hex(16)


class SlotStore(Protocol):
    def take(self, key: str, token: str, *, limit: int, seconds: int) -> bool: ...
    def keep(self, key: str, token: str, *, seconds: int) -> None: ...
    def give_back(self, key: str, token: str) -> None: ...
    def count(self, key: str) -> int: ...


class RedisSlots:
    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.script = self.client.register_script(_TAKE)

    def take(self, key: str, token: str, *, limit: int, seconds: int) -> bool:
        now = timezone.now().timestamp()
        args: list[str | float] = [token, now, now + seconds, limit, seconds * 2000]
        return bool(self.script(keys=[_PREFIX + key], args=args))

    def keep(self, key: str, token: str, *, seconds: int) -> None:
        pipe = self.client.pipeline()
        # XX: a slot that lapsed meanwhile is not taken back past the cap.
        pipe.zadd(_PREFIX + key, {token: timezone.now().timestamp() + seconds}, xx=True)
        pipe.pexpire(_PREFIX + key, seconds * 2000)
        pipe.execute()

    def give_back(self, key: str, token: str) -> None:
        self.client.zrem(_PREFIX + key, token)

    def count(self, key: str) -> int:
        return int(self.client.zcount(_PREFIX + key, timezone.now().timestamp(), "+inf"))


def _lock_number(key: str) -> int:
    # A signed 64-bit number of this address, for PostgreSQL's advisory lock.
    return int.from_bytes(hashlib.sha256(b"slots:" + key.encode()).digest()[:8], "big", signed=True)


def _release_connection() -> None:
    # Called from a stream's thread: a display must not hold a database connection for hours.
    if not connection.in_atomic_block:
        connection.close()


class DatabaseSlots:
    def take(self, key: str, token: str, *, limit: int, seconds: int) -> bool:
        now = timezone.now()
        try:
            with transaction.atomic():
                # SQLite runs one writer at a time (transaction_mode IMMEDIATE); PostgreSQL
                # serialises the takers of one address under an advisory lock.
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_number(key)])
                DisplayStreamSlot.objects.filter(expires_at__lte=now).delete()
                if DisplayStreamSlot.objects.filter(address_key=key).count() >= limit:
                    return False
                DisplayStreamSlot.objects.create(
                    address_key=key,
                    token=token,
                    expires_at=now + datetime.timedelta(seconds=seconds),
                )
                return True
        finally:
            _release_connection()

    def keep(self, key: str, token: str, *, seconds: int) -> None:
        try:
            DisplayStreamSlot.objects.filter(token=token).update(
                expires_at=timezone.now() + datetime.timedelta(seconds=seconds)
            )
        finally:
            _release_connection()

    def give_back(self, key: str, token: str) -> None:
        try:
            DisplayStreamSlot.objects.filter(token=token).delete()
        finally:
            _release_connection()

    def count(self, key: str) -> int:
        try:
            return DisplayStreamSlot.objects.filter(
                address_key=key, expires_at__gt=timezone.now()
            ).count()
        finally:
            _release_connection()


@functools.cache
def _redis_slots(url: str) -> RedisSlots:
    return RedisSlots(url)


def store() -> SlotStore:
    """The shared store this process counts in (one Redis client per process and URL)."""
    url = settings.MITHAQ_DISPLAY_SLOTS_REDIS_URL
    return _redis_slots(url) if url else DatabaseSlots()
