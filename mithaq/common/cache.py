"""Django's Redis cache with one client, and so one connection pool, per process.

Django keeps a cache object per context (asgiref's Local): under ASGI every request runs in a
context, and a thread, of its own, so every request built a new RedisCacheClient with a new
connection pool and opened a new connection to Redis for its first cache read (redis-py also
looks up its own version in the installed packages' metadata for each new connection). That
was a fifth of a typed inbox search's time once sessions and recent searches were read from
Redis. Here the client of a given set of servers and options is made once per process and
shared by every cache object; redis-py's pools are thread-safe and start afresh after a fork.
"""

import threading

from django.core.cache.backends import redis as django_redis
from django.utils.functional import cached_property

_clients: dict = {}
_lock = threading.Lock()


class RedisCache(django_redis.RedisCache):
    @cached_property
    def _cache(self):
        key = (tuple(self._servers), self._class, repr(sorted(self._options.items())))
        with _lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = self._class(self._servers, **self._options)
        return client
