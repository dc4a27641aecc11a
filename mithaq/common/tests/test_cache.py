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


# --- Copies kept per process ----------------------------------------------------------------


def _copy(loads, **kwargs):
    from mithaq.common.cache import ProcessCopy

    def load():
        loads.append(len(loads) + 1)
        return loads[-1]

    return ProcessCopy("mithaq:test-copy:version", load, **kwargs)


def test_a_copy_is_loaded_once_and_kept_without_a_round_trip(monkeypatch):
    from django.core.cache import cache

    loads = []
    copy = _copy(loads)
    assert copy.get() == 1
    asked = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda *a, **k: asked.append(a) or real_get(*a, **k))
    assert copy.get() == 1 and copy.get() == 1
    assert loads == [1] and not asked


def test_a_change_here_reloads_at_once_and_elsewhere_within_a_look(monkeypatch, db):
    from django.core.cache import cache

    from mithaq.common import cache as shared

    clock = [500.0]
    monkeypatch.setattr(shared.time, "monotonic", lambda: clock[0])
    loads = []
    here, elsewhere = _copy(loads), _copy(loads)  # two processes sharing one cache
    assert here.get() == 1 and elsewhere.get() == 2
    before = cache.get(here.version_key)
    here.invalidate()  # outside a transaction of its own: committed at once
    assert here.get() == 3  # the process that made the change
    assert elsewhere.get() == 2  # the other looks again only after check_every
    clock[0] += elsewhere.check_every
    assert elsewhere.get() == 4
    assert cache.get(here.version_key) != before


def test_a_value_read_before_the_commit_does_not_outlive_it(django_capture_on_commit_callbacks, db):
    from django.db import transaction

    loads = []
    copy = _copy(loads)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        copy.invalidate()
        assert copy.get() == 1  # read inside the changing transaction: never kept
        assert copy.peek() is None
    assert copy.peek() is None
    assert copy.get() == 2


class _Undo(Exception):
    pass


def test_a_rolled_back_change_is_never_seen(db):
    from django.db import transaction

    from mithaq.notifications import services as notifications
    from mithaq.notifications.models import MessageTemplate

    row, _ = MessageTemplate.objects.update_or_create(
        event_key="received", channel="sms", language="ar", defaults={"body": "committed"}
    )
    assert notifications._template("received", "sms", "ar")[1] == "committed"
    with pytest.raises(_Undo), transaction.atomic():
        row.body = "never saved"
        row.save()
        notifications.templates_changed()  # what every write path says
        # The changing transaction reads its own change...
        assert notifications._template("received", "sms", "ar")[1] == "never saved"
        raise _Undo
    # ...and nobody keeps it once it is rolled back, here or after a look at the version.
    assert notifications._template("received", "sms", "ar")[1] == "committed"
    notifications._TEMPLATES.check_every = 0
    try:
        assert notifications._template("received", "sms", "ar")[1] == "committed"
    finally:
        notifications._TEMPLATES.check_every = 1.0


def test_an_old_copy_is_loaded_again(monkeypatch):
    from mithaq.common import cache as shared

    clock = [100.0]
    monkeypatch.setattr(shared.time, "monotonic", lambda: clock[0])
    loads = []
    copy = _copy(loads, max_age=30.0)
    assert copy.get() == 1
    clock[0] += 29.0
    assert copy.get() == 1
    clock[0] += 2.0
    assert copy.get() == 2


# --- Rate limits on Redis -------------------------------------------------------------------


def test_a_rate_limit_on_redis_counts_in_one_round_trip_and_ends_with_its_window(redis_up):
    import redis

    from mithaq.common import ratelimit

    with override_settings(CACHES=SETTINGS):
        from django.core.cache import caches

        backend = caches["default"]
        backend.delete("mithaq:ratelimit:test:ip")
        sent = []
        real = redis.client.Pipeline.execute
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(
                redis.client.Pipeline, "execute", lambda self, *a: sent.append(1) or real(self, *a)
            )
            outcomes = [ratelimit.over_limit("test:ip", limit=2, window=60) for _ in range(4)]
        assert outcomes == [False, False, True, True] and len(sent) == 4
        # Django's own incr() reads the same counter, and the window's timeout is set.
        assert backend.incr("mithaq:ratelimit:test:ip") == 5
        client = backend._cache.get_client()
        assert 0 < client.ttl(backend.make_key("mithaq:ratelimit:test:ip")) <= 60
        backend.delete("mithaq:ratelimit:test:ip")
