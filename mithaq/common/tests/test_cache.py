import os
import threading

import pytest
from django.core.cache import CacheHandler
from django.test import override_settings

REDIS_URL = os.environ.get("MITHAQ_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
SETTINGS = {"default": {"BACKEND": "mithaq.common.cache.RedisCache", "LOCATION": REDIS_URL}}


@pytest.fixture
def redis_up():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")


def _cache_of_a_new_request():
    """What a request gets under ASGI: a cache object of its own context and thread."""
    seen = []
    with override_settings(CACHES=SETTINGS):
        thread = threading.Thread(target=lambda: seen.append(CacheHandler()["default"]))
        thread.start()
        thread.join()
    return seen[0]


def test_the_requests_cache_objects_share_one_connection_to_redis(redis_up):
    first, second = _cache_of_a_new_request(), _cache_of_a_new_request()
    assert first is not second
    first.set("mithaq-test:shared", "قيمة", 30)
    assert second.get("mithaq-test:shared") == "قيمة"
    for _ in range(5):
        _cache_of_a_new_request().get("mithaq-test:shared")
    assert first._cache is second._cache
    (pool,) = first._cache._pools.values()
    assert pool._created_connections == 1
    second.delete("mithaq-test:shared")


def test_other_servers_get_their_own_client(redis_up):
    other = REDIS_URL.rsplit("/", 1)[0] + "/4"
    with override_settings(
        CACHES={"default": {"BACKEND": "mithaq.common.cache.RedisCache", "LOCATION": other}}
    ):
        theirs = CacheHandler()["default"]
    assert theirs._cache is not _cache_of_a_new_request()._cache


def test_each_operation_uses_the_same_redis_client(redis_up):
    cache = _cache_of_a_new_request()
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    cache.set("mithaq-test:one", 1, 30)
    assert cache.get("mithaq-test:one") == 1
    cache.delete("mithaq-test:one")
