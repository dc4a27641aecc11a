"""The cap of display streams per address holds across processes (mithaq.walkin.slots): two
independent counters sharing one store stand for two uvicorn processes; the database store
and the Redis one are both tried, each read back from the store itself."""

import asyncio
import datetime
import os
import time

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.utils import timezone
from freezegun import freeze_time

from mithaq.walkin import live, slots
from mithaq.walkin.models import DisplayStreamSlot

REDIS_URL = os.environ.get("MITHAQ_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")
ADDRESS = "203.0.113.9"


async def endless():
    while True:
        yield b": heartbeat\n"
        await asyncio.sleep(0)


async def one_chunk():
    yield b"event: state\n\n"


def redis_store():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    store = slots.RedisSlots(REDIS_URL)
    store.client.delete(slots._PREFIX + slots.address_key(ADDRESS))
    return store


@pytest.fixture(params=["database", "redis"])
def store(request, transactional_db):
    return slots.DatabaseSlots() if request.param == "database" else redis_store()


async def wait_for_count(counter, expected: int) -> int:
    # A slot goes back in the background; give it a moment.
    for _ in range(300):
        if (n := await counter.count(ADDRESS)) == expected:
            return n
        await asyncio.sleep(0.01)
    return await counter.count(ADDRESS)


def skip_threads_on_sqlite() -> None:
    # The SQLite test database is one in-memory database shared by the threads' connections:
    # a write while another thread reads fails at once ("table is locked") instead of waiting
    # as a file database or PostgreSQL does, and a stream gives its slot back from another
    # thread, even on aclose(), possibly while the test's flush runs (CI saw that flush
    # fail). PostgreSQL's pass runs these.
    if connection.vendor == "sqlite":
        pytest.skip("threads writing one shared in-memory SQLite database")


def test_two_processes_share_the_cap_and_an_ended_stream_frees_its_slot(store, settings):
    if isinstance(store, slots.DatabaseSlots):
        skip_threads_on_sqlite()
    settings.MITHAQ_DISPLAY_SLOT_SECONDS = 60
    first_process, second_process = live.CountedStreams(store), live.CountedStreams(store)

    async def scenario():
        a = await first_process.open(ADDRESS, endless(), 2)
        b = await second_process.open(ADDRESS, one_chunk(), 2)
        full = await first_process.open(ADDRESS, endless(), 2)
        full_elsewhere = await second_process.open(ADDRESS, endless(), 2)
        held = await first_process.count(ADDRESS)
        # The second process's stream ends (its last event sent): its slot goes back.
        await anext(b)
        with pytest.raises(StopAsyncIteration):
            await anext(b)
        freed = await wait_for_count(first_process, 1)
        c = await first_process.open(ADDRESS, endless(), 2)
        await a.aclose()
        await c.aclose()
        left = await wait_for_count(second_process, 0)
        return [
            a is not None,
            b is not None,
            full,
            full_elsewhere,
            held,
            freed,
            c is not None,
            left,
        ]

    assert async_to_sync(scenario)() == [True, True, None, None, 2, 1, True, 0]


def test_a_killed_process_holds_its_slots_only_until_they_lapse(store, settings):
    """A process killed with its streams open never gives their slots back; nobody keeps them
    alive either, and after MITHAQ_DISPLAY_SLOT_SECONDS they no longer count."""
    settings.MITHAQ_DISPLAY_SLOT_SECONDS = 60
    key = slots.address_key(ADDRESS)
    start = timezone.now()
    # The dead process's two slots, taken and never kept or given back.
    assert store.take(key, "dead1", limit=2, seconds=60)
    assert store.take(key, "dead2", limit=2, seconds=60)
    assert not store.take(key, "new", limit=2, seconds=60)
    with freeze_time(start + datetime.timedelta(seconds=59)):
        assert not store.take(key, "new", limit=2, seconds=60)
    with freeze_time(start + datetime.timedelta(seconds=61)):
        assert store.count(key) == 0
        assert store.take(key, "new", limit=2, seconds=60)
        assert store.count(key) == 1


def test_a_live_stream_keeps_its_slot_past_its_first_life(store, settings):
    if isinstance(store, slots.DatabaseSlots):
        skip_threads_on_sqlite()
    settings.MITHAQ_DISPLAY_SLOT_SECONDS = 60
    counter = live.CountedStreams(store)
    start = timezone.now()

    async def scenario():
        stream = await counter.open(ADDRESS, endless(), 1)
        # 50 s later the stream sends its heartbeat: the slot is pushed on by 60 s.
        with freeze_time(start + datetime.timedelta(seconds=50)):
            await anext(stream)
        with freeze_time(start + datetime.timedelta(seconds=100)):
            refused = await counter.open(ADDRESS, endless(), 1)
            held = await counter.count(ADDRESS)
        with freeze_time(start + datetime.timedelta(seconds=111)):
            # Not kept since 50 s: the stream's process must be gone.
            after = await counter.count(ADDRESS)
        await stream.aclose()
        return refused, held, after

    assert async_to_sync(scenario)() == (None, 1, 0)


@pytest.mark.django_db(transaction=True)
def test_the_database_keeps_no_address_in_clear(settings):
    skip_threads_on_sqlite()
    settings.MITHAQ_DISPLAY_SLOTS_REDIS_URL = ""
    counter = live.CountedStreams()

    async def scenario():
        return await counter.open(ADDRESS, endless(), 3)

    stream = async_to_sync(scenario)()
    assert stream is not None
    row = DisplayStreamSlot.objects.get()
    assert ADDRESS not in row.address_key and len(row.address_key) == 64


@pytest.mark.django_db(transaction=True)
def test_a_stream_dropped_outside_the_loop_gives_its_slot_back_from_another_thread():
    """A stream collected by the garbage collector (__del__) may be dropped in the middle of a
    query on this thread's connection: its slot goes back through another thread's
    connection, never this one (which would wait on itself for ever)."""
    if connection.vendor == "sqlite":
        pytest.skip("another thread's connection sees the slot on PostgreSQL only")
    from django.test.utils import CaptureQueriesContext

    store = slots.DatabaseSlots()
    key, token = slots.address_key(ADDRESS), slots.new_token()
    assert store.take(key, token, limit=2, seconds=60)
    counted = live._Counted(store, key, token, one_chunk(), 60)
    with CaptureQueriesContext(connection) as queries:
        counted.__del__()
    assert not queries.captured_queries
    for _ in range(300):
        if store.count(key) == 0:
            break
        time.sleep(0.01)
    assert store.count(key) == 0
