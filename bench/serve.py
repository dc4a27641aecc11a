"""One uvicorn worker serving config.asgi on its own SO_REUSEPORT socket.

    .venv/bin/python bench/serve.py HOST PORT

bench/run.py starts two of these on one port, and the kernel spreads new connections between
them (what gunicorn's --reuse-port and nginx's reuseport do). `uvicorn --workers 2` shares one
socket instead, and one worker often accepts every connection that wrk opens at once: with
keep-alive the other worker then idles for the whole run, and the numbers halve at random."""

import socket
import sys
from pathlib import Path

import uvicorn

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    config = uvicorn.Config(
        "config.asgi:application",
        # A request log would cost the server more than some of the pages it measures.
        access_log=False,
        log_level="warning",
        lifespan="off",
    )
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
