"""Search through the inbox page, as a user types it: latency percentiles at 1,000,000 cases.

    .venv/bin/python bench/search.py [--duration 20] [--clients 2] [--database-url URL]

Serves config.asgi as bench/run.py does (two uvicorn workers, production settings, DEBUG off)
on the bench database (seed it first: bench/seed.py --cases 1000000), signs people in, and
from `--clients` threads, each with its own keep-alive connection, requests
`GET /staff/?q=<query>` back to back for `--duration` seconds per scenario, each request with
a query drawn at random from the scenario's list:

| scenario | who | query | budget (p95) |
| --- | --- | --- | --- |
| inbox (no search) | office manager | none: the page's own cost, for comparison | - |
| one word | office manager (every case) | one Arabic word of a seeded subject, typed with or without hamza | 150 ms |
| one word, officer | an officer of the busiest unit | the same words | 150 ms |
| two words | office manager | two words of one seeded subject | - |
| phone | office manager | a seeded citizen's phone as typed: local form in Arabic-Indic digits, or a foreign one with 00 or + | 20 ms |
| reference | office manager | a seeded reference in lower case without its dash | - |

It prints p50/p95/p99, requests per second and the most SQL queries one such page made (in
process, BEGIN/COMMIT not counted). Every answer must be 200; a sample is checked to show
the case searched for (phones and references). Results go to bench/results/search-*.json.
The machine's load average is printed with each result: on a shared machine, read the
percentiles with it.
"""

import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import (  # noqa: E402
    HOST,
    TRANSACTION,
    free_port,
    office_manager,
    signed_in_cookie,
    start_server,
    stop_server,
    wait_until_up,
)
from bench.seed import BENCH_DATABASE_URL, RESULTS_DIR, setup_django  # noqa: E402

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@dataclass
class Scenario:
    name: str
    who: str  # "manager" or "officer"
    queries: list[str]
    budget_p95_ms: float | None = None
    expect_code: dict = field(default_factory=dict)  # query -> a reference it must show


@dataclass
class Outcome:
    scenario: Scenario
    latencies: list[float] = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    seconds: float = 0.0
    queries: int = 0
    problems: list = field(default_factory=list)
    load: tuple = ()

    def pct(self, p: float) -> float:
        values = sorted(self.latencies)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000

    @property
    def verdict(self) -> str:
        if self.problems:
            return "FAIL"
        budget = self.scenario.budget_p95_ms
        if budget is not None and self.pct(95) >= budget:
            return "SLOW"
        return "PASS"


def busiest_officer():
    """An officer of the unit with the most cases (the heaviest restricted inbox)."""
    from django.db.models import Count

    from mithaq.accounts.models import Membership, Role
    from mithaq.cases.models import Case

    top = (Case.objects.values("unit").annotate(n=Count("id")).order_by("-n").first() or {}).get(
        "unit"
    )
    membership = (
        Membership.objects.filter(role=Role.OFFICER, unit_id=top, user__is_active=True)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise SystemExit("No officer in the busiest unit: seed the bench database first.")
    return membership.user


def make_scenarios(rng: random.Random) -> list[Scenario]:
    from mithaq.cases.models import Case
    from mithaq.common.text import normalize_arabic

    last = Case.objects.order_by("-id").values_list("id", flat=True).first() or 0
    if last < 1000:
        raise SystemExit("Seed the bench database first: bench/seed.py --cases 1000000")
    ids = rng.sample(range(1, last + 1), 600)
    rows = list(Case.objects.filter(id__in=ids).values_list("code", "subject", "citizen_phone"))
    words, pairs = [], []
    for _code, subject, _phone in rows:
        found = [w.strip("،.؟:") for w in subject.split() if len(w) >= 4 and not w.isdigit()]
        if found:
            word = rng.choice(found)
            # Half of the people type without hamza or ta marbuta.
            words.append(word if rng.random() < 0.5 else normalize_arabic(word))
        if len(found) >= 2:
            pairs.append(" ".join(rng.sample(found, 2)))
    from django.conf import settings

    home = {"IQ": "+964", "EG": "+20"}.get(settings.MITHAQ_PHONE_REGION, "+964")
    phones, phone_codes = [], {}
    for code, _subject, phone in rows[:300]:
        if phone.startswith(home):
            # A local number as people say it: 0770 123 4567, in Arabic-Indic digits.
            national = "0" + phone[len(home) :]
            typed = f"{national[:4]} {national[4:7]} {national[7:]}".translate(ARABIC_INDIC)
        else:
            # Another country's number needs its code: 00 20 10 ...
            typed = ("00" + phone[1:]).translate(ARABIC_INDIC) if rng.random() < 0.5 else phone
        phones.append(typed)
        phone_codes[typed] = code
    references = {code.replace("-", "").lower(): code for code, _s, _p in rows[:300]}
    return [
        # The same page without a search: what the search adds is the difference.
        Scenario("inbox (no search)", "manager", [""]),
        Scenario("one word", "manager", words, 150),
        Scenario("one word, officer", "officer", words, 150),
        Scenario("two words", "manager", pairs),
        Scenario("phone", "manager", phones, 20, expect_code=phone_codes),
        Scenario("reference", "manager", list(references), expect_code=references),
    ]


def path_for(query: str) -> str:
    return "/staff/?" + urllib.parse.urlencode({"q": query}) if query else "/staff/"


def count_and_check(scenario: Scenario, cookie: str, rng: random.Random) -> tuple[int, list]:
    """The most SQL queries of a few loads of the page, in process; and whether the page
    shows the case a phone or reference search is for."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST, raise_request_exception=False)
    name, value = cookie.split("=", 1)
    client.cookies[name] = value
    most, problems = 0, []
    for attempt in range(6):
        query = rng.choice(scenario.queries)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path_for(query))
        if response.status_code != 200:
            problems.append(f"{query!r} answered {response.status_code}")
            continue
        wanted = scenario.expect_code.get(query)
        if wanted and wanted not in response.content.decode():
            problems.append(f"{query!r} does not show {wanted}")
        if attempt:
            most = max(
                most, sum(1 for q in ctx.captured_queries if not TRANSACTION.match(q["sql"]))
            )
    return most, problems


def load(port: int, cookie: str, scenario: Scenario, *, clients: int, duration: float, seed: int):
    outcome = Outcome(scenario)
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def client(n: int):
        rng = random.Random(seed * 100 + n)
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine, statuses = [], {}
        while time.monotonic() < stop_at:
            path = path_for(rng.choice(scenario.queries))
            start = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            statuses[response.status] = statuses.get(response.status, 0) + 1
        conn.close()
        with lock:
            outcome.latencies.extend(mine)
            for status, count in statuses.items():
                outcome.statuses[status] = outcome.statuses.get(status, 0) + count

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcome.seconds = time.monotonic() - began
    outcome.load = os.getloadavg()
    return outcome


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--duration", type=float, default=20, help="seconds per scenario")
    parser.add_argument("--warmup", type=float, default=3, help="seconds before each scenario")
    parser.add_argument("--clients", type=int, default=2, help="concurrent users")
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    args = parser.parse_args(argv)
    database_url = args.database_url or BENCH_DATABASE_URL
    setup_django(database_url)
    from django.db import connection

    rng = random.Random(7)
    scenarios = make_scenarios(rng)
    if args.only:
        wanted = {s.strip() for s in args.only.split(",")}
        scenarios = [s for s in scenarios if s.name in wanted]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case")
        cases = cursor.fetchone()[0]
    cookies = {
        "manager": signed_in_cookie(office_manager()),
        "officer": signed_in_cookie(busiest_officer()),
    }
    connection.close()

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    port = free_port()
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    env["DATABASE_URL"] = database_url
    log_path = RESULTS_DIR / f"search-{stamp}.log"
    procs = start_server("reuseport", port, env, log_path)
    outcomes = []
    try:
        wait_until_up(f"http://{HOST}:{port}", port, procs, "reuseport", log_path)
        for scenario in scenarios:
            cookie = cookies[scenario.who]
            queries, problems = count_and_check(scenario, cookie, rng)
            connection.close()
            if args.warmup:
                load(port, cookie, scenario, clients=args.clients, duration=args.warmup, seed=1)
            outcome = load(
                port, cookie, scenario, clients=args.clients, duration=args.duration, seed=2
            )
            outcome.queries, outcome.problems = queries, problems
            bad = sum(n for status, n in outcome.statuses.items() if status != 200)
            if bad:
                outcome.problems.append(f"{bad} answers were not 200: {outcome.statuses}")
            outcomes.append(outcome)
            print_row(outcome)
    finally:
        stop_server(procs)
    print(
        f"\n{cases:,} cases; {args.clients} concurrent clients; {args.duration:.0f} s per "
        f"scenario; {os.cpu_count()} CPUs; load average now {os.getloadavg()[0]:.2f}"
    )
    (RESULTS_DIR / f"search-{stamp}.json").write_text(
        json.dumps(
            {
                "cases": cases,
                "clients": args.clients,
                "duration": args.duration,
                "results": [
                    {
                        "scenario": o.scenario.name,
                        "requests": len(o.latencies),
                        "rps": len(o.latencies) / o.seconds if o.seconds else 0,
                        "p50_ms": o.pct(50),
                        "p95_ms": o.pct(95),
                        "p99_ms": o.pct(99),
                        "queries": o.queries,
                        "budget_p95_ms": o.scenario.budget_p95_ms,
                        "verdict": o.verdict,
                        "problems": o.problems,
                        "load": o.load,
                    }
                    for o in outcomes
                ],
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0 if all(o.verdict == "PASS" for o in outcomes) else 1


def print_row(o: Outcome) -> None:
    budget = f"< {o.scenario.budget_p95_ms:.0f}" if o.scenario.budget_p95_ms else "-"
    rps = len(o.latencies) / o.seconds if o.seconds else 0
    print(
        f"{o.scenario.name:<20} {len(o.latencies):>6} req {rps:7.1f} req/s  "
        f"p50 {o.pct(50):7.1f}  p95 {o.pct(95):7.1f}  p99 {o.pct(99):7.1f} ms  "
        f"(p95 budget {budget})  {o.queries} SQL  load {o.load[0]:.2f}  {o.verdict}",
        flush=True,
    )
    for problem in o.problems:
        print(f"    {problem}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
