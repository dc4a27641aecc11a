"""How the web is served (docs/decisions/0008): gunicorn for the pages, uvicorn for the hall
displays' streams, and for `make run` scripts/route.py choosing between them on one address."""

import asyncio
import importlib.util
import socket
import threading
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def _run(coroutine) -> None:
    """Run `coroutine` on an event loop of its own thread: a test before this one on the
    same worker (Playwright's sync API) may have left a loop running on this thread."""
    failure: list[BaseException] = []

    def target():
        try:
            asyncio.run(coroutine)
        except BaseException as error:  # handed back to the test
            failure.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def _load(name):
    spec = importlib.util.spec_from_file_location(
        f"scripts_{name}", ROOT / "scripts" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


route = _load("route")


def test_the_routers_rule_is_the_display_stream_url_and_nothing_else():
    stream = reverse("walkin:display_stream", args=["main-hall"])
    assert route.is_stream(stream)
    assert route.is_stream(stream + "?since=4")
    assert not route.is_stream(reverse("walkin:display", args=["main-hall"]))
    assert not route.is_stream("/staff/")
    assert not route.is_stream("/staff/?next=" + stream)
    assert not route.is_stream(stream + "extra/")


async def _backend(name: str, heads: list, *, endless=False, gone=None):
    """A server that answers with its name and the head it received; `endless` sends one
    event and then holds the connection, as a display stream does, until the client goes."""

    async def handle(reader, writer):
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        heads.append(head)
        if endless:
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\nevent: state\n\n"
            )
            await writer.drain()
            await reader.read()  # until the connection closes
            gone.set()
        else:
            body = f"{name}".encode()
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[:2]


async def _through(router_address, target: str, extra: str = "") -> bytes:
    reader, writer = await asyncio.open_connection(*router_address)
    writer.write(
        f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n{extra}\r\n".encode()
    )
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 5)  # to the end: the router closes
    writer.close()
    return answer


def test_the_router_sends_streams_to_uvicorn_and_pages_to_gunicorn_one_request_each():
    async def scenario():
        page_heads, stream_heads, gone = [], [], asyncio.Event()
        pages, pages_at = await _backend("pages", page_heads)
        streams, streams_at = await _backend("streams", stream_heads, endless=True, gone=gone)
        started = asyncio.get_running_loop().create_future()
        router = asyncio.ensure_future(
            route.Router(pages_at, streams_at).serve("127.0.0.1", 0, started.set_result)
        )
        address = (await started).sockets[0].getsockname()[:2]

        assert (await _through(address, "/staff/")).endswith(b"\r\n\r\npages")
        display = await _through(address, "/hall/main/display/")
        assert display.endswith(b"pages")
        forwarded = await _through(address, "/track/", "X-Forwarded-For: 198.51.100.7\r\n")
        assert forwarded.endswith(b"pages")
        assert len(page_heads) == 3 and not stream_heads
        # Each request asks its server to close after the answer; the client is forwarded.
        assert "\r\nConnection: close\r\n" in page_heads[0]
        assert "keep-alive" not in page_heads[0].lower()
        assert "\r\nX-Forwarded-For: 127.0.0.1\r\n" in page_heads[0]
        # What the client wrote itself is dropped: the router is the edge (issue 19, finding 5).
        assert "\r\nX-Forwarded-For: 127.0.0.1\r\n" in page_heads[2]
        assert "198.51.100.7" not in page_heads[2]

        # A stream's first event comes through while the stream is still open, and when the
        # display goes away its server sees the connection close.
        reader, writer = await asyncio.open_connection(*address)
        writer.write(b"GET /hall/main/display/stream/ HTTP/1.1\r\nHost: x\r\n\r\n")
        received = b""
        while b"event: state" not in received:
            received += await asyncio.wait_for(reader.read(1024), 5)
        assert stream_heads[0].startswith("GET /hall/main/display/stream/ HTTP/1.1\r\n")
        assert not gone.is_set()
        writer.close()
        await asyncio.wait_for(gone.wait(), 5)

        router.cancel()
        for server in (pages, streams):
            server.close()

    _run(scenario())


def test_the_router_answers_502_when_a_server_is_not_up_yet():
    async def scenario():
        started = asyncio.get_running_loop().create_future()
        with socket.socket() as probe:  # a port that nothing listens on
            probe.bind(("127.0.0.1", 0))
            closed = probe.getsockname()[:2]
        router = asyncio.ensure_future(
            route.Router(closed, closed).serve("127.0.0.1", 0, started.set_result)
        )
        address = (await started).sockets[0].getsockname()[:2]
        assert (await _through(address, "/staff/")).startswith(b"HTTP/1.1 502 ")
        router.cancel()

    _run(scenario())


@pytest.mark.parametrize("redis", ["", "redis://127.0.0.1:6379/0"])
def test_make_run_serves_as_production_when_the_screens_can_be_shared(monkeypatch, redis):
    run = _load("run")
    if redis:
        monkeypatch.setenv("REDIS_URL", redis)
    else:
        monkeypatch.delenv("REDIS_URL", raising=False)
    commands = run.processes("127.0.0.1", 8000)
    if not redis:
        # The in-memory channel layer reaches only its own process: one uvicorn for all.
        assert "config.asgi:application" in commands["web"]
        assert {"pages", "streams", "router"}.isdisjoint(commands)
        return
    assert "web" not in commands
    pages, streams, router = commands["pages"], commands["streams"], commands["router"]
    # Behind the router both trust it, and it alone, with X-Forwarded-For.
    assert pages[pages.index("--env") + 1] == "FORWARDED_ALLOW_IPS=127.0.0.1"
    assert streams[streams.index("--forwarded-allow-ips") + 1] == "127.0.0.1"
    assert pages[1:4] == ["-m", "gunicorn", "config.wsgi:application"]
    assert streams[1:4] == ["-m", "uvicorn", "config.asgi:application"]
    listen = router[router.index("--listen") + 1]
    assert listen == "127.0.0.1:8000"
    assert router[router.index("--pages") + 1] == pages[pages.index("--bind") + 1]
    port = streams[streams.index("--port") + 1]
    assert router[router.index("--streams") + 1] == f"127.0.0.1:{port}"


@pytest.mark.parametrize(("trusted", "expected"), [("", None), ("10.0.0.5", "10.0.0.5")])
def test_make_runs_lone_uvicorn_trusts_only_the_proxies_of_the_setting(
    monkeypatch, trusted, expected
):
    """uvicorn trusts X-Forwarded-For from 127.0.0.1 unless told otherwise: a local client
    rotating the header would escape every limit per address (issue 19, finding 5)."""
    run = _load("run")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", trusted)
    web = run.processes("127.0.0.1", 8000)["web"]
    if expected is None:
        assert "--no-proxy-headers" in web and "--forwarded-allow-ips" not in web
    else:
        assert web[web.index("--forwarded-allow-ips") + 1] == expected
