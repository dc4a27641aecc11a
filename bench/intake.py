"""Intake speed: the office mailbox's emails per second on one worker, and a case submitted
through the public API against one submitted on the portal.

    .venv/bin/python bench/intake.py [--emails 500] [--submissions 150] [--profile]
    .venv/bin/python bench/intake.py --only mail --imap --emails 10000

In process, on the bench database (`--database-url`, as bench/seed.py), one worker, one
request at a time through Django's whole middleware (the test client): what is measured is
our code and PostgreSQL, not a server's concurrency (bench/run.py measures that). Mail: raw
emails, each with a phone, made into cases by `mail.process_batch` 50 at a time (what
`poll_mailbox` does between a FETCH and its MOVE); with `--imap`, delivered to a throwaway
Dovecot first (mithaq.intake.tests.dovecot) and read by `poll_mailbox` itself. Besides
emails/s it prints the CPU per email of this process (all its threads) and of PostgreSQL's
backends on the bench database: on a shared machine the CPU says more than the clock. API
and portal: requests interleaved one for one, so that what else the machine does weighs on
both. `--profile` prints where the mail's CPU goes (cProfile on process time). What the run
makes is deleted afterwards."""

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import (  # noqa: E402
    BENCH_NAME,
    BENCH_PHONE,
    HOST,
    TRANSACTION,
    remove_dispatch_tasks,
    submission_fields,
)
from bench.seed import BENCH_DATABASE_URL, setup_django  # noqa: E402


def raw_email(n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{BENCH_NAME} <load.{n}.{uuid.uuid4().hex[:8]}@example.com>"
    msg["To"] = "office@university.example"
    msg["Subject"] = "تأخر إصدار كشف الدرجات"
    msg["Message-ID"] = f"<bench.{uuid.uuid4().hex}@example.com>"
    msg.set_content(
        "قدمت طلب كشف الدرجات قبل شهر ولم أستلمه حتى الآن رغم مراجعتي الشعبة مرتين. "
        f"رقم هاتفي {BENCH_PHONE}"
    )
    return msg.as_bytes()


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def database_cpu() -> float:
    """CPU seconds used so far by the PostgreSQL backends connected to this database (the
    bench database is this run's alone; same machine), or 0."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        pids = [row[0] for row in cur.fetchall()]
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _mailbox(**fields):
    from mithaq.accounts.models import Membership, Role
    from mithaq.intake.models import Mailbox

    reception = Membership.objects.filter(role=Role.RECEPTION).select_related("user").first()
    Mailbox.objects.filter(name="bench").delete()
    return Mailbox.objects.create(
        name="bench",
        host="127.0.0.1",
        username="office",
        password_env="MITHAQ_BENCH_IMAP_PASSWORD",  # noqa: S106 - a variable's name
        received_by=reception.user,
        security=Mailbox.Security.NONE,
        is_active=False,
        **fields,
    )


def bench_mail(count: int, profile: bool, imap: bool) -> dict:
    """In process: `mail.process_batch` over batches of 50 raw emails (what poll_mailbox does
    between its FETCH and its MOVE). With `imap`: the emails are delivered to a throwaway
    Dovecot first, and poll_mailbox reads them all (FETCH, cases, MOVE)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mithaq.intake import mail

    emails = [raw_email(n) for n in range(count + 6)]
    mailbox = _mailbox()
    for raw in emails[:5]:  # warm: imports, per-process copies, prepared statements
        mail.process_message(mailbox, raw)
    # Queries counted on one more email: capturing them slows every query, so not timed.
    with CaptureQueriesContext(connection) as queries:
        mail.process_batch(mailbox, [("1", emails[5])])
    statements = [q for q in queries.captured_queries if not TRANSACTION.match(q["sql"])]
    if os.environ.get("BENCH_SQL"):
        for q in queries.captured_queries:
            print("  SQL:", q["sql"][:160])
    with contextlib.ExitStack() as stack:
        if imap:
            mailbox.port = stack.enter_context(_dovecot_with(emails[6:]))
            mailbox.save(update_fields=["port"])

            def run():
                counts = mail.poll_mailbox(mailbox, limit=count)
                if counts != {"new_case": count}:
                    raise SystemExit(f"not every email was made a case: {counts}")
        else:

            def run():
                for start in range(6, len(emails), mail.BATCH):
                    batch = [
                        (str(n), emails[n])
                        for n in range(start, min(start + mail.BATCH, len(emails)))
                    ]
                    for _uid, outcome in mail.process_batch(mailbox, batch):
                        if outcome != "new_case":
                            raise SystemExit(f"an email was not made a case: {outcome}")

        profiler = cProfile.Profile(time.process_time) if profile else None  # CPU, not waits
        started, cpu, db_cpu = time.perf_counter(), time.process_time(), database_cpu()
        if profiler:
            profiler.enable()
        run()
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
        cpu, db_cpu = time.process_time() - cpu, database_cpu() - db_cpu
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(
            os.environ.get("BENCH_SORT", "cumulative")
        ).print_stats(os.environ.get("BENCH_FILTER", ""), 45)
        print(out.getvalue())
    return {
        "emails": count,
        "per_second": count / elapsed,
        "ms_per_email": 1000 * elapsed / count,
        "queries_per_email": len(statements),
        "cpu_ms": 1000 * cpu / count,
        "db_cpu_ms": 1000 * db_cpu / count,
    }


@contextlib.contextmanager
def _dovecot_with(emails: list[bytes]):
    """A throwaway Dovecot (mithaq.intake.tests.dovecot) whose INBOX holds these emails."""
    import imaplib

    from mithaq.intake.tests.dovecot import PASSWORD, running_dovecot

    os.environ["MITHAQ_BENCH_IMAP_PASSWORD"] = PASSWORD
    with running_dovecot() as port:
        client = imaplib.IMAP4("127.0.0.1", port)
        client.login("office", PASSWORD)
        started = time.perf_counter()
        for raw in emails:
            client.append("INBOX", "", imaplib.Time2Internaldate(time.time()), raw)
        client.logout()
        print(f"delivered {len(emails)} emails to Dovecot in {time.perf_counter() - started:.1f} s")
        yield port


def bench_submissions(count: int, profile: bool = False) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from mithaq.intake.services import issue_api_key

    _key, raw = issue_api_key(name="bench", may_submit=True, per_minute=10**9)
    portal_fields = submission_fields()
    api_body = {
        "kind": "complaint",
        "subject": portal_fields["subject"],
        "body": portal_fields["body"],
        "remedy_sought": portal_fields.get("remedy_sought", ""),
        "citizen_name": BENCH_NAME,
        "citizen_phone": BENCH_PHONE,
        "citizen_email": "load.test@example.com",
    }
    client = Client(HTTP_HOST=HOST, raise_request_exception=True)

    def portal():
        data = {k: (str(uuid.uuid4()) if v == "__TOKEN__" else v) for k, v in portal_fields.items()}
        response = client.post("/submit/complaint/", data)
        client.cookies.clear()
        if response.status_code != 302:
            raise SystemExit(f"portal answered {response.status_code}")

    def api():
        response = client.post(
            "/api/v1/cases",
            api_body,
            content_type="application/json",
            HTTP_X_API_KEY=raw,
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        )
        if response.status_code != 201:
            raise SystemExit(f"API answered {response.status_code}: {response.content[:200]!r}")

    times: dict[str, list[float]] = {"portal": [], "api": []}
    queries: dict[str, int] = {}
    for name, call in (("portal", portal), ("api", api)):
        for _ in range(5):
            call()  # warm
        with CaptureQueriesContext(connection) as ctx:
            call()
        queries[name] = len([q for q in ctx.captured_queries if not TRANSACTION.match(q["sql"])])
        if os.environ.get("BENCH_SQL"):
            for q in ctx.captured_queries:
                print(f"  {name} SQL:", q["sql"][:150])
    cpu: dict[str, float] = {"portal": 0.0, "api": 0.0}
    db_cpu: dict[str, float] = {"portal": 0.0, "api": 0.0}
    profilers = {name: cProfile.Profile(time.process_time) for name in cpu} if profile else {}
    for _ in range(count):
        for name, call in (("portal", portal), ("api", api)):
            started, cpu_before, db_before = (
                time.perf_counter(),
                time.process_time(),
                database_cpu(),
            )
            if profilers:
                profilers[name].enable()
            call()
            if profilers:
                profilers[name].disable()
            times[name].append(1000 * (time.perf_counter() - started))
            cpu[name] += time.process_time() - cpu_before
            db_cpu[name] += database_cpu() - db_before
    for name, profiler in profilers.items():
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(
            os.environ.get("BENCH_SORT", "cumulative")
        ).print_stats(os.environ.get("BENCH_FILTER", ""), 40)
        print(f"--- {name}\n{out.getvalue()}")
    return {
        name: {
            "median_ms": statistics.median(values),
            "mean_ms": statistics.fmean(values),
            "p90_ms": statistics.quantiles(values, n=10)[-1],
            "queries": queries[name],
            "cpu_ms": 1000 * cpu[name] / count,
            "db_cpu_ms": 1000 * db_cpu[name] / count,
        }
        for name, values in times.items()
    }


def clean_up(since) -> int:
    from mithaq.cases.models import Case
    from mithaq.intake.models import ApiKey, ApiSubmission, Mailbox, MailMessage

    made = Case.objects.filter(citizen_phone=BENCH_PHONE, citizen_name=BENCH_NAME)
    MailMessage.objects.filter(case__in=made).delete()
    MailMessage.objects.filter(mailbox__name="bench").delete()
    ApiSubmission.objects.filter(api_key__name="bench").delete()
    ApiKey.objects.filter(name="bench").delete()
    Mailbox.objects.filter(name="bench").delete()
    deleted, _per_model = made.delete()
    remove_dispatch_tasks(since)
    return deleted


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--emails", type=int, default=500)
    parser.add_argument("--submissions", type=int, default=150)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--imap", action="store_true", help="through a throwaway Dovecot")
    parser.add_argument("--only", choices=["mail", "api"])
    args = parser.parse_args(argv)
    setup_django(args.database_url or BENCH_DATABASE_URL)
    from django.utils import timezone

    started = timezone.now()
    try:
        if args.only in (None, "mail"):
            result = bench_mail(args.emails, args.profile, args.imap)
            print(
                f"mail: {result['emails']} emails, {result['per_second']:.1f}/s "
                f"({result['ms_per_email']:.1f} ms each, "
                f"{result['queries_per_email']:.1f} queries each; CPU {result['cpu_ms']:.1f} ms "
                f"+ PostgreSQL {result['db_cpu_ms']:.1f} ms each; load {load()})"
            )
        if args.only in (None, "api"):
            for name, r in bench_submissions(args.submissions, args.profile).items():
                print(
                    f"{name:6}: median {r['median_ms']:.1f} ms, mean {r['mean_ms']:.1f} ms, "
                    f"p90 {r['p90_ms']:.1f} ms, {r['queries']} queries; CPU {r['cpu_ms']:.1f} ms "
                    f"+ PostgreSQL {r['db_cpu_ms']:.1f} ms; load {load()}"
                )
    finally:
        print(f"cleaned up {clean_up(since=started)} rows")


if __name__ == "__main__":
    main()
