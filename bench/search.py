"""Search through the inbox page, as a user types it: latency percentiles at 1,000,000 cases.

    .venv/bin/python bench/search.py [--duration 20] [--clients 2] [--database-url URL]

Serves config.asgi as bench/run.py does (two uvicorn workers, production settings, DEBUG off)
on the bench database (seed it first: bench/seed.py --cases 1000000), signs people in (one
session per client thread, as each user has their own), and from `--clients` threads, each
with its own keep-alive connection (spread over the two workers: spread_connections),
searches back to back for `--duration` seconds per
scenario, each search with a query drawn at random from the scenario's list, the way the
inbox's search box does it (the text never goes into a URL, mithaq.common.recent). The box
searches as it is typed, through HTMX: that is what the budget is for, and every other search
is made that way:

    POST /staff/  q=<query>, HX-Request, HX-Target: inbox-results
                                                   ->  200, the results, HX-Push-Url: /staff/?s=<key>

The searches between them go as a browser without JavaScript sends the form (a reload, an
old browser), a redirect and the whole page:

    POST /staff/  q=<query> (and the CSRF token)  ->  303 Location: /staff/?s=<key>
    GET  /staff/?s=<key>                           ->  200, the inbox with the results

Each search is timed as the user waits for it, from the POST to the end of the answer. The
table gives p50/p95/p99 of the typed search (the budget's), then the p95 of the form's round
trip and of its two halves: the GET of `?s=` (the page itself) and the POST (keeping the text
for the session, in the cache: mithaq.common.recent). "inbox (no search)" is the GET of
/staff/ alone.

| scenario | who | query | budget (p95) |
| --- | --- | --- | --- |
| inbox (no search) | office manager | none: the page's own cost, for comparison | - |
| one word | office manager (every case) | one Arabic word of a seeded subject, typed with or without hamza | 150 ms |
| one word, officer | an officer of the busiest unit | the same words | 150 ms |
| two words | office manager | two words of one seeded subject | - |
| phone | office manager | a seeded citizen's phone as typed: local form in Arabic-Indic digits, or a foreign one with 00 or + | 20 ms |
| reference | office manager | a seeded reference in lower case without its dash | - |

It prints searches per second and the most SQL queries one such answer made (the typed
search's, then the page's and the form POST's; in process, BEGIN/COMMIT not counted). Every
typed search must answer 200 with the address it pushes, every form POST 303 and every page
200, and no answer may say that its search was lost; a sample is checked to show the case
searched for (phones and references). Results go to bench/results/search-*.json.
The machine's load average is printed with each result: on a shared machine, read the
percentiles with it.
"""

import argparse
import http.client
import http.cookies
import json
import os
import random
import re
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
    vacuum_if_needed,
    wait_until_up,
)
from bench.seed import BENCH_DATABASE_URL, RESULTS_DIR, setup_django  # noqa: E402

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
INBOX = "/staff/"
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
LOST = b"search-lost"  # the inbox's note for a search its session does not keep
# What HTMX sends with the filter bar's POST as it is typed in.
TYPED = {"HX-Request": "true", "HX-Target": "inbox-results"}


@dataclass
class Scenario:
    name: str
    who: str  # "manager" or "officer"
    queries: list[str]
    budget_p95_ms: float | None = None
    expect_code: dict = field(default_factory=dict)  # query -> a reference it must show


def percentile(latencies: list[float], p: float) -> float:
    values = sorted(latencies)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


@dataclass
class Outcome:
    scenario: Scenario
    latencies: list[float] = field(default_factory=list)  # typed searches (or GETs, no search)
    form_latencies: list[float] = field(default_factory=list)  # the form's POST + GET
    get_latencies: list[float] = field(default_factory=list)
    post_latencies: list[float] = field(default_factory=list)
    statuses: dict = field(default_factory=dict)  # "TYPED 200", "POST 303", "GET 200": count
    lost: int = 0  # pages that said their search was lost
    seconds: float = 0.0
    queries: int = 0  # the GET's
    post_queries: int = 0
    typed_queries: int = 0
    problems: list = field(default_factory=list)
    load: tuple = ()

    def pct(self, p: float) -> float:
        return percentile(self.latencies, p)

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


def _sql(ctx) -> int:
    return sum(1 for q in ctx.captured_queries if not TRANSACTION.match(q["sql"]))


def count_and_check(scenario: Scenario, cookie: str, rng: random.Random) -> tuple:
    """The most SQL queries of a few searches, in process: of the page (GET), of the form's
    POST before it and of the typed search; and whether each answer shows the case a phone or
    reference search is for."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST, raise_request_exception=False)
    name, value = cookie.split("=", 1)
    client.cookies[name] = value
    most_get, most_post, most_typed, problems = 0, 0, 0, []
    for attempt in range(6):
        query = rng.choice(scenario.queries)
        path = INBOX
        if query:
            with CaptureQueriesContext(connection) as typed:
                response = client.post(INBOX, {"q": query}, headers=TYPED)
            body = response.content.decode()
            if response.status_code != 200 or not response.get("HX-Push-Url"):
                problems.append(f"typed {query!r} answered {response.status_code}")
            elif scenario.expect_code.get(query, "") not in body or LOST.decode() in body:
                problems.append(f"typed {query!r} does not show its case")
            if attempt:
                most_typed = max(most_typed, _sql(typed))
            with CaptureQueriesContext(connection) as posted:
                response = client.post(INBOX, {"q": query})
            if response.status_code != 303:
                problems.append(f"POST {query!r} answered {response.status_code}")
                continue
            path = response["Location"]
            if attempt:
                most_post = max(most_post, _sql(posted))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        if response.status_code != 200:
            problems.append(f"{query!r} answered {response.status_code}")
            continue
        body = response.content.decode()
        wanted = scenario.expect_code.get(query)
        if wanted and wanted not in body:
            problems.append(f"{query!r} does not show {wanted}")
        if LOST.decode() in body:
            problems.append(f"{query!r}: the page says its search was lost")
        if attempt:
            most_get = max(most_get, _sql(ctx))
    return most_get, most_post, most_typed, problems


def csrf_for_session(conn: http.client.HTTPConnection, cookie: str) -> tuple[str, str]:
    """The CSRF cookie and form token of the inbox for this session, as its page gives them
    to the browser (fetched once per client, not timed)."""
    conn.request("GET", INBOX, headers={"Cookie": cookie})
    response = conn.getresponse()
    page = response.read()
    jar = http.cookies.SimpleCookie()
    for header in response.msg.get_all("Set-Cookie") or []:
        jar.load(header)
    match = CSRF_FIELD.search(page)
    if response.status != 200 or "csrftoken" not in jar or not match:
        raise SystemExit(f"No CSRF token on {INBOX} (answered {response.status})")
    return f"csrftoken={jar['csrftoken'].value}", match.group(1).decode()


def _worker_of(conn: http.client.HTTPConnection) -> str:
    conn.request("GET", "/bench/worker/")
    response = conn.getresponse()
    return response.read().decode()


def spread_connections(port: int, count: int, workers: int = 2) -> list:
    """`count` keep-alive connections spread evenly over the server's worker processes.

    The kernel gives each new connection to a worker by a hash of its addresses
    (SO_REUSEPORT), so two connections land on the same worker half of the time; that worker
    then serves both users one after the other while the other core idles, and a scenario's
    latencies double or not by that luck alone. Many users spread over the workers; the
    bench's few are placed so: a connection is kept only if its worker has fewer than its
    share (asked at /bench/worker/, not timed)."""
    kept, per_worker = [], {}
    share = -(-count // workers)
    for _attempt in range(50 * count):
        if len(kept) == count:
            return kept
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        pid = _worker_of(conn)
        if per_worker.get(pid, 0) < share:
            per_worker[pid] = per_worker.get(pid, 0) + 1
            kept.append(conn)
        else:
            conn.close()
    raise SystemExit(f"Could not spread {count} connections over {workers} workers")


def load(
    port: int,
    cookies: list[str],
    scenario: Scenario,
    *,
    clients: int,
    duration: float,
    seed: int,
):
    outcome = Outcome(scenario)
    lock = threading.Lock()
    # Each client's connection, with its CSRF cookie and token fetched first (not timed).
    connections = []
    for n, conn in enumerate(spread_connections(port, clients)):
        session = cookies[n % len(cookies)]
        csrf_cookie, token = csrf_for_session(conn, session)
        connections.append((conn, f"{session}; {csrf_cookie}", token))
    stop_at = time.monotonic() + duration

    def client(n: int):
        rng = random.Random(seed * 100 + n)
        conn, cookie, token = connections[n]
        headers = {"Cookie": cookie}
        posted_headers = headers | {"Content-Type": "application/x-www-form-urlencoded"}
        typed_headers = posted_headers | TYPED
        trips, forms, gets, posts, statuses, lost = [], [], [], [], {}, 0
        typed_turn = True
        while time.monotonic() < stop_at:
            query = rng.choice(scenario.queries)
            start = time.perf_counter()
            path = INBOX
            if query and typed_turn:
                typed_turn = False
                body = urllib.parse.urlencode({"q": query, "csrfmiddlewaretoken": token})
                conn.request("POST", INBOX, body=body, headers=typed_headers)
                response = conn.getresponse()
                answer = response.read()
                trips.append(time.perf_counter() - start)
                ok = response.status == 200 and response.getheader("HX-Push-Url")
                key = f"TYPED {response.status if ok else 'without HX-Push-Url'}"
                statuses[key] = statuses.get(key, 0) + 1
                lost += LOST in answer
                continue
            typed_turn = True
            if query:
                body = urllib.parse.urlencode({"q": query, "csrfmiddlewaretoken": token})
                conn.request("POST", INBOX, body=body, headers=posted_headers)
                response = conn.getresponse()
                response.read()
                key = f"POST {response.status}"
                statuses[key] = statuses.get(key, 0) + 1
                if response.status != 303:
                    continue
                path = response.getheader("Location")
                posted_at = time.perf_counter()
                posts.append(posted_at - start)
            else:
                posted_at = start
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            page = response.read()
            done = time.perf_counter()
            (forms if query else trips).append(done - start)
            gets.append(done - posted_at)
            key = f"GET {response.status}"
            statuses[key] = statuses.get(key, 0) + 1
            lost += query != "" and LOST in page
        conn.close()
        with lock:
            outcome.latencies.extend(trips)
            outcome.form_latencies.extend(forms)
            outcome.get_latencies.extend(gets)
            outcome.post_latencies.extend(posts)
            outcome.lost += lost
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
    # One session per client: each keeps its own recent searches, as each user does (two
    # clients keeping searches for one session at once would lose each other's).
    manager, officer = office_manager(), busiest_officer()
    cookies = {
        "manager": [signed_in_cookie(manager) for _ in range(args.clients)],
        "officer": [signed_in_cookie(officer) for _ in range(args.clients)],
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
    outcomes, vacuumed = [], False
    try:
        wait_until_up(f"http://{HOST}:{port}", port, procs, "reuseport", log_path)
        for scenario in scenarios:
            session_cookies = cookies[scenario.who]
            queries, post_queries, typed_queries, problems = count_and_check(
                scenario, session_cookies[0], rng
            )
            # Each search rewrites its session's row: clear the dead rows of the scenarios
            # before, as the server's autovacuum would, where it is off.
            vacuumed = vacuum_if_needed(("django_session",))
            connection.close()
            if args.warmup:
                load(
                    port,
                    session_cookies,
                    scenario,
                    clients=args.clients,
                    duration=args.warmup,
                    seed=1,
                )
            outcome = load(
                port,
                session_cookies,
                scenario,
                clients=args.clients,
                duration=args.duration,
                seed=2,
            )
            outcome.queries, outcome.post_queries = queries, post_queries
            outcome.typed_queries, outcome.problems = typed_queries, problems
            bad = sum(
                n
                for status, n in outcome.statuses.items()
                if status not in ("TYPED 200", "GET 200", "POST 303")
            )
            if bad:
                outcome.problems.append(f"{bad} answers were not as expected: {outcome.statuses}")
            if outcome.lost:
                outcome.problems.append(f"{outcome.lost} pages said their search was lost")
            outcomes.append(outcome)
            print_row(outcome)
    finally:
        stop_server(procs)
    print(
        f"\n{cases:,} cases; {args.clients} concurrent clients; {args.duration:.0f} s per "
        f"scenario; {os.cpu_count()} CPUs; load average now {os.getloadavg()[0]:.2f}"
        + (
            "; the server's autovacuum is off: django_session vacuumed before each scenario"
            if outcomes and vacuumed
            else ""
        )
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
                        "form_p50_ms": percentile(o.form_latencies, 50),
                        "form_p95_ms": percentile(o.form_latencies, 95),
                        "typed_queries": o.typed_queries,
                        "get_p50_ms": percentile(o.get_latencies, 50),
                        "get_p95_ms": percentile(o.get_latencies, 95),
                        "post_p50_ms": percentile(o.post_latencies, 50),
                        "post_p95_ms": percentile(o.post_latencies, 95),
                        "queries": o.queries,
                        "post_queries": o.post_queries,
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
    halves = (
        f"form p95 {percentile(o.form_latencies, 95):.1f} = "
        f"GET p95 {percentile(o.get_latencies, 95):.1f} + "
        f"POST p95 {percentile(o.post_latencies, 95):.1f} ms"
        if o.post_latencies
        else "GET only"
    )
    print(
        f"{o.scenario.name:<20} {len(o.latencies):>6} searches {rps:7.1f}/s  "
        f"p50 {o.pct(50):7.1f}  p95 {o.pct(95):7.1f}  p99 {o.pct(99):7.1f} ms  "
        f"(p95 budget {budget})  [{halves}]  "
        f"SQL typed {o.typed_queries}, form {o.post_queries}+{o.queries}  "
        f"load {o.load[0]:.2f}  {o.verdict}",
        flush=True,
    )
    for problem in o.problems:
        print(f"    {problem}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
