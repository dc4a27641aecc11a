"""The hall display under load: one uvicorn process holds N display streams (SSE) while
windows call tickets; every stream must receive every call, and we time how long each took.

    .venv/bin/python bench/display.py                      # 100 displays, 60 calls
    .venv/bin/python bench/display.py --connections 200 --calls 100 --interval 0.1

The server is `config.asgi` under uvicorn (one process, `config.settings.bench`) on
127.0.0.1 with a database of its own (a fresh SQLite file unless --database-url). The calls
are made by this script through the real services (`call_next_ticket`, `finish_ticket`), as a
second server process would: their events reach the display process through Redis
(REDIS_URL, the production set-up for more than one process). Latency is measured per
stream and per call from the moment the service was called ("click") and from the moment
the event was published ("publish"). Bounded by --timeout; the server is always stopped.
Results go to bench/results/display-<time>.json. A measurement, not a test.
"""

import argparse
import asyncio
import datetime
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HALL = "bench-hall"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)


def setup_django(args) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["REDIS_URL"] = args.redis_url
    # This run's own names in Redis: nothing else listening hears it.
    os.environ["CHANNEL_LAYER_PREFIX"] = f"bench-display-{os.getpid()}"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(windows: int, tickets: int):
    """A hall with two services, `windows` open windows and `tickets` waiting tickets."""
    from django.core.management import call_command

    from mithaq.testing import make_org
    from mithaq.walkin import services
    from mithaq.walkin.models import Counter, Hall, HallService

    call_command("migrate", verbosity=0)
    org = make_org()
    hall = Hall.objects.create(unit=org.dept_a, code=HALL, name_ar="قاعة القياس", name_en="Bench")
    kinds = [
        HallService.objects.create(hall=hall, service=org.service_a, letter="A"),
        HallService.objects.create(hall=hall, service=org.service_b, letter="B", position=1),
    ]
    counters = []
    for number in range(1, windows + 1):
        counter = Counter.objects.create(hall=hall, number=number)
        counter.services.set(kinds)
        counters.append(services.open_counter(counter=counter, actor=org.officer_a))
    for i in range(tickets):
        services.issue_ticket(hall=hall, hall_service=kinds[i % 2])
    return org, hall, counters


def start_server(port: int, log) -> subprocess.Popen:
    env = os.environ.copy()
    command = [
        sys.executable, "-m", "uvicorn", "config.asgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--lifespan", "off",
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("the server did not start; see its log") from None
            time.sleep(0.2)
    raise RuntimeError("the server did not answer within 30 s")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Display:
    """One display's stream, read with a bare socket (HTTP/1.0: no chunking)."""

    def __init__(self, port: int, path: str):
        self.port, self.path = port, path
        self.ready = asyncio.Event()
        self.calls: dict[str, float] = {}  # ticket -> when its call arrived
        self.sent: dict[str, float] = {}  # ticket -> when it was published
        self.error = None
        self.seen = asyncio.Event()

    async def run(self):
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            writer.write(
                f"GET {self.path} HTTP/1.0\r\nHost: 127.0.0.1\r\n"
                "Accept: text/event-stream\r\n\r\n".encode()
            )
            await writer.drain()
            status = await reader.readline()
            if b" 200 " not in status:
                raise RuntimeError(status.decode().strip())
            await reader.readuntil(b"\r\n\r\n")
            while True:
                block = await reader.readuntil(b"\n\n")
                now = time.time()
                event, data = None, None
                for line in block.decode().split("\n"):
                    if line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: "):
                        data = json.loads(line[6:])
                if event == "state":
                    self.ready.set()
                elif event == "hall" and data["event"]["event"] == "called":
                    self.calls[data["event"]["ticket"]] = now
                    self.sent[data["event"]["ticket"]] = data["sent"]
                    self.seen.set()
        except asyncio.CancelledError:
            writer.close()
            raise
        except Exception as exc:  # noqa: BLE001 - reported with the results
            self.error = repr(exc)
            self.ready.set()


async def hold_displays(port: int, connections: int, timeout: float) -> None:
    """The displays' process: connect, say "ready", then wait for the list of called tickets
    on stdin and answer with when each display received each of them."""
    path = f"/hall/{HALL}/display/stream/"
    displays = [Display(port, path) for _ in range(connections)]
    tasks = [asyncio.create_task(d.run()) for d in displays]
    await asyncio.wait_for(asyncio.gather(*(d.ready.wait() for d in displays)), timeout)
    print("ready", flush=True)
    line = await asyncio.to_thread(sys.stdin.readline)
    expected = json.loads(line)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(
        len(d.calls) < len(expected) for d in displays if not d.error
    ):
        await asyncio.sleep(0.05)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    out = [{"calls": d.calls, "sent": d.sent, "error": d.error} for d in displays]
    print(json.dumps(out), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--calls", type=int, default=60)
    parser.add_argument("--windows", type=int, default=6)
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between calls")
    parser.add_argument("--timeout", type=float, default=180, help="the whole run, seconds")
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/6")
    )
    parser.add_argument("--displays-on-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.displays_on_port:
        asyncio.run(hold_displays(args.displays_on_port, args.connections, args.timeout))
        return 0

    started = time.monotonic()
    tmp = tempfile.TemporaryDirectory(prefix="mithaq-bench-display-")
    args.database_url = args.database_url or f"sqlite:///{tmp.name}/bench.sqlite3"
    setup_django(args)
    print(f"seeding a hall with {args.calls} waiting tickets ...", flush=True)
    org, hall, counters = seed(args.windows, args.calls)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")  # noqa: DTZ005 - a file name
    port = free_port()
    server = displays = None
    with open(RESULTS / f"server-display-{stamp}.log", "w") as log:
        try:
            server = start_server(port, log)
            # The displays live in a process of their own, so that reading 100 streams and
            # making the calls do not take turns on one interpreter lock.
            displays = subprocess.Popen(
                [sys.executable, __file__, "--displays-on-port", str(port),
                 "--connections", str(args.connections), "--timeout", str(args.timeout)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True,
            )  # fmt: skip
            if displays.stdout.readline().strip() != "ready":
                raise RuntimeError("the displays did not connect")
            rss_connected = rss_mib(server.pid)
            print(f"{args.connections} displays connected; server RSS {rss_connected:.0f} MiB")
            clicks = make_calls(org, counters, args.calls, args.interval, started, args.timeout)
            rss = rss_mib(server.pid)
            out, _ = displays.communicate(json.dumps(list(clicks)) + "\n", timeout=30)
            received = json.loads(out.strip().splitlines()[-1])
        finally:
            for process in (displays, server):
                if process is not None and process.poll() is None:
                    process.terminate()
                    try:
                        process.wait(10)
                    except subprocess.TimeoutExpired:
                        process.kill()
            tmp.cleanup()
    report = summarise(args, clicks, received, rss, started)
    (RESULTS / f"display-{stamp}.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report["summary"], indent=2))
    return 0 if report["summary"]["every_display_got_every_call"] else 1


def make_calls(org, counters, calls, interval, started, timeout) -> dict[str, float]:
    """The windows in turn: finish the ticket at the window, call the next one."""
    from mithaq.walkin import services
    from mithaq.walkin.models import Ticket
    from mithaq.walkin.states import Outcome, TicketState

    clicks = {}
    for i in range(calls):
        if time.monotonic() - started > timeout - 15:
            break
        counter = counters[i % len(counters)]
        current = Ticket.objects.filter(counter=counter, state=TicketState.CALLED).first()
        if current:
            services.finish_ticket(
                ticket=current, actor=org.officer_a, outcome=Outcome.SERVED, counter=counter
            )
        t0 = time.time()
        ticket = services.call_next_ticket(counter=counter, actor=org.officer_a)
        clicks[ticket.code] = t0
        time.sleep(interval)
    return clicks


def summarise(args, clicks, received, rss, started) -> dict:
    from_click, from_publish, per_display_p99, missing = [], [], [], 0
    for display in received:
        mine = []
        for ticket, t0 in clicks.items():
            if ticket not in display["calls"]:
                missing += 1
                continue
            mine.append(display["calls"][ticket] - t0)
            from_publish.append(display["calls"][ticket] - display["sent"][ticket])
        from_click += mine
        if mine:
            per_display_p99.append(percentile(mine, 99))
    errors = [d["error"] for d in received if d["error"]]

    def ms(value):
        return round(value * 1000, 1)

    summary = {
        "connections": args.connections,
        "calls": len(clicks),
        "deliveries": len(from_click),
        "missing_deliveries": missing,
        "display_errors": len(errors),
        "every_display_got_every_call": missing == 0 and not errors,
        "click_to_screen_ms": {
            "p50": ms(percentile(from_click, 50)),
            "p99": ms(percentile(from_click, 99)),
            "max": ms(max(from_click or [0])),
        },
        "publish_to_screen_ms": {
            "p50": ms(percentile(from_publish, 50)),
            "p99": ms(percentile(from_publish, 99)),
        },
        "worst_display_p99_ms": ms(max(per_display_p99 or [0])),
        "mean_display_p99_ms": ms(statistics.mean(per_display_p99)) if per_display_p99 else None,
        "server_rss_mib": round(rss, 1),
        "layer": "channels_redis pubsub; calls made by another process",
        "database": args.database_url.split("://")[0],
        "seconds": round(time.monotonic() - started, 1),
    }
    return {"summary": summary, "errors": errors[:10]}


if __name__ == "__main__":
    sys.exit(main())
