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

from django.core.cache.backends import redis as django_redis
from django.utils.functional import cached_property

_clients: dict = {}
_lock = threading.Lock()


class RedisCacheClient(django_redis.RedisCacheClient):
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
