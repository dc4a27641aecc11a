"""The hall's live channel: what a display stream sends, in order, on one process's memory
layer and between processes through Redis."""

import asyncio
import json
import os

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import InMemoryChannelLayer, channel_layers
from django.core.cache import cache
from django.test import AsyncClient
from django.urls import reverse

from mithaq.walkin import live, services
from mithaq.walkin.display import speech
from mithaq.walkin.models import Counter, Hall, HallService

REDIS_URL = os.environ.get("MITHAQ_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")


def make_hall(org, code="main") -> Hall:
    hall = Hall.objects.create(
        unit=org.dept_a, code=code, name_ar="القاعة الرئيسية", name_en="Main hall"
    )
    hall_service = HallService.objects.create(hall=hall, service=org.service_a, letter="A")
    counter = Counter.objects.create(hall=hall, number=3)
    counter.services.add(hall_service)
    return hall


@pytest.fixture
def hall(org):
    return make_hall(org)


@pytest.fixture(autouse=True)
def memory_layer():
    """A fresh in-memory layer per test (its queues belong to the test's event loop), and
    sequence numbers from zero."""
    cache.clear()
    layer = InMemoryChannelLayer()
    old = channel_layers.set("default", layer)
    yield layer
    channel_layers.set("default", old)


def parse(chunk: bytes) -> dict:
    """One SSE block -> {"event", "id", "retry", "data", "comment"}."""
    out = {}
    for line in chunk.decode().strip("\n").split("\n"):
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "":
            out["comment"] = value
        elif field == "data":
            out["data"] = json.loads(value)
        else:
            out[field] = value
    return out


def call_ticket(hall, org):
    """A kiosk ticket called to window 3, as the officer's click does (the real services)."""
    hall_service = hall.services.get()
    counter = hall.counters.get()
    services.issue_ticket(hall=hall, hall_service=hall_service, now=None)
    services.open_counter(counter=counter, actor=org.officer_a)
    return services.call_next_ticket(counter=counter, actor=org.officer_a)


def test_stream_sends_full_state_first_then_each_published_event(hall):
    async def scenario():
        stream = live.hall_stream(hall.pk, heartbeat=5)
        first = parse(await anext(stream))
        assert first["event"] == "state"
        assert first["retry"] == str(live.RETRY_MS)
        assert first["data"]["state"]["hall"]["code"] == "main"
        assert first["data"]["state"]["current"] == []
        await sync_to_async(live.publish_hall_event)(
            hall.pk, {"event": "called", "ticket": "A017", "counter": 3}
        )
        second = parse(await asyncio.wait_for(anext(stream), 2))
        await stream.aclose()
        return first, second

    first, second = async_to_sync(scenario)()
    assert second["event"] == "hall"
    assert int(second["id"]) == second["data"]["seq"] == first["data"]["seq"] + 1
    assert second["data"]["event"]["ticket"] == "A017"
    assert second["data"]["state"]["hall"]["id"] == hall.pk
    assert second["data"]["speech"]["ar"]["clips"] == [
        "number",
        "letter-a",
        "n17",
        ",",
        "window",
        "n3",
    ]


def test_a_call_made_by_the_service_reaches_the_stream_with_its_state(hall, org):
    async def scenario():
        stream = live.hall_stream(hall.pk, heartbeat=5)
        await anext(stream)
        await sync_to_async(call_ticket)(hall, org)
        events = [parse(await asyncio.wait_for(anext(stream), 2)) for _ in range(2)]
        await stream.aclose()
        return events

    # on_commit runs at once here only in a transaction-less test: the `db` fixture's
    # transaction would hold it back, so run the callbacks as Django's test helper does.
    with django_on_commit():
        events = async_to_sync(scenario)()
    issued, called = (e["data"] for e in events)
    assert issued["event"]["event"] == "issued" and issued["speech"] is None
    assert called["event"] == {**called["event"], "event": "called", "ticket": "A001", "counter": 3}
    assert called["state"]["current"][0]["ticket"] == "A001"
    assert called["state"]["current"][0]["counter"] == 3


def django_on_commit():
    """Run on_commit callbacks at once, as if each service's transaction had committed."""
    from unittest import mock

    return mock.patch("django.db.transaction.on_commit", lambda func, *a, **k: func())


def test_a_reconnecting_display_gets_the_full_current_state(hall, org):
    with django_on_commit():
        call_ticket(hall, org)

    async def reconnect():
        stream = live.hall_stream(hall.pk, heartbeat=5)
        first = parse(await anext(stream))
        await stream.aclose()
        return first

    state = async_to_sync(reconnect)()
    assert state["event"] == "state"
    assert state["data"]["seq"] == 2  # issued, called
    assert [c["ticket"] for c in state["data"]["state"]["current"]] == ["A001"]
    assert state["data"]["state"]["waiting"][0]["count"] == 0


def test_quiet_hall_sends_heartbeat_with_sequence_number(hall, memory_layer):
    async def scenario():
        stream = live.hall_stream(hall.pk, heartbeat=0.05)
        await anext(stream)
        chunk = await asyncio.wait_for(anext(stream), 2)
        await stream.aclose()
        return chunk

    chunk = async_to_sync(scenario)()
    assert chunk.startswith(b": heartbeat\n")
    assert parse(chunk)["event"] == "ping"
    assert parse(chunk)["data"] == {"seq": 0}


def test_closing_the_stream_leaves_the_group(hall, memory_layer):
    async def scenario():
        stream = live.hall_stream(hall.pk, heartbeat=5)
        await anext(stream)
        members = len(memory_layer.groups[live.group_name(hall.pk)])
        await stream.aclose()
        return members

    assert async_to_sync(scenario)() == 1
    assert live.group_name(hall.pk) not in memory_layer.groups


def test_publishing_never_raises(hall, memory_layer, caplog):
    # A hall that is gone: the state cannot be read; the officer's call must stand.
    live.publish_hall_event(hall.pk + 1000, {"event": "called"})
    assert "could not publish" in caplog.text


def test_stream_view_answers_event_stream_then_state_then_event(hall):
    async def scenario():
        client = AsyncClient()
        response = await client.get(reverse("walkin:display_stream", args=["main"]))
        chunks = aiter(response.streaming_content)
        first = parse(await anext(chunks))
        await sync_to_async(live.publish_hall_event)(
            hall.pk, {"event": "recalled", "ticket": "B102", "counter": 12}
        )
        second = parse(await asyncio.wait_for(anext(chunks), 2))
        await chunks.aclose()
        return response, first, second

    response, first, second = async_to_sync(scenario)()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    assert response["Cache-Control"] == "no-store, no-transform"
    assert response["X-Accel-Buffering"] == "no"
    assert first["event"] == "state"
    assert second["event"] == "hall"
    assert second["data"]["speech"]["en"]["clips"] == [
        "number",
        "letter-b",
        "n100",
        "and",
        "n2",
        ",",
        "window",
        "n12",
    ]


@pytest.mark.django_db(transaction=True)
def test_stream_of_unknown_or_closed_hall_is_404(hall):
    """The 404 page is rendered on another thread (the async view's): the test's data is
    committed so that thread reads it (SQLite's shared in-memory database locks a table an
    open transaction has written)."""
    hall.is_active = False
    hall.save()

    async def get(code):
        return (await AsyncClient().get(reverse("walkin:display_stream", args=[code]))).status_code

    assert async_to_sync(get)("main") == 404
    assert async_to_sync(get)("nowhere") == 404


@pytest.fixture
def redis_layers():
    pytest.importorskip("channels_redis")
    from channels_redis.pubsub import RedisPubSubChannelLayer

    def make():
        return RedisPubSubChannelLayer(hosts=[REDIS_URL], prefix="mithaq-test")

    return make


def test_redis_layer_carries_an_event_from_one_process_to_displays_of_another(hall, redis_layers):
    """Two layer instances stand for two uvicorn processes: displays held by one, the
    officer's request served by the other."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    displays_process, officer_process = redis_layers(), redis_layers()

    async def scenario():
        streams = [live.hall_stream(hall.pk, heartbeat=5, layer=displays_process) for _ in range(3)]
        for stream in streams:
            await anext(stream)
        await asyncio.sleep(0.2)  # the subscriptions reach Redis
        channel_layers.set("default", officer_process)
        await sync_to_async(live.publish_hall_event)(
            hall.pk, {"event": "called", "ticket": "A017", "counter": 3}
        )
        got = [parse(await asyncio.wait_for(anext(s), 3)) for s in streams]
        for stream in streams:
            await stream.aclose()
        await displays_process.flush()
        await officer_process.flush()
        return got

    got = async_to_sync(scenario)()
    assert [g["data"]["event"]["ticket"] for g in got] == ["A017"] * 3
    assert len({g["id"] for g in got}) == 1


@pytest.mark.parametrize(
    ("n", "language", "clips"),
    [
        (0, "ar", ["n0"]),
        (7, "ar", ["n7"]),
        (17, "ar", ["n17"]),
        (45, "ar", ["n5", "and", "n40"]),
        (45, "en", ["n40", "n5"]),
        (300, "ar", ["n300"]),
        (217, "en", ["n200", "and", "n17"]),
        (1204, "ar", ["n1", "n2", "n0", "n4"]),
    ],
)
def test_numbers_are_said_with_the_clips_there_are(n, language, clips):
    assert speech.number_clips(n, language) == clips
    assert set(clips) <= set(speech.clip_texts(language))


def test_every_clip_is_shipped():
    from django.contrib.staticfiles import finders

    for language in speech.LANGUAGES:
        for name in speech.clip_texts(language):
            assert finders.find(speech.clip_path(language, name)), (language, name)
    assert finders.find("walkin/chime.wav")


def test_only_calls_and_recalls_are_announced():
    assert speech.announcement({"event": "finished", "ticket": "A001", "counter": 2}) is None
    said = speech.announcement({"event": "called", "ticket": "AB012", "counter": 2})
    assert said["ar"]["clips"][:4] == ["number", "letter-a", "letter-b", "n12"]
    assert "AB 12" in said["ar"]["text"] and "AB 12" in said["en"]["text"]


def test_a_display_that_goes_away_leaves_the_group(transactional_db, org, memory_layer):
    """Through uvicorn, as in production: the client closes the connection, Django cancels
    the stream and the subscription ends with it."""
    import socket
    import threading
    import time

    import uvicorn

    from config.asgi import application

    hall = make_hall(org)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(application, lifespan="off", log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    group = live.group_name(hall.pk)

    def wait_for(condition):
        deadline = time.monotonic() + 5
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.02)
        return condition()

    try:
        assert wait_for(lambda: server.started)
        client = socket.create_connection(sock.getsockname())
        client.sendall(b"GET /hall/main/display/stream/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        received = b""
        while b"event: state" not in received:
            received += client.recv(65536)
        assert b"text/event-stream" in received
        assert len(memory_layer.groups.get(group, {})) == 1
        client.close()
        assert wait_for(lambda: group not in memory_layer.groups)
    finally:
        server.should_exit = True
        thread.join(5)


# Many screens, failing reads, and the cap per address ---------------------------------


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


def test_many_streams_of_a_process_share_one_subscription_on_redis(hall):
    """100 screens of one hall on one process: one Redis subscription for the hall (not
    one each), and every screen gets the event published by another process."""
    pytest.importorskip("channels_redis")
    from channels_redis.pubsub import RedisPubSubChannelLayer

    client = _redis_or_skip()
    prefix = f"mithaq-test-{os.getpid()}-"
    displays_process = RedisPubSubChannelLayer(hosts=[REDIS_URL], prefix=prefix)
    officer_process = RedisPubSubChannelLayer(hosts=[REDIS_URL], prefix=prefix)
    screens = 100

    async def scenario():
        streams = [
            live.hall_stream(hall.pk, heartbeat=5, layer=displays_process) for _ in range(screens)
        ]
        firsts = await asyncio.gather(*(anext(s) for s in streams))
        await asyncio.sleep(0.2)  # the subscription reaches Redis
        subscribed = await sync_to_async(client.pubsub_channels)(f"{prefix}*")
        channel_layers.set("default", officer_process)
        await sync_to_async(live.publish_hall_event)(
            hall.pk, {"event": "called", "ticket": "A017", "counter": 3}
        )
        got = await asyncio.wait_for(asyncio.gather(*(anext(s) for s in streams)), 10)
        for stream in streams:
            await stream.aclose()
        left = await sync_to_async(client.pubsub_channels)(f"{prefix}*")
        await displays_process.flush()
        await officer_process.flush()
        return firsts, subscribed, got, left

    firsts, subscribed, got, left = async_to_sync(scenario)()
    assert {parse(f)["event"] for f in firsts} == {"state"}
    # The hall's group and this process's one channel for it.
    assert len(subscribed) == 2, subscribed
    assert [parse(g)["data"]["event"]["ticket"] for g in got] == ["A017"] * screens
    assert left == []  # the last screen gone, the subscription goes too


def test_streams_of_a_process_share_one_group_member(hall, memory_layer):
    async def scenario():
        streams = [live.hall_stream(hall.pk, heartbeat=5) for _ in range(30)]
        for stream in streams:
            await anext(stream)
        members = len(memory_layer.groups[live.group_name(hall.pk)])
        for stream in streams:
            await stream.aclose()
        return members, live.group_name(hall.pk) in memory_layer.groups

    members, still = async_to_sync(scenario)()
    assert members == 1
    assert not still


def test_a_failed_state_read_sends_retry_and_the_stream_goes_on(hall, monkeypatch):
    real = live._state_and_seq
    calls = []

    def flaky(hall_id):
        calls.append(hall_id)
        if len(calls) == 1:
            raise ConnectionError("the database restarts")
        return real(hall_id)

    monkeypatch.setattr(live, "_state_and_seq", flaky)
    monkeypatch.setattr(live, "STATE_RETRY_SECONDS", 0)

    async def scenario():
        stream = live.hall_stream(hall.pk, heartbeat=5)
        first, second = parse(await anext(stream)), parse(await anext(stream))
        await stream.aclose()
        return first, second

    first, second = async_to_sync(scenario)()
    assert first["event"] == "retry"
    assert second["event"] == "state"


def test_a_failed_sequence_read_at_a_heartbeat_sends_retry_not_an_error(hall, monkeypatch):
    def broken(hall_id):
        raise ConnectionError("Redis restarts")

    monkeypatch.setattr(live, "_ping_seq", broken)

    async def scenario():
        stream = live.hall_stream(hall.pk, heartbeat=0.05)
        first = parse(await anext(stream))
        beats = [parse(await asyncio.wait_for(anext(stream), 2)) for _ in range(2)]
        await stream.aclose()
        return first, beats

    first, beats = async_to_sync(scenario)()
    assert first["event"] == "state"
    assert [b["event"] for b in beats] == ["retry", "retry"]


@pytest.mark.django_db(transaction=True)
def test_streams_per_address_are_capped_and_freed_when_a_screen_goes(hall, settings):
    settings.MITHAQ_DISPLAY_STREAMS_PER_ADDRESS = 2
    url = reverse("walkin:display_stream", args=["main"])

    async def scenario():
        client = AsyncClient()
        screens = [await client.get(url) for _ in range(2)]
        readers = [aiter(r.streaming_content) for r in screens]
        for reader in readers:
            await anext(reader)
        refused = await client.get(url)
        # A screen goes away: its connection's task is cancelled while it waits.
        waiting = asyncio.ensure_future(anext(readers[0]))
        await asyncio.sleep(0.05)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        # The slot goes back in the background (the store is shared by every process).
        for _ in range(200):
            if await live.streams_by_address.count("127.0.0.1") < 2:
                break
            await asyncio.sleep(0.01)
        again = await client.get(url)
        await anext(aiter(again.streaming_content))
        full_again = await client.get(url)
        return [refused.status_code, again.status_code, full_again.status_code], refused

    statuses, refused = async_to_sync(scenario)()
    assert statuses == [429, 200, 429]
    assert refused["Retry-After"] == "30"
