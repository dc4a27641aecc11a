"""Counting requests per key in a time window, in the shared cache."""

from django.core.cache import cache, caches


def over_limit(key: str, *, limit: int, window: int) -> bool:
    """Count one hit for `key`; True once more than `limit` hits fell in the window."""
    key = f"mithaq:ratelimit:{key}"
    count_in_window = getattr(caches["default"], "count_in_window", None)
    if count_in_window is not None:  # Redis: one round trip (mithaq.common.cache)
        hits = count_in_window(key, window)
    else:
        cache.add(key, 0, timeout=window)
        try:
            hits = cache.incr(key)
        except ValueError:  # the window ended between add() and incr()
            cache.set(key, 1, timeout=window)
            hits = 1
    return hits > limit


def client_address(request) -> str:
    """The client's address as the server saw it: behind the proxy, the one the proxy
    forwarded (config.wsgi takes it from X-Forwarded-For, mithaq.common.wsgi; uvicorn's
    --proxy-headers does the same for the streams), from the proxies it trusts."""
    return request.META.get("REMOTE_ADDR", "")
