"""Intake speed: the office mailbox's emails per second on one worker, and a case submitted
through the public API against one submitted on the portal.

    .venv/bin/python bench/intake.py [--emails 500] [--submissions 150] [--profile]

In process, on the bench database (`--database-url`, as bench/seed.py), one worker, one
request at a time through Django's whole middleware (the test client): what is measured is
our code and PostgreSQL, not a server's concurrency (bench/run.py measures that). Mail: raw
emails, each with a phone, made into cases by `mail.process_message` (what `poll_mailbox`
does for each fetched message; IMAP's FETCH and MOVE go 50 messages at a time). API and
portal: requests interleaved one for one, so that what else the machine does weighs on
both. `--profile` prints where the mail's time goes (cProfile). What the run makes is
deleted afterwards."""

import argparse
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

from bench.run import BENCH_NAME, BENCH_PHONE, HOST, TRANSACTION, submission_fields  # noqa: E402
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


def bench_mail(count: int, profile: bool) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mithaq.accounts.models import Membership, Role
    from mithaq.intake import mail
    from mithaq.intake.models import Mailbox

    reception = Membership.objects.filter(role=Role.RECEPTION).select_related("user").first()
    mailbox, _created = Mailbox.objects.get_or_create(
        name="bench",
        defaults={
            "host": "127.0.0.1",
            "username": "bench",
            "password_env": "UNUSED",
            "received_by": reception.user,
            "is_active": False,
        },
    )
    emails = [raw_email(n) for n in range(count + 6)]
    for raw in emails[:5]:  # warm: imports, per-process copies, prepared statements
        mail.process_message(mailbox, raw)
    # Queries counted on one more email: capturing them slows every query, so not timed.
    with CaptureQueriesContext(connection) as queries:
        mail.process_message(mailbox, emails[5])
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    for raw in emails[6:]:
        row = mail.process_message(mailbox, raw)
        if row.outcome != "new_case":
            raise SystemExit(f"an email was not made a case: {row.reason}")
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    statements = [q for q in queries.captured_queries if not TRANSACTION.match(q["sql"])]
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(
            os.environ.get("BENCH_SORT", "cumulative")
        ).print_stats(45)
        print(out.getvalue())
    return {
        "emails": count,
        "per_second": count / elapsed,
        "ms_per_email": 1000 * elapsed / count,
        "queries_per_email": len(statements),
    }


def bench_submissions(count: int) -> dict:
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
    for _ in range(count):
        for name, call in (("portal", portal), ("api", api)):
            started = time.perf_counter()
            call()
            times[name].append(1000 * (time.perf_counter() - started))
    return {
        name: {
            "median_ms": statistics.median(values),
            "mean_ms": statistics.fmean(values),
            "p90_ms": statistics.quantiles(values, n=10)[-1],
            "queries": queries[name],
        }
        for name, values in times.items()
    }


def clean_up() -> int:
    from mithaq.cases.models import Case
    from mithaq.intake.models import ApiKey, ApiSubmission, Mailbox, MailMessage

    made = Case.objects.filter(citizen_phone=BENCH_PHONE, citizen_name=BENCH_NAME)
    MailMessage.objects.filter(case__in=made).delete()
    MailMessage.objects.filter(mailbox__name="bench").delete()
    ApiSubmission.objects.filter(api_key__name="bench").delete()
    ApiKey.objects.filter(name="bench").delete()
    Mailbox.objects.filter(name="bench").delete()
    deleted, _per_model = made.delete()
    return deleted


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--emails", type=int, default=500)
    parser.add_argument("--submissions", type=int, default=150)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--only", choices=["mail", "api"])
    args = parser.parse_args(argv)
    setup_django(args.database_url or BENCH_DATABASE_URL)
    try:
        if args.only in (None, "mail"):
            result = bench_mail(args.emails, args.profile)
            print(
                f"mail: {result['emails']} emails, {result['per_second']:.1f}/s "
                f"({result['ms_per_email']:.1f} ms each, "
                f"{result['queries_per_email']:.1f} queries each)"
            )
        if args.only in (None, "api"):
            for name, r in bench_submissions(args.submissions).items():
                print(
                    f"{name:6}: median {r['median_ms']:.1f} ms, mean {r['mean_ms']:.1f} ms, "
                    f"p90 {r['p90_ms']:.1f} ms, {r['queries']} queries"
                )
    finally:
        print(f"cleaned up {clean_up()} rows")


if __name__ == "__main__":
    main()
