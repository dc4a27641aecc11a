"""The dispatcher's bench: messages per second from the outbox to a local HTTP SMS gateway
with one worker, and proof that 100,000 queued messages drain with none lost or doubled
(counted on the gateway's side).

    .venv/bin/python bench/dispatch.py [--rate-messages 5000] [--drain-messages 100000]

Uses the PostgreSQL database mithaq_msgs_bench (BENCH_DISPATCH_DATABASE_URL to change it),
which it creates and migrates; its messages are deleted before each phase."""

import argparse
import json
import multiprocessing
import os
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get(
    "BENCH_DISPATCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mithaq_msgs_bench"
)
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
os.environ["DEBUG"] = "false"  # no query log
os.environ["MITHAQ_SMS_TRANSPORT"] = "http"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["BENCH_GATEWAY_TOKEN"] = "bench-token"  # noqa: S105 - a local stub
RATE_BUDGET = 300  # messages per second, one worker


def serve_gateway(port_out):
    """The stub SMS gateway, in its own process (so that it does not share the worker's
    interpreter): accepts every message and counts it by its text; GET answers the counts."""
    received: Counter = Counter()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            text = urllib.parse.parse_qs(body.decode())["msg"][0]
            with lock:
                received[text] += 1
                n = sum(received.values()) if len(received) < 10 else len(received)
            self._answer(f"OK id={n}".encode())

        def do_GET(self):
            with lock:
                self._answer(json.dumps(received).encode())

        def _answer(self, answer):
            self.send_response(200)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_out.put(server.server_address[1])
    server.serve_forever()


class Gateway:
    def __init__(self):
        queue = multiprocessing.Queue()
        self.process = multiprocessing.Process(target=serve_gateway, args=(queue,), daemon=True)
        self.process.start()
        port = queue.get(timeout=10)
        self.url = f"http://127.0.0.1:{port}/send"

    def received(self) -> Counter:
        with urllib.request.urlopen(self.url, timeout=60) as answer:  # noqa: S310 - loopback
            return Counter(json.loads(answer.read()))

    def stop(self):
        self.process.terminate()
        self.process.join()


def ensure_database():
    import psycopg

    parts = urllib.parse.urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def queue(n: int, prefix: str):
    from django.utils import timezone

    from mithaq.notifications.models import Message

    now = timezone.now()
    batch = []
    for i in range(n):
        batch.append(
            Message(
                recipient_kind="citizen",
                channel="sms",
                address=f"+9647700{i:06d}",
                event_key="turn_near",
                language="ar",
                body=f"{prefix}-{i}",
                created_at=now,
                next_attempt_at=now,
                dedupe_key=f"bench:{prefix}:{i}",
            )
        )
        if len(batch) == 5000:
            Message.objects.bulk_create(batch)
            batch = []
    if batch:
        Message.objects.bulk_create(batch)


def drain() -> tuple[int, float]:
    """One worker: run dispatch_due until nothing is due. Returns (sent, seconds)."""
    from mithaq.notifications.dispatch import dispatch_due

    started = time.perf_counter()
    cpu = time.process_time()
    sent = 0
    while True:
        counts = dispatch_due(limit=1000)
        sent += counts.get("sent", 0)
        if not counts:
            break
    elapsed = time.perf_counter() - started
    print(f"  worker CPU {time.process_time() - cpu:.1f}s of {elapsed:.1f}s elapsed")
    return sent, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate-messages", type=int, default=5000)
    parser.add_argument("--drain-messages", type=int, default=100_000)
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    from mithaq.notifications.models import Attempt, GatewayConfig, GatewayState, Message

    call_command("migrate", verbosity=0)
    gateway = Gateway()
    Attempt.objects.all().delete()
    Message.objects.all().delete()
    GatewayState.objects.all().delete()
    GatewayConfig.objects.all().delete()
    GatewayConfig.objects.create(
        code="bench",
        kind="sms_http",
        url=gateway.url,
        params_template={"to": "{to}", "msg": "{text}"},
        auth_kind="bearer",
        secret_env="BENCH_GATEWAY_TOKEN",  # noqa: S106 - names the variable
        success_pattern="^OK",
        message_id_pattern=r"id=(\d+)",
        timeout_seconds=5,
    )
    ok = True

    queue(args.rate_messages, "rate")
    sent, seconds = drain()
    rate = sent / seconds
    print(f"rate: {sent} messages in {seconds:.1f}s = {rate:.0f}/s (budget {RATE_BUDGET}/s)")
    ok &= rate >= RATE_BUDGET and sent == args.rate_messages

    started = time.perf_counter()
    queue(args.drain_messages, "drain")
    print(f"drain: queued {args.drain_messages} in {time.perf_counter() - started:.1f}s")
    sent, seconds = drain()
    received = gateway.received()
    texts = [t for t in received if t.startswith("drain-")]
    doubled = sum(1 for t in texts if received[t] > 1)
    lost = args.drain_messages - len(texts)
    unsent = Message.objects.filter(body__startswith="drain-").exclude(status="sent").count()
    print(
        f"drain: {sent} sent in {seconds:.1f}s = {sent / seconds:.0f}/s; gateway received "
        f"{len(texts)} distinct, lost {lost}, doubled {doubled}, not marked sent {unsent}"
    )
    ok &= lost == 0 and doubled == 0 and unsent == 0
    gateway.stop()
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
