"""Start Mithaq's processes side by side for `make run`, and stop them all together.

The web servers, the background task worker (django-tasks' `db_worker`, or RQ's worker
when TASKS_BACKEND=rq) and the scheduler that enqueues periodic tasks (`run_scheduler`).
Ctrl-C (or SIGTERM) stops every process; if one of them exits on its own,
the others are stopped too, so a half-running product never lingers.

The web is served as in production (docs/decisions/0008): the pages by gunicorn (WSGI, sync
workers), the hall displays' streams by uvicorn (ASGI), and scripts/route.py sends each
request to one or the other from the one address. The live screens reach a display held by
another process only through Redis: without REDIS_URL, one uvicorn process serves
everything instead, pages too (more slowly: the difference does not matter on a laptop).
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

STOP_GRACE_SECONDS = 10
ROUTE = str(Path(__file__).resolve().parent / "route.py")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def trusted_proxies() -> str:
    """The proxies whose X-Forwarded-For is believed: the setting FORWARDED_ALLOW_IPS (README),
    none when unset. uvicorn would trust 127.0.0.1 by default."""
    return os.environ.get("FORWARDED_ALLOW_IPS", "").strip()


def uvicorn(host: str, port: int, trusted: str) -> list[str]:
    proxies = ["--forwarded-allow-ips", trusted] if trusted else ["--no-proxy-headers"]
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "config.asgi:application",
        "--host",
        host,
        "--port",
        str(port),
        # Django does not speak the ASGI lifespan protocol; saying so keeps the log quiet.
        "--lifespan",
        "off",
        # The hall displays' streams never end by themselves: a restart closes them after
        # three seconds, and the displays reconnect on their own.
        "--timeout-graceful-shutdown",
        "3",
        *proxies,
    ]


def web(host: str, port: int, *, shared: bool) -> dict[str, list[str]]:
    """The web's processes on host:port: pages, streams and the router between them when the
    live screens are `shared` through Redis, else one uvicorn."""
    if not shared:
        return {"web": uvicorn(host, port, trusted_proxies())}
    pages, streams = free_port(), free_port()
    return {
        "pages": [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--config",
            "python:config.gunicorn",
            "--bind",
            f"127.0.0.1:{pages}",
            "--access-logfile",
            "-",
            # Behind the router (the edge: it replaces X-Forwarded-For), which alone is trusted.
            "--env",
            "FORWARDED_ALLOW_IPS=127.0.0.1",
        ],
        "streams": uvicorn("127.0.0.1", streams, "127.0.0.1"),
        "router": [
            sys.executable,
            ROUTE,
            "--listen",
            f"{host}:{port}",
            "--pages",
            f"127.0.0.1:{pages}",
            "--streams",
            f"127.0.0.1:{streams}",
        ],
    }


def processes(host: str, port: int) -> dict[str, list[str]]:
    python = sys.executable
    return {
        **web(host, port, shared=bool(os.environ.get("REDIS_URL"))),
        "worker": (
            [
                python,
                "manage.py",
                "rqworker",
                "--job-class",
                "django_tasks_rq.backend.Job",
                "default",
            ]
            if os.environ.get("TASKS_BACKEND", "db") == "rq"
            else [python, "manage.py", "db_worker", "--interval", "0.5"]
        ),
        "scheduler": [python, "manage.py", "run_scheduler"],
    }


def stop(running: dict[str, subprocess.Popen]) -> None:
    for child in running.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in running.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


# The pages a person opens first, printed with the address actually served.
LINKS = (
    ("Citizens' portal", "/"),
    ("Track a case", "/track/"),
    ("Staff sign-in", "/staff/login/"),
    ("Walk-in halls (kiosk, display, windows)", "/hall/"),
    ("Administration", "/admin/"),
)


# The demo hall's one-time kiosk link, left by `manage.py load_demo` (load_demo_hall): only a
# browser enrolled as a kiosk takes tickets (mithaq.walkin.kiosk), and opening it enrols one.
DEMO_KIOSK_LINK = Path(__file__).resolve().parent.parent / "var" / "demo-kiosk-link"
KIOSK_LABEL = "Hall kiosk (enrols the browser that opens it, once)"


def demo_kiosk_link(path: Path = DEMO_KIOSK_LINK) -> tuple[tuple[str, str], ...]:
    try:
        link = path.read_text().strip()
    except OSError:
        return ()
    return ((KIOSK_LABEL, link),) if link.startswith("/") else ()


def links(host: str, port: int, extra: tuple[tuple[str, str], ...] = ()) -> str:
    base = f"http://{host}:{port}"
    shown = LINKS + extra
    width = max(len(label) for label, _path in shown)
    return "\n".join(f"  {label.ljust(width)}  {base}{path}" for label, path in shown)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args()

    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    # Links in messages (the tracking page) point where this run serves, unless the public
    # address is set (README: MITHAQ_PUBLIC_URL).
    os.environ.setdefault("MITHAQ_PUBLIC_URL", f"http://{args.host}:{args.port}")

    running = {
        name: subprocess.Popen(command)  # noqa: S603 - our own fixed commands
        for name, command in processes(args.host, args.port).items()
    }
    served = (
        "pages by gunicorn, displays' streams by uvicorn"
        if "router" in running
        else "one uvicorn process (set REDIS_URL to serve as production does)"
    )
    print(
        f"Mithaq is starting on http://{args.host}:{args.port}/, {served} (Ctrl-C stops it)\n"
        f"{links(args.host, args.port, demo_kiosk_link())}\n"
        f"  Messages link to {os.environ['MITHAQ_PUBLIC_URL']} (MITHAQ_PUBLIC_URL)",
        flush=True,
    )
    exit_code = 0
    while not stopping:
        ended = {
            name: child.returncode for name, child in running.items() if child.poll() is not None
        }
        if ended:
            for name, code in ended.items():
                print(f"run: {name} exited with code {code}; stopping the rest", file=sys.stderr)
                exit_code = exit_code or code
            break
        time.sleep(0.2)
    stop(running)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
