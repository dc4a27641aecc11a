"""The one address of `make run`: the hall displays' streams to uvicorn, every other request
to gunicorn, as the production proxy's rule does (README, docs/decisions/0008).

    python3 scripts/route.py --listen 127.0.0.1:8000 --pages 127.0.0.1:8101 --streams 127.0.0.1:8102

For development only, and kept that small: it reads the request line and headers, chooses the
server by the path, asks it to close the connection after its answer (gunicorn's sync workers
close it anyway), puts the client in X-Forwarded-For (replacing whatever the client wrote there:
the router is the edge, and a header the client wrote is anyone's to write; issue 19, finding
5), and then copies bytes both ways until either side closes. One request per connection: the browser opens another for the next.
Standard library only, like the rest of scripts/.
"""

import argparse
import asyncio
import re
import sys

# The hall display's event stream (mithaq/walkin/display/urls.py, under /hall/).
STREAM_PATHS = re.compile(r"^/hall/[^/?#]+/display/stream/(?:$|\?)")
HEAD_LIMIT = 64 * 1024
DROPPED = ("connection", "keep-alive", "x-forwarded-for", "x-forwarded-proto")


def is_stream(target: str) -> bool:
    return bool(STREAM_PATHS.match(target))


def rewrite_head(head: bytes, client: str) -> tuple[str, bytes]:
    """The request's target, and its head as it goes on: `Connection: close`, and the client
    as the only X-Forwarded-For (a client's own X-Forwarded-For and -Proto are dropped)."""
    lines = head.decode("latin-1").split("\r\n")
    request_line, headers = lines[0], [line for line in lines[1:] if line]
    parts = request_line.split(" ")
    target = parts[1] if len(parts) == 3 else ""
    kept = []
    for line in headers:
        name, _colon, _value = line.partition(":")
        if name.strip().lower() not in DROPPED:
            kept.append(line)
    kept.append(f"X-Forwarded-For: {client}")
    kept.append("Connection: close")
    return target, ("\r\n".join([request_line, *kept]) + "\r\n\r\n").encode("latin-1")


async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while chunk := await reader.read(65536):
        writer.write(chunk)
        await writer.drain()


class Router:
    def __init__(self, pages: tuple[str, int], streams: tuple[str, int]):
        self.pages, self.streams = pages, streams

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream = None
        try:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                return
            client = writer.get_extra_info("peername") or ("",)
            target, head = rewrite_head(head[:-4], str(client[0]))
            host, port = self.streams if is_stream(target) else self.pages
            try:
                up_reader, upstream = await asyncio.open_connection(host, port)
            except OSError:
                writer.write(
                    b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )
                await writer.drain()
                return
            upstream.write(head)
            # Whichever way ends first (the answer is complete, or the client went away, as
            # a hall display does), both connections close: the server sees the client leave.
            copies = [
                asyncio.ensure_future(_copy(reader, upstream)),
                asyncio.ensure_future(_copy(up_reader, writer)),
            ]
            _done, pending = await asyncio.wait(copies, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
            await asyncio.gather(*copies, return_exceptions=True)
        except (ConnectionError, OSError):
            pass
        finally:
            for stream in (upstream, writer):
                if stream is not None:
                    stream.close()

    async def serve(self, host: str, port: int, ready=None) -> None:
        server = await asyncio.start_server(self.handle, host, port, limit=HEAD_LIMIT)
        if ready is not None:
            ready(server)
        async with server:
            await server.serve_forever()


def _address(value: str) -> tuple[str, int]:
    host, _colon, port = value.rpartition(":")
    return host, int(port)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", type=_address, required=True, help="HOST:PORT")
    parser.add_argument("--pages", type=_address, required=True, help="gunicorn's HOST:PORT")
    parser.add_argument("--streams", type=_address, required=True, help="uvicorn's HOST:PORT")
    args = parser.parse_args(argv)
    try:
        asyncio.run(Router(args.pages, args.streams).serve(*args.listen))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
