"""The walk-in hall under load: how long "call next" takes with 1,000 tickets waiting, through
the service function and through the window's HTTP endpoint.

    .venv/bin/python bench/hall.py [--calls 300] [--waiting 1000]

Runs on PostgreSQL database `mithaq_hall_bench` (dropped, made again and migrated on every
run, then filled with the personas of `mithaq.testing`, the test hall of
`mithaq.walkin.testing`, and `--waiting` + 3 x `--calls` waiting tickets, so that at least
`--waiting` wait at every measured call). Each call is followed by an untimed finish, as at a
real window. The HTTP run serves `config.asgi` with one uvicorn worker (bench/serve.py, the
bench settings: production, DEBUG off, one database connection per request) and posts
`walkin:counter_act` "call" with a signed-in session. Budget: p99 < 50 ms. Results are also
written to bench/results/hall.json.
"""

import argparse
import datetime
import http.client
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mithaq_hall_bench"
BUDGET_MS = 50.0
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"


def fresh_database(url: str) -> None:
    """The bench's own database, made again on every run: its schema is always the
    migrations' of this checkout."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup(url: str) -> None:
    from bench.seed import setup_django

    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(waiting: int, calls: int):
    from mithaq.testing import make_org
    from mithaq.walkin.models import Ticket
    from mithaq.walkin.testing import make_hall

    org = make_org()
    hw = make_hall(org)
    now = datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(hours=1)
    day = hw.hall.local_day(now)
    total = waiting + 3 * calls + 100
    # Both services of window 1, one in seven for the priority window, in issue order.
    rows = []
    for n in range(1, total + 1):
        service = hw.transcripts if n % 2 else hw.certificates
        rows.append(
            Ticket(
                hall=hw.hall,
                hall_service=service,
                issued_service=service,
                day=day,
                number=n,
                code=f"{service.letter}{n:03d}",
                issued_at=now + datetime.timedelta(milliseconds=n),
                queued_at=now + datetime.timedelta(milliseconds=n),
                is_priority=n % 7 == 0,
            )
        )
    Ticket.objects.bulk_create(rows, batch_size=2000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE walkin_ticket")
    return org, hw


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)

    def pct(p):
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return {
        "n": len(ordered),
        "p50_ms": round(pct(50), 2),
        "p95_ms": round(pct(95), 2),
        "p99_ms": round(pct(99), 2),
        "max_ms": round(ordered[-1], 2),
        "mean_ms": round(statistics.fmean(ordered), 2),
    }


def waiting_now(hw) -> int:
    from mithaq.walkin.models import Ticket

    return Ticket.objects.waiting().filter(hall=hw.hall).count()


def bench_service(org, hw, calls: int, *, hooks: bool = True) -> dict:
    """hooks=False leaves out what runs after commit (the display's publish and the "turn
    is near" check), to show what the transaction itself costs."""
    from unittest import mock

    from mithaq.walkin import services

    if not hooks:
        with (
            mock.patch.object(services, "live", None),
            mock.patch.object(services, "notify_turn_near", lambda **kw: 0),
        ):
            return bench_service(org, hw, calls)

    counter, officer = hw.window_1, org.officer_a
    services.open_counter(counter=counter, actor=officer)
    samples = []
    for i in range(calls + 20):
        start = time.perf_counter()
        ticket = services.call_next_ticket(counter=counter, actor=officer)
        elapsed = (time.perf_counter() - start) * 1000
        if ticket is None:
            raise SystemExit("no ticket waiting: raise --waiting")
        services.finish_ticket(ticket=ticket, actor=officer, outcome="served")
        if i >= 20:  # warm-up
            samples.append(elapsed)
    services.close_counter(counter=counter, actor=officer)
    return summary(samples)


def start_server(url: str, port: int) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.bench")
    log = (RESULTS / "hall-server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "serve.py"), HOST, str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/bench/ceiling/")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise SystemExit("the server did not start; see bench/results/hall-server.log")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def bench_http(url: str, org, hw, calls: int) -> dict:
    from django.conf import settings
    from django.urls import reverse

    from bench.run import free_port, signed_in_cookie
    from mithaq.walkin import services

    services.open_counter(counter=hw.window_1, actor=org.officer_a)
    csrf = secrets.token_hex(16)  # any 32-character secret is a valid CSRF cookie
    headers = {
        "Cookie": f"{signed_in_cookie(org.officer_a)}; {settings.CSRF_COOKIE_NAME}={csrf}",
        "X-CSRFToken": csrf,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    call_path = reverse("walkin:counter_act", args=[hw.hall.code, 1, "call"])
    finish_path = reverse("walkin:counter_act", args=[hw.hall.code, 1, "finish"])
    port = free_port()
    proc = start_server(url, port)
    try:
        conn = http.client.HTTPConnection(HOST, port, timeout=10)

        def post(path, body=""):
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 302:
                raise SystemExit(f"POST {path} answered {response.status}")
            return response

        samples = []
        for i in range(calls + 20):
            start = time.perf_counter()
            post(call_path)
            elapsed = (time.perf_counter() - start) * 1000
            post(finish_path, "outcome=served")
            if i >= 20:
                samples.append(elapsed)
    finally:
        stop_server(proc)
    return summary(samples)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--waiting", type=int, default=1000)
    parser.add_argument(
        "--database-url", default=os.environ.get("HALL_BENCH_DATABASE_URL", DATABASE_URL)
    )
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    fresh_database(args.database_url)
    setup(args.database_url)
    org, hw = build(args.waiting, args.calls)
    print(f"hall bench on {args.database_url}: {waiting_now(hw)} tickets waiting")
    core = bench_service(org, hw, args.calls, hooks=False)
    print("call-next, service function, transaction only:", json.dumps(core))
    service = bench_service(org, hw, args.calls)
    service["waiting_after"] = waiting_now(hw)
    print("call-next, service function with after-commit hooks:", json.dumps(service))
    http_ = bench_http(args.database_url, org, hw, args.calls)
    http_["waiting_after"] = waiting_now(hw)
    print("call-next, HTTP POST walkin:counter_act:", json.dumps(http_))
    ok = service["p99_ms"] < BUDGET_MS and http_["p99_ms"] < BUDGET_MS
    result = {
        "budget_p99_ms": BUDGET_MS,
        "service_transaction_only": core,
        "service": service,
        "http": http_,
        "ok": ok,
        "load_average": os.getloadavg(),
    }
    (RESULTS / "hall.json").write_text(json.dumps(result, indent=2))
    print("within budget" if ok else f"OVER BUDGET (p99 >= {BUDGET_MS} ms)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
