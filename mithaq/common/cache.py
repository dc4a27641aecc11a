"""Django's Redis cache with one client, and so one connection pool, per process.

Django keeps a cache object per context (asgiref's Local): under ASGI every request runs in a
context, and a thread, of its own, so every request built a new RedisCacheClient with a new
connection pool and opened a new connection to Redis for its first cache read (redis-py also
looks up its own version in the installed packages' metadata for each new connection). That
was a fifth of a typed inbox search's time once sessions and recent searches were read from
Redis. Here the client of a given set of servers and options is made once per process and
shared by every cache object; redis-py's pools are thread-safe and start afresh after a fork.
The client also keeps the redis.Redis object of each pool: Django made a new one for every
cache operation, and redis-py builds a table of a few hundred reply handlers for each.
"""

import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.cache.backends import redis as django_redis
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.functional import cached_property

_clients: dict = {}
_lock = threading.Lock()


class RedisCacheClient(django_redis.RedisCacheClient):
    # Django's own, left out of the stubs.
    _get_connection_pool: Callable[[bool], Any]
    _client: type

    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._redis: dict = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._redis.get(id(pool))
        if client is None:
            client = self._redis[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    # Django's own, left out of the stubs.
    _servers: list[str]
    _options: dict[str, Any]

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    @cached_property
    def _cache(self):
        key = (tuple(self._servers), self._class, repr(sorted(self._options.items())))
        with _lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = self._class(self._servers, **self._options)
        return client

    def count_in_window(self, key: str, window: int) -> int:
        """One more hit for `key` in a window of `window` seconds that starts at its first
        hit, and the hits so far, in one round trip (MULTI: nothing can expire the key
        between the window's start and the count); Django's incr() reads the same counter."""
        full_key = self.make_and_validate_key(key)
        pipe = self._cache.get_client(write=True).pipeline(transaction=True)
        pipe.set(full_key, 0, ex=window, nx=True)
        pipe.incr(full_key)
        _started, hits = pipe.execute()
        return hits


class ProcessCopy:
    """A value worked out from the database (a configuration: rules, templates, a calendar),
    kept in each process and used without a round trip to the cache.

    A change calls invalidate(): it bumps a version in the shared cache (Redis when
    configured) now and again once the transaction commits, so that nobody keeps a value read
    in between. The process that made the change reloads at once; every other one looks at
    the version at most every `check_every` seconds (each look is a round trip that every
    page would pay otherwise), and reloads at most `max_age` seconds after loading, even with
    a per-process cache. Keeping the copy in the shared cache instead cost a round trip and
    an unpickling per read: a tenth of a portal submission's work for the routing rules and
    the message templates.

    `changed_by` names the models ("app_label.Model") whose rows the value is made of: saving
    or deleting one of them invalidates it. A bulk update sends no signal: call invalidate()
    after one."""

    def __init__(
        self,
        version_key: str,
        load,
        *,
        changed_by: tuple[str, ...] = (),
        max_age: float = 300.0,
        check_every=1.0,
    ):
        self.version_key = version_key
        self._load = load
        self.max_age = max_age
        self.check_every = check_every
        self._lock = threading.Lock()
        self._state: dict = {}
        _copies.append(self)
        for model in changed_by:
            for signal in (post_save, post_delete):
                signal.connect(
                    self._row_changed,
                    sender=model,  # resolved once the model is loaded
                    weak=False,
                    dispatch_uid=f"{version_key}:{model}:{signal is post_save}",
                )

    def _row_changed(self, sender, **kwargs) -> None:
        self.invalidate()

    def get(self):
        now = time.monotonic()
        with self._lock:
            state = self._state
            if state and now - state["checked"] < self.check_every:
                return state["value"]
        version = cache.get(self.version_key, 0)
        with self._lock:
            state = self._state
            if state and state["version"] == version and now - state["at"] < self.max_age:
                state["checked"] = now
                return state["value"]
        value = self._load()
        with self._lock:
            self._state = {"value": value, "version": version, "at": now, "checked": now}
        return value

    def peek(self):
        """This process's copy, or None when it has none (tests)."""
        return self._state.get("value")

    def invalidate(self) -> None:
        """Forget the value here and in every other process, now and after the commit."""

        def bump():
            try:
                cache.incr(self.version_key)
            except ValueError:
                cache.set(self.version_key, 1, None)
            self.invalidate_local()

        bump()
        transaction.on_commit(bump)

    def invalidate_local(self) -> None:
        """Forget this process's copy only (tests, whose changes roll back)."""
        with self._lock:
            self._state = {}


_copies: list[ProcessCopy] = []


def invalidate_local_copies() -> None:
    """Forget every process copy in this process (before each test)."""
    for copy in _copies:
        copy.invalidate_local()
