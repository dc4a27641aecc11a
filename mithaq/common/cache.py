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
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.cache.backends import redis as django_redis
from django.db import transaction
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

    A change calls invalidate(). Once its transaction commits (at once outside one), a new
    version is written in the shared cache (Redis, or the files `make run`'s processes share)
    and this process drops its copy; a rolled-back change writes nothing. Until the commit,
    reads in the transaction that made the change load the value afresh and keep nothing:
    no copy ever holds rows that were not committed. The process that made the change
    reloads at once; every other one looks at the version at most every `check_every`
    seconds (each look is a round trip that every page would pay otherwise), and reloads at
    most `max_age` seconds after loading, even with a per-process cache. Keeping the copy in
    the shared cache instead cost a round trip and an unpickling per read: a tenth of a
    portal submission's work for the routing rules and the message templates.

    A test case's own transaction (Django's TestCase, pytest-django's `db`) stands for
    autocommit here, as it does for Django's durable blocks: it never commits.

    `changed_by` names the models ("app_label.Model") whose rows the value is made of. No
    signal is listened to: every write path of those rows (a service function, an admin
    class, an office's page, a bulk update) says so itself with rows_changed(), which
    invalidates every copy made of them, whichever app keeps it."""

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
        # Counts the drops of this process's copy: a value loaded across one is not kept.
        self._generation = 0
        self.changed_by = frozenset(changed_by)
        _copies.append(self)

    def get(self):
        if self._changed_in_this_transaction():
            return self._load()
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
            generation = self._generation
        value = self._load()
        with self._lock:
            if self._generation == generation:
                self._state = {"value": value, "version": version, "at": now, "checked": now}
        return value

    def derived(self, key, make):
        """`make(copy)`, kept with this process's copy under `key` and dropped with it: a
        page's rendering of rows that change a few times a year. A copy read afresh (in a
        transaction that changes its rows) keeps nothing."""
        value = self.get()
        with self._lock:
            state = self._state
            kept = state.setdefault("derived", {}) if state.get("value") is value else None
            if kept is not None and key in kept:
                return kept[key]
        result = make(value)
        with self._lock:
            if kept is not None and self._state is state:
                kept[key] = result
        return result

    def peek(self):
        """This process's copy, or None when it has none (tests)."""
        return self._state.get("value")

    def invalidate(self) -> None:
        """Forget the value here and in every other process once the change commits."""
        connection = transaction.get_connection()
        opened = _transaction_opened_at(connection)
        if opened is None:
            # Autocommit: the change is committed already. Inside a test case's own blocks,
            # which stand for autocommit, the tests' captured on-commit callbacks say "now
            # it is committed" once more.
            self._committed()
            if connection.in_atomic_block:
                connection.on_commit(self._committed)
            return
        # Dropped now as well: whatever this process loads before the commit is read from
        # the database (this transaction's own reads are never kept, see get()).
        self.invalidate_local()
        connection.on_commit(_AfterCommit(self, opened, connection.atomic_blocks[opened]))

    def _committed(self) -> None:
        # A new token rather than an increment: with a cache whose incr is a read and a
        # write (files, the database), two changes at once could both write the same number.
        cache.set(self.version_key, uuid.uuid4().hex, None)
        self.invalidate_local()

    def _changed_in_this_transaction(self) -> bool:
        connection = transaction.get_connection()
        if not connection.in_atomic_block:
            return False
        for _sids, callback, _robust in connection.run_on_commit:
            if (
                isinstance(callback, _AfterCommit)
                and callback.copy is self
                and not callback.done
                and callback.opened < len(connection.atomic_blocks)
                and connection.atomic_blocks[callback.opened] is callback.block
            ):
                return True
        return False

    def invalidate_local(self) -> None:
        """Forget this process's copy only (tests, whose changes roll back)."""
        with self._lock:
            self._state = {}
            self._generation += 1


class _AfterCommit:
    """A change's on-commit callback; while it waits, its transaction reads afresh."""

    def __init__(self, copy: ProcessCopy, opened: int, block):
        self.copy = copy
        # The block that opened the change's transaction, and where it stands among the open
        # blocks (past a test case's own): the transaction is in progress while it is there.
        self.opened = opened
        self.block = block
        self.done = False

    def __call__(self) -> None:
        self.done = True
        self.copy._committed()


def _transaction_opened_at(connection) -> int | None:
    """The index in `connection.atomic_blocks` of the block that opened the transaction in
    progress, a test case's own blocks left out; None outside one."""
    if not connection.in_atomic_block:
        return None
    for index, block in enumerate(connection.atomic_blocks):
        if not getattr(block, "_from_testcase", False):
            return index
    return None


_copies: list[ProcessCopy] = []


def rows_changed(*models: str) -> None:
    """Rows of these models ("app_label.Model") were written, or are being written in the
    transaction in progress: every copy made of them is dropped in every process once it
    commits (ProcessCopy.invalidate). Called by each write path explicitly, after a save, a
    delete or a bulk update alike; a copy kept in an app above the writer's is reached
    without the writer importing it."""
    wanted = set(models)
    for copy in _copies:
        if copy.changed_by & wanted:
            copy.invalidate()


def invalidate_local_copies() -> None:
    """Forget every process copy in this process (before each test)."""
    for copy in _copies:
        copy.invalidate_local()
