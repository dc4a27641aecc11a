"""Counting requests per key in a time window, in the shared cache."""

from django.core.cache import cache, caches


def over_limit(key: str, *, limit: int, window: int) -> bool:
    """Count one hit for `key`; True once more than `limit` hits fell in the window."""
    key = f"mithaq:ratelimit:{key}"
    hits = _count_in_redis(key, window)
    if hits is None:
        cache.add(key, 0, timeout=window)
        try:
            hits = cache.incr(key)
        except ValueError:  # the window ended between add() and incr()
            cache.set(key, 1, timeout=window)
            hits = 1
    return hits > limit


def _count_in_redis(key: str, window: int) -> int | None:
    """With Redis, the window's start and the count in one round trip (MULTI: nothing can
    expire the key between the two); None with another cache."""
    from mithaq.common.cache import RedisCache

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    full_key = backend.make_and_validate_key(key)
    pipe = backend._cache.get_client(write=True).pipeline(transaction=True)
    pipe.set(full_key, 0, ex=window, nx=True)
    pipe.incr(full_key)
    _started, hits = pipe.execute()
    return hits


def client_address(request) -> str:
    """The client's address as the ASGI server saw it (uvicorn --proxy-headers puts the
    proxy's forwarded address there, from the proxies it trusts)."""
    return request.META.get("REMOTE_ADDR", "")
