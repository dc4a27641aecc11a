"""The hall's live channel: services publish what changed, each display listens by SSE.

A change in the hall (a ticket issued, called, recalled, finished, ...) is published once,
after its transaction commits, to the channels group ``hall.<id>``: the event itself and the
hall's full display state, read once by the publisher rather than once per screen. Every
open display stream is a member of that group.

Each message carries the hall's sequence number (a counter in the cache, shared through
Redis when there are several processes). A display that sees a number it did not expect
has missed something (a Redis blip, a full queue) and reconnects; every new stream starts
with the full current state, so a reconnecting screen never keeps a stale picture.

A process holds one subscription per hall (`StreamHub`), however many displays it serves:
the hall's messages are received once and copied to each stream's queue. A stream whose
state cannot be read (the database or Redis away) says `retry` and tries again; it does not
die.
"""

import asyncio
import contextlib
import json
import logging
import threading
import time
import weakref
from collections.abc import AsyncIterator
from typing import cast

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from mithaq.walkin import slots
from mithaq.walkin.display.speech import announcement

logger = logging.getLogger(__name__)

MESSAGE_TYPE = "hall.event"
# The browser waits this long before reconnecting a dropped stream (the SSE `retry:` hint);
# a stream whose state read failed tries again after as long.
RETRY_MS = 2000
STATE_RETRY_SECONDS = RETRY_MS / 1000
# Messages waiting for one slow stream; past this it misses some, sees the gap in sequence
# numbers and reconnects (every message carries the whole state anyway).
STREAM_QUEUE = 64


def group_name(hall_id: int) -> str:
    return f"hall.{hall_id}"


def _seq_key(hall_id: int) -> str:
    return f"walkin:hall:{hall_id}:seq"


def next_seq(hall_id: int) -> int:
    key = _seq_key(hall_id)
    try:
        return cache.incr(key)
    except ValueError:
        # The first event of this hall (or the cache lost the key): start again at 1.
        # Displays see the jump, reconnect and resync, which is all a reset needs.
        cache.add(key, 0, timeout=None)
        return cache.incr(key)


def current_seq(hall_id: int) -> int:
    return cache.get(_seq_key(hall_id), 0)


def current_state(hall_id: int) -> dict:
    """The hall's display state (`selectors.display_state`), JSON-safe."""
    from mithaq.walkin.models import Hall
    from mithaq.walkin.selectors import display_state

    state = display_state(Hall.objects.get(pk=hall_id))
    # Through JSON and back: the layer (msgpack on Redis) carries only plain values.
    return json.loads(json.dumps(state, cls=DjangoJSONEncoder))


def publish_hall_event(hall_id: int, payload: dict) -> None:
    """Tell every display of the hall about `payload`, with the hall's state after it.

    Call it after commit (``transaction.on_commit``). It never raises: the change is already
    made, and a display that misses the message notices the gap in sequence numbers.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
        seq = next_seq(hall_id)
        data = {
            "seq": seq,
            "event": payload,
            "state": current_state(hall_id),
            # What a call sounds like, worked out once here rather than on every screen.
            "speech": announcement(payload),
            # Wall-clock time of sending, for the display bench's latency figures.
            "sent": time.time(),
        }
        # The event's text is made once, here: a hundred streams only copy it out.
        message = {"type": MESSAGE_TYPE, "seq": seq, "data": _json(data)}
        async_to_sync(layer.group_send)(group_name(hall_id), message)
    except Exception:
        logger.exception("could not publish an event of hall %s", hall_id)


def _release_connection() -> None:
    # A display holds its stream for hours; it must not hold a database connection as well.
    # Inside a test's transaction the connection is the test's, and stays.
    if not connection.in_atomic_block:
        connection.close()


def _state_and_seq(hall_id: int) -> tuple[dict, int]:
    try:
        # The number first: an event numbered after it is either in this state already
        # or still on its way to us, never lost between the two reads.
        seq = current_seq(hall_id)
        return current_state(hall_id), seq
    finally:
        _release_connection()


def _ping_seq(hall_id: int) -> int:
    return current_seq(hall_id)


class HallSubscription:
    """Membership of one display stream in its hall's group, for as long as it is open.

    ``receive(timeout)`` returns the next message, or None when nothing came in time. One
    receive task is kept across timeouts rather than cancelled and restarted, so that no
    layer can drop a message in the gap.
    """

    def __init__(self, hall_id: int, layer=None):
        self.group = group_name(hall_id)
        self.layer = layer or get_channel_layer()
        self.channel = None
        self._task: asyncio.Future | None = None

    async def __aenter__(self):
        self.channel = await self.layer.new_channel()
        await self.layer.group_add(self.group, self.channel)
        return self

    async def __aexit__(self, *exc_info):
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except BaseException:  # noqa: S110 - cancelled or failed: gone either way
                pass
        await self.layer.group_discard(self.group, self.channel)

    async def receive(self, timeout: float) -> dict | None:
        if self._task is None:
            self._task = asyncio.ensure_future(self.layer.receive(self.channel))
        done, _ = await asyncio.wait({self._task}, timeout=timeout)
        if not done:
            return None
        task, self._task = self._task, None
        return task.result()

    async def refresh(self) -> None:
        # Layers forget group members after a day (`group_expiry`); a display stays open
        # for longer than that, so it says it is still here at every heartbeat.
        await self.layer.group_add(self.group, self.channel)


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def sse(event: str, data: dict | str, *, id: int | None = None, retry: int | None = None) -> bytes:
    """One Server-Sent Event. `data` is JSON on a single line (or a dict to make it)."""
    lines = []
    if retry is not None:
        lines.append(f"retry: {retry}")
    if id is not None:
        lines.append(f"id: {id}")
    lines.append(f"event: {event}")
    lines.append("data: " + (data if isinstance(data, str) else _json(data)))
    return ("\n".join(lines) + "\n\n").encode()


class _HallFeed:
    """This process's one subscription to a hall's group, copied to every stream's queue."""

    def __init__(self, hall_id: int, layer, heartbeat: float):
        self.subscription = HallSubscription(hall_id, layer=layer)
        self.heartbeat = heartbeat
        self.queues: set[asyncio.Queue] = set()
        self.task: asyncio.Future | None = None

    async def start(self) -> None:
        await self.subscription.__aenter__()
        self.task = asyncio.ensure_future(self._pump())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(BaseException):
                await self.task
        with contextlib.suppress(Exception):
            await self.subscription.__aexit__(None, None, None)

    async def _pump(self) -> None:
        while True:
            try:
                message = await self.subscription.receive(timeout=self.heartbeat)
                if message is None:
                    await self.subscription.refresh()
                    continue
            except Exception:
                # Redis away: the streams go on with their heartbeats, and see the gap.
                logger.exception("the hall's subscription failed; trying again")
                await asyncio.sleep(STATE_RETRY_SECONDS)
                continue
            for queue in list(self.queues):
                with contextlib.suppress(asyncio.QueueFull):
                    queue.put_nowait(message)


class StreamHub:
    """The display streams of one process (one event loop, one layer): one subscription per
    hall, opened by its first stream and closed with its last."""

    def __init__(self, layer):
        self.layer = layer
        self.feeds: dict[int, _HallFeed] = {}
        self.lock = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def listen(self, hall_id: int, heartbeat: float):
        queue: asyncio.Queue = asyncio.Queue(maxsize=STREAM_QUEUE)
        async with self.lock:
            feed = self.feeds.get(hall_id)
            if feed is None:
                feed = _HallFeed(hall_id, self.layer, heartbeat)
                await feed.start()
                self.feeds[hall_id] = feed
            feed.queues.add(queue)
        try:
            yield queue
        finally:
            async with self.lock:
                feed.queues.discard(queue)
                if not feed.queues and self.feeds.get(hall_id) is feed:
                    del self.feeds[hall_id]
                    await feed.stop()


# Per event loop (weakly: a loop that is gone takes its hubs with it), then per layer.
_hubs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def hub_for(layer) -> StreamHub:
    """The hub of the running event loop and this layer (a layer's queues and connections
    belong to one loop)."""
    hubs = _hubs.setdefault(asyncio.get_running_loop(), {})
    hub = hubs.get(id(layer))
    if hub is None or hub.layer is not layer:
        hub = hubs[id(layer)] = StreamHub(layer)
    return hub


class CountedStreams:
    """Open display streams per client address across every process, for the cap
    (settings.MITHAQ_DISPLAY_STREAMS_PER_ADDRESS), counted in the shared store of
    `mithaq.walkin.slots`. `open()` takes a place or returns None; the stream it wraps keeps
    the place alive at its heartbeats and gives it back when it ends, fails or is cancelled
    (the client gone), or when it is dropped unread. A killed process gives nothing back: its
    places lapse after settings.MITHAQ_DISPLAY_SLOT_SECONDS."""

    def __init__(self, store=None):
        self._store = store

    @property
    def store(self):
        return self._store or slots.store()

    async def open(self, address: str, stream: AsyncIterator[bytes], limit: int):
        key, token = slots.address_key(address), slots.new_token()
        seconds = settings.MITHAQ_DISPLAY_SLOT_SECONDS
        store = self.store
        try:
            taken = await sync_to_async(store.take)(key, token, limit=limit, seconds=seconds)
        except Exception:
            # The store away: the screen is served uncounted rather than left dark.
            logger.exception("could not count the display streams of an address")
            return _Counted(store, key, None, stream, seconds)
        if not taken:
            return None
        return _Counted(store, key, token, stream, seconds)

    async def count(self, address: str) -> int:
        return await sync_to_async(self.store.count)(slots.address_key(address))


def _give_back(store, key: str, token: str) -> None:
    try:
        store.give_back(key, token)
    except Exception:
        # It lapses on its own (MITHAQ_DISPLAY_SLOT_SECONDS).
        logger.exception("could not give back a display stream's slot")


class _Counted:
    def __init__(self, store, key: str, token: str | None, stream, seconds: int):
        self.store, self.key, self.token, self.stream = store, key, token, stream
        self.seconds = seconds
        self.kept_at = time.time()
        self.released = token is None

    def _release(self) -> None:
        if self.released:
            return
        self.released = True
        token = cast(str, self.token)  # a place was taken (released is True otherwise)
        # Never awaited: it runs on when the stream's task is being cancelled, or from
        # __del__; another thread gives the slot back, with its own database connection.
        # Never this thread: __del__ runs wherever the collector does, possibly in the middle
        # of a query on this thread's connection, which a query of its own would wait on for
        # ever (seen: a test's request hung in the session lookup).
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            threading.Thread(
                target=_give_back, args=(self.store, self.key, token), daemon=True
            ).start()
        else:
            loop.run_in_executor(None, _give_back, self.store, self.key, token)

    async def _keep(self) -> None:
        # At most once a third of the slot's life: each heartbeat would be more than needed.
        if self.released or time.time() - self.kept_at < self.seconds / 3:
            return
        self.kept_at = time.time()
        try:
            await sync_to_async(self.store.keep)(self.key, self.token, seconds=self.seconds)
        except Exception:
            logger.exception("could not keep a display stream's slot")

    def __aiter__(self):
        return self

    async def __anext__(self) -> bytes:
        try:
            chunk = await anext(self.stream)
        except BaseException:
            self._release()
            raise
        await self._keep()
        return chunk

    async def aclose(self) -> None:
        self._release()
        await self.stream.aclose()

    def __del__(self):
        self._release()


streams_by_address = CountedStreams()


async def hall_stream(
    hall_id: int, *, heartbeat: float | None = None, layer=None
) -> AsyncIterator[bytes]:
    """A display's stream: the full state first, then every event of the hall, and a
    heartbeat (a comment and a `ping` event carrying the hall's sequence number) whenever
    the hall is quiet. A failed read of the state or the number sends `retry` instead and
    the stream goes on. Ends, leaving the hall's feed, when the client goes away."""
    heartbeat = heartbeat or settings.MITHAQ_DISPLAY_HEARTBEAT
    hub = hub_for(layer or get_channel_layer())
    async with hub.listen(hall_id, heartbeat) as queue:
        # Joined before reading: whatever happens from here on reaches us.
        while True:
            try:
                state, seq = await sync_to_async(_state_and_seq)(hall_id)
                break
            except Exception:
                logger.exception("could not read the display state of hall %s", hall_id)
                yield sse("retry", {"after": RETRY_MS}, retry=RETRY_MS)
                await asyncio.sleep(STATE_RETRY_SECONDS)
        yield sse("state", {"seq": seq, "state": state}, id=seq, retry=RETRY_MS)
        while True:
            try:
                message = await asyncio.wait_for(queue.get(), timeout=heartbeat)
            except TimeoutError:
                try:
                    seq = await sync_to_async(_ping_seq)(hall_id)
                except Exception:
                    logger.exception("could not read the sequence number of hall %s", hall_id)
                    yield b": heartbeat\n" + sse("retry", {"after": RETRY_MS})
                    continue
                yield b": heartbeat\n" + sse("ping", {"seq": seq})
                continue
            if message.get("type") != MESSAGE_TYPE:
                continue
            yield sse("hall", message["data"], id=message["seq"])
