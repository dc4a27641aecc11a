"""Serve the app as production does and load each page with wrk, against a bare-view ceiling.

    .venv/bin/python bench/run.py [--duration 15] [--connections 16] [--seed 1000000]
    .venv/bin/python bench/run.py --server gunicorn,uvicorn --duration 8   # both, interleaved

gunicorn runs config.wsgi with 2 sync workers (config/gunicorn.py, as production serves the
pages: docs/decisions/0008), DEBUG off, on PostgreSQL, on a free 127.0.0.1 port. `--server
uvicorn` serves config.asgi with uvicorn in 2 worker processes instead (on SO_REUSEPORT
sockets, see bench/serve.py; `workers` for plain `uvicorn --workers 2`); a comma-separated
list serves each on a port of its own and loads them in turn, page by page. Each page is loaded
with wrk for --duration seconds after a short warm-up, right after a run of the ceiling
(/bench/ceiling/: the same middleware, no work) on the same server, and is reported as a
share of that ceiling run. SQL queries per page (BEGIN and COMMIT not counted) are counted in
process with Django's test client on the same database. Results go to bench/results/.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field, replace
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.seed import BENCH_DATABASE_URL, RESULTS_DIR, seed, setup_django  # noqa: E402

QUERY_BUDGET = 12
# BEGIN, COMMIT and savepoints are not counted as queries.
TRANSACTION = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b", re.I)
HOST = "127.0.0.1"
# Submissions made by the load carry this phone number and name, to be removed after.
BENCH_PHONE = "+9647700000001"
BENCH_NAME = "زائر اختبار الحمل"  # no seeded citizen has this name


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str  # "{code}" is replaced by a random existing reference per request
    view_name: str  # the URL name the path must resolve to; the scenario is skipped otherwise
    signed_in: bool = False
    method: str = "GET"
    expect: int = 200
    budget: float | None = None  # the least share of the ceiling's requests per second
    contains: str = ""  # text the page must show (checked once, in process)


CEILING = Scenario("ceiling", "/bench/ceiling/", "bench-ceiling", contains="ok")
SCENARIOS = [
    Scenario("inbox", "/staff/", "cases:inbox", signed_in=True, budget=0.20),
    Scenario(
        "inbox filtered",
        "/staff/?state=under_review&kind=complaint",
        "cases:inbox",
        signed_in=True,
        budget=0.20,
    ),
    Scenario("case page", "/staff/cases/{code}/", "cases:detail", signed_in=True, budget=0.20),
    Scenario(
        "public submission",
        "/submit/complaint/",
        "portal:submit",
        method="POST",
        expect=302,
        budget=0.15,
    ),
    # Issue 13: the managers' dashboard (office-wide) and the public charter page (its
    # figures kept in the cache).
    Scenario("dashboard", "/staff/dashboard/", "dashboard:index", signed_in=True),
    Scenario("charter page", "/charter/", "charter:index"),
    # Issue 14: the public catalogue and a service page (budget: as fast as the portal's
    # home, measured beside them), and a service's hall poster (under 2 s).
    Scenario("portal home", "/", "portal:home"),
    Scenario("catalogue", "/services/", "catalogue:list"),
    Scenario("service page", "/services/{service}/", "catalogue:service"),
    Scenario("signage pdf", "/services/{service}/signage.pdf", "catalogue:signage"),
    # Issue 15: the satisfaction figures (p95 under 300 ms with 2 clients); answers are
    # seeded by bench/surveys.py.
    Scenario("satisfaction", "/staff/satisfaction/", "satisfaction:results", signed_in=True),
]


@dataclass
class Result:
    scenario: Scenario
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    requests: int = 0
    statuses: dict = field(default_factory=dict)
    socket_errors: int = 0
    queries: int | None = None
    broken: bool = False  # it does not answer as expected: no point loading it
    paired_ceiling: float = 0.0  # the ceiling's req/s measured just before this scenario
    server_cpu_ms: float | None = None  # the server's CPU time per request
    database_cpu_ms: float | None = None  # PostgreSQL's, roughly
    share: float | None = None
    problems: list = field(default_factory=list)
    skipped: str = ""

    @property
    def unexpected(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != self.scenario.expect)

    @property
    def verdict(self) -> str:
        if self.skipped:
            return "SKIP"
        if self.problems:
            return "FAIL"
        return "PASS"


# --- wrk ------------------------------------------------------------------------------------

LUA = r"""
-- Written by bench/run.py for one scenario.
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  counter = 0
  codes = {}
  %(init)s
end

%(request)s

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses")) do
      all[tostring(status)] = (all[tostring(status)] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(all) do table.insert(parts, string.format('"%%s": %%d', status, n)) end
  io.write(string.format(
    'BENCH-RESULT {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, ' ..
    '"p99_us": %%d, "errors": %%d, "statuses": {%%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ", ")))
end
"""


# The portal's form is multipart (it takes attachments): the body a browser sends with no file
# chosen, as the peer's harness sends its own form's (lua/submit.lua).
BOUNDARY = "----MithaqBenchBoundary7MA4YWxkTrZu0gW"


def multipart_body(fields: dict, files: tuple[str, ...] = ("attachments",)) -> str:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    parts += [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n"
        for name in files
    ]
    return "".join(parts) + f"--{BOUNDARY}--\r\n"


def _lua_string(value: str) -> str:
    # A JSON string is a valid Lua string literal for our values, the Arabic kept as UTF-8
    # (Lua knows no \uXXXX escape).
    return json.dumps(value, ensure_ascii=False)


def write_lua(scenario: Scenario, *, cookie: str, codes_file: Path | None, body: str, folder):
    init, request = [], ""
    headers = {}
    if cookie:
        headers["Cookie"] = cookie
    if scenario.method == "POST":
        headers["Content-Type"] = f"multipart/form-data; boundary={BOUNDARY}"
    for name, value in headers.items():
        init.append(f"wrk.headers[{_lua_string(name)}] = {_lua_string(value)}")
    init.append(f"wrk.method = {_lua_string(scenario.method)}")
    if "{code}" in scenario.path:
        before, after = scenario.path.split("{code}")
        init.append(f"for line in io.lines({_lua_string(str(codes_file))}) do")
        init.append("  table.insert(codes, line)")
        init.append("end")
        init.append("math.randomseed(os.time() * 100 + tid)")
        request = (
            "function request()\n"
            "  local code = codes[math.random(#codes)]\n"
            f"  return wrk.format(nil, {_lua_string(before)} .. code .. {_lua_string(after)})\n"
            "end"
        )
    elif scenario.method == "POST":
        # A fresh one-time token per request, or idempotency would answer from the first case.
        prefix = str(uuid.uuid4())[:18]
        before, after = body.split("__TOKEN__")
        request = (
            "function request()\n"
            "  counter = counter + 1\n"
            f'  local token = string.format("{prefix}-%04x-%012x", tid, counter)\n'
            f"  return wrk.format(nil, nil, nil, {_lua_string(before)} .. token .. "
            f"{_lua_string(after)})\n"
            "end"
        )
    path = Path(folder) / (re.sub(r"\W+", "_", scenario.name) + ".lua")
    path.write_text(LUA % {"init": "\n  ".join(init), "request": request}, encoding="utf-8")
    return path


def run_wrk(url: str, script: Path, *, duration: float, connections: int, threads: int) -> dict:
    command = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(duration))}s",
        "--timeout=10s",
        "--latency",
        f"--script={script}",
        url,
    ]
    out = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    for line in out.stdout.splitlines():
        if line.startswith("BENCH-RESULT "):
            return json.loads(line[len("BENCH-RESULT ") :])
    raise RuntimeError(f"wrk gave no result:\n{out.stdout}\n{out.stderr}")


# --- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# --server's names: what serves the pages, and how it is described in the output.
SERVERS = {
    "gunicorn": "gunicorn config.wsgi, {n} sync workers",
    "uvicorn": "uvicorn config.asgi, {n} processes on SO_REUSEPORT sockets",
    "workers": "uvicorn config.asgi --workers {n}",
}


def start_server(
    mode: str, port: int, env: dict, log_path: Path, workers: int = 2
) -> list[subprocess.Popen]:
    """Two workers on 127.0.0.1:`port`: gunicorn's sync workers on config.wsgi ("gunicorn"),
    two bench/serve.py uvicorn processes on SO_REUSEPORT sockets ("uvicorn", also called
    "reuseport"), or `uvicorn --workers 2` ("workers")."""
    log = log_path.open("w")
    if mode == "gunicorn":
        # Production's settings file (config/gunicorn.py) without its access log, as below.
        commands = [
            [sys.executable, "-m", "gunicorn", "config.wsgi:application",
             "--config=python:config.gunicorn", f"--workers={workers}", f"--bind={HOST}:{port}",
             "--log-level=warning"]
        ]  # fmt: skip
    elif mode == "workers":
        commands = [
            [sys.executable, "-m", "uvicorn", "config.asgi:application", f"--workers={workers}",
             f"--host={HOST}", f"--port={port}", "--no-access-log", "--log-level=warning"]
        ]  # fmt: skip
    else:
        serve = str(ROOT / "bench" / "serve.py")
        commands = [[sys.executable, serve, HOST, str(port)] for _worker in range(workers)]
    return [
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        for command in commands
    ]


def stop_server(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def listening_sockets(port: int) -> int:
    """How many sockets listen on 127.0.0.1:`port` (each reuseport worker has its own)."""
    wanted = f"0100007F:{port:04X}"
    with open("/proc/net/tcp") as table:
        return sum(1 for line in table if line.split()[1:4:2] == [wanted, "0A"])


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_stats():
    """(pid, parent pid, process group, own CPU s, reaped children's CPU s) per process."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # it ended meanwhile
            continue
        fields = text.rsplit(")", 1)[1].split()
        pid = int(stat.parent.name)
        own = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        reaped = (int(fields[13]) + int(fields[14])) / CLOCK_TICKS
        yield pid, int(fields[1]), int(fields[2]), own, reaped


def cpu_snapshot(server_groups: list[int], postmaster: int | None) -> tuple[float, float]:
    """CPU seconds used so far by the server's processes, and by PostgreSQL (the postmaster's
    reaped backends plus its live children: the whole cluster, so only roughly ours)."""
    server = database = 0.0
    for pid, ppid, group, own, reaped in _proc_stats():
        if group in server_groups:
            server += own
        if postmaster is not None and (pid == postmaster or ppid == postmaster):
            database += own + (reaped if pid == postmaster else 0.0)
    return server, database


def postmaster_pid() -> int | None:
    from django.db import connection

    try:
        with connection.cursor() as cur:
            cur.execute("SHOW data_directory")
            data_directory = cur.fetchone()[0]
        return int((Path(data_directory) / "postmaster.pid").read_text().split()[0])
    except Exception:  # not a superuser, or another machine: go without
        return None


def wait_until_up(base: str, port: int, procs, mode: str, log_path: Path, timeout=60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(proc.poll() is not None for proc in procs):
            raise RuntimeError(f"the server exited:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}{CEILING.path}", timeout=2) as response:  # noqa: S310
                # Until both workers listen, the first one gets every connection (gunicorn's
                # and `uvicorn --workers` share one socket).
                shared = mode in ("workers", "gunicorn")
                if response.status == 200 and (shared or listening_sockets(port) >= len(procs)):
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the server did not answer in {timeout}s:\n{log_path.read_text()[-3000:]}")


# --- the data each scenario needs -----------------------------------------------------------


def office_manager():
    from mithaq.accounts.models import Membership, Role

    membership = (
        Membership.objects.filter(
            role=Role.OFFICE_MANAGER, unit__is_citizens_office=True, user__is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise SystemExit("No office manager in the bench database: run bench/seed.py first.")
    return membership.user


def signed_in_cookie(user) -> str:
    """A session for `user`, past the second factor when the site asks for one, made as the
    test client makes one: a row in the session table that the server reads like any other."""
    from django.apps import apps
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    if apps.is_installed("django_otp.plugins.otp_totp"):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # what django_otp.login() does
        session.save()
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def sample_codes(count: int = 2000) -> list[str]:
    from mithaq.cases.models import Case

    last = Case.objects.order_by("-id").values_list("id", flat=True).first() or 0
    if not last:
        return []
    ids = random.sample(range(1, last + 1), min(count * 2, last))
    return list(Case.objects.filter(id__in=ids).values_list("code", flat=True)[:count])


def catalogue_service() -> str:
    """The code of an active service with a version in effect (documents, fees, steps) for
    the catalogue's scenarios; one is written for the first active service when none has."""
    from django.utils import timezone

    from mithaq.catalog.models import Service, ServiceVersion

    today = timezone.localdate()
    found = (
        ServiceVersion.objects.filter(effective_from__lte=today, service__is_active=True)
        .values_list("service__code", flat=True)
        .first()
    )
    if found:
        return found
    service = Service.objects.filter(is_active=True).order_by("id").first()
    if service is None:
        return "none"
    from bench.catalogue import give_version

    give_version(service)
    return service.code


def submission_fields(kind: str = "complaint") -> dict:
    """A valid portal form, built from the form's own fields so that it keeps up with them."""
    from mithaq.accounts.models import OrgUnit
    from mithaq.cases.forms.public import SubmitForm

    unit = (
        OrgUnit.objects.active()
        .filter(accepts_cases=True, is_citizens_office=False, services__isnull=False)
        .order_by("path")
        .first()
    )
    values = {
        "unit": unit.pk if unit else "",
        "subject": "تأخر إصدار كشف الدرجات",
        "body": "قدمت طلب كشف الدرجات قبل شهر ولم أستلمه حتى الآن رغم مراجعتي الشعبة مرتين.",
        "remedy_sought": "إصدار الكشف خلال أسبوع",
        "citizen_name": BENCH_NAME,
        "citizen_phone": BENCH_PHONE,
        "citizen_email": "load.test@example.com",
        "citizen_group": "undergraduate",
        "token": "__TOKEN__",
    }
    form = SubmitForm(kind=kind)
    data = {}
    for name, form_field in form.fields.items():
        if name in values:
            data[name] = values[name]
        elif form_field.required:
            raise SystemExit(f"bench/run.py does not know how to fill the portal's `{name}` field")
    return data


def csrf_for(base: str, path: str) -> tuple[str, str]:
    """The CSRF cookie and form token of a page, fetched as a browser would."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}{path}", timeout=10) as response:
        page = response.read().decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    cookie = next((c for c in jar if c.name == "csrftoken"), None)
    if not (match and cookie):
        raise RuntimeError(f"no CSRF token on {path}")
    return f"csrftoken={cookie.value}", match.group(1)


def count_queries(scenario: Scenario, cookie: str, codes: list[str], body_fields: dict):
    """Load the page in process and count its SQL queries (the most over a few loads).
    Returns (queries, status, problems)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST, raise_request_exception=False)
    if cookie:
        name, value = cookie.split("=", 1)
        client.cookies[name] = value
    most, status, problems = 0, None, []
    for attempt in range(4):
        path = scenario.path.replace("{code}", random.choice(codes) if codes else "NONE-NONE")
        with CaptureQueriesContext(connection) as ctx:
            if scenario.method == "POST":
                data = {
                    k: (str(uuid.uuid4()) if v == "__TOKEN__" else v)
                    for k, v in body_fields.items()
                }
                response = client.post(path, data)
                client.cookies.clear()  # each citizen comes without a session
            else:
                response = client.get(path)
        status = response.status_code
        if status != scenario.expect:
            problems.append(f"in process: {path} answered {status}, expected {scenario.expect}")
            break
        if scenario.contains and scenario.contains not in response.content.decode():
            problems.append(f"in process: {path} does not show {scenario.contains!r}")
        if attempt:  # the first load fills per-process caches
            statements = [q for q in ctx.captured_queries if not TRANSACTION.match(q["sql"])]
            most = max(most, len(statements))
    return most, status, problems


# What a submission queues: one task for its SMS and email together, or one for a message.
DISPATCH_TASKS = (
    "mithaq.notifications.tasks.dispatch_messages",
    "mithaq.notifications.tasks.dispatch_message",
)


def remove_dispatch_tasks(since) -> None:
    """The dispatch tasks a run's messages queued since `since` (no worker runs during a
    bench), on the database queue (with another, nothing was written here)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return
    DBTaskResult.objects.filter(enqueued_at__gte=since, task_path__in=DISPATCH_TASKS).delete()


def remove_bench_submissions(since) -> int:
    """Delete what the run added: the submitted cases (with their events, messages and
    clocks), the dispatch tasks their messages queued (no worker runs during a bench), and
    the sessions; then vacuum those tables where the server does not (vacuum_if_needed)."""
    import datetime

    from django.conf import settings
    from django.contrib.sessions.models import Session

    from mithaq.cases.models import Case

    # Also those of an earlier run that stopped before it could clean up.
    deleted, _per_model = Case.objects.filter(
        citizen_phone=BENCH_PHONE, citizen_name=BENCH_NAME
    ).delete()
    remove_dispatch_tasks(since)
    # A session saved during the run expires a full cookie age after it.
    age = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    Session.objects.filter(expire_date__gte=since + age).delete()
    vacuum_if_needed()
    return deleted


# The tables a bench run writes and deletes from.
WRITTEN_TABLES = (
    "django_session",
    "cases_case",
    "cases_caseevent",
    "notifications_message",
    "routing_caseclock",
    "routing_casedeadline",
    "citizens_citizen",
    "django_tasks_database_dbtaskresult",
)


def vacuum_if_needed(tables=WRITTEN_TABLES) -> bool:
    """VACUUM (ANALYZE) the tables a run writes when the PostgreSQL server's autovacuum is
    off, as it is on this project's bench machines: a production server's autovacuum would
    have cleared their dead rows within a minute, and without it every later run reads them
    (each search rewrites the session row, whose expiry is indexed, so no update is HOT)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        if cursor.fetchone()[0] == "on":
            return False
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND relkind = 'r'",
            [list(tables)],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'VACUUM (ANALYZE) "{name}"')
    return True


# --- the run --------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--duration", type=float, default=15, help="seconds per scenario")
    parser.add_argument("--warmup", type=float, default=3, help="seconds before each scenario")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--seed", type=int, default=0, help="first seed up to this many cases")
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument(
        "--server",
        default="gunicorn",
        help="what serves the pages: gunicorn (2 sync workers, the default, as production "
        "does), uvicorn (2 processes on SO_REUSEPORT sockets) or workers (uvicorn --workers 2); "
        "a comma-separated list measures each in turn, page by page",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="worker processes of each server (2: the cores)"
    )
    parser.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an environment variable for the server only, to compare variants "
        "(e.g. PYTHONPATH=... DJANGO_SETTINGS_MODULE=...)",
    )
    args = parser.parse_args(argv)
    modes = [{"reuseport": "uvicorn"}.get(m.strip(), m.strip()) for m in args.server.split(",")]
    if not modes or any(mode not in SERVERS for mode in modes):
        parser.error(f"--server: a comma-separated list of {', '.join(SERVERS)}")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `make bench` installs it (apt package wrk).")
    database_url = args.database_url or BENCH_DATABASE_URL
    setup_django(database_url)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.urls import Resolver404, resolve
    from django.utils import timezone

    from mithaq.cases.models import Case

    if connection.vendor != "postgresql":
        raise SystemExit("The bench runs on PostgreSQL: pass --database-url postgres://...")
    existing = Case.objects.count() if "cases_case" in connection.introspection.table_names() else 0
    seed(max(0, args.seed - existing))
    call_command("collectstatic", interactive=False, verbosity=0)
    cases = Case.objects.count()
    print(f"Database {connection.settings_dict['NAME']}: {cases:,} cases", flush=True)
    started = timezone.now()  # submissions from here on are the bench's own, removed after

    wanted = {n.strip() for n in args.only.split(",") if n.strip()}
    service = catalogue_service()
    scenarios = [
        replace(s, path=s.path.replace("{service}", service))
        for s in SCENARIOS
        if not wanted or s.name in wanted
    ]
    codes = sample_codes()
    user = office_manager()
    cookie = signed_in_cookie(user)
    results = [Result(CEILING)] + [Result(s) for s in scenarios]
    body_fields = {}
    for result in results:
        scenario = result.scenario
        try:
            path = scenario.path.replace("{code}", codes[0] if codes else "ACDE-3467")
            match = resolve(urllib.parse.urlsplit(path).path)
            if match.view_name != scenario.view_name:
                raise Resolver404
        except Resolver404:
            result.skipped = f"{scenario.path} is not routed to {scenario.view_name} yet"
            continue
        if "{code}" in scenario.path and not codes:
            result.skipped = "no cases to open: seed first (--seed N)"
            continue
        if scenario.method == "POST":
            body_fields = submission_fields(path.rstrip("/").rsplit("/", 1)[-1])
        queries, _status, problems = count_queries(
            scenario, cookie if scenario.signed_in else "", codes, body_fields
        )
        result.queries = queries
        result.problems += problems
        result.broken = bool(problems)
        if queries > QUERY_BUDGET:
            result.problems.append(f"{queries} SQL queries, budget {QUERY_BUDGET}")

    stamp = started.strftime("%Y%m%d-%H%M%S")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.bench")
    env["DATABASE_URL"] = database_url
    env.setdefault("SECRET_KEY", settings.SECRET_KEY)
    for item in args.server_env:
        name, _eq, value = item.partition("=")
        env[name] = value
    postmaster = postmaster_pid()
    connection.close()  # leave the database to the server while it is measured

    def on_term(signum, frame):
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, on_term)
    probe = "import importlib.util as u; print(u.find_spec('httptools') and 'httptools' or 'h11')"
    http = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    # One server per name, each on a port of its own, all up for the whole run: an idle one
    # costs nothing, and each page is then measured on every server within a minute.
    servers = []
    try:
        for mode in modes:
            port = free_port()
            log_path = RESULTS_DIR / f"server-{stamp}-{mode}.log"
            server = Served(
                mode, port, log_path, start_server(mode, port, env, log_path, args.workers)
            )
            server.results = [replace(r, problems=list(r.problems)) for r in results]
            servers.append(server)
        for server in servers:
            wait_until_up(server.base, server.port, server.procs, server.mode, server.log_path)
            label = SERVERS[server.mode].format(n=args.workers) + (
                "" if server.mode == "gunicorn" else f", {http}"
            )
            print(f"{server.mode}: {label}, on {server.base}", flush=True)
        print(
            f"wrk {args.threads} threads, {args.connections} connections, "
            f"{args.duration:g}s per scenario",
            flush=True,
        )
        with tempfile.TemporaryDirectory(prefix="mithaq-bench-") as folder:
            codes_file = Path(folder) / "codes.txt"
            codes_file.write_text("\n".join(codes) + "\n")

            def load(server: Served, result: Result) -> None:
                scenario = result.scenario
                request_cookie = cookie if scenario.signed_in else ""
                body = ""
                if scenario.method == "POST":
                    csrf_cookie, csrf_token = csrf_for(server.base, scenario.path)
                    request_cookie = "; ".join(c for c in (request_cookie, csrf_cookie) if c)
                    body = multipart_body({**body_fields, "csrfmiddlewaretoken": csrf_token})
                script = write_lua(
                    scenario, cookie=request_cookie, codes_file=codes_file, body=body, folder=folder
                )
                url = server.base + scenario.path.replace("{code}", "")
                run = {"connections": args.connections, "threads": args.threads}
                if args.warmup:
                    run_wrk(url, script, duration=args.warmup, **run)
                groups = [p.pid for p in server.procs]
                before = cpu_snapshot(groups, postmaster)
                _fill(result, run_wrk(url, script, duration=args.duration, **run))
                after = cpu_snapshot(groups, postmaster)
                if result.requests:
                    result.server_cpu_ms = (after[0] - before[0]) * 1000 / result.requests
                    if postmaster is not None:
                        result.database_cpu_ms = (after[1] - before[1]) * 1000 / result.requests
                print(
                    f"  {server.mode:<9} {scenario.name:<18} {result.rps:9,.0f} req/s  "
                    f"p50 {result.p50_ms:7.1f} ms  p95 {result.p95_ms:7.1f} ms  "
                    f"p99 {result.p99_ms:7.1f} ms  "
                    f"CPU/request: server {_ms(result.server_cpu_ms)}, "
                    f"PostgreSQL {_ms(result.database_cpu_ms)}",
                    flush=True,
                )

            # Each page is measured right after a ceiling run on the same server and compared
            # with it, so that what else the machine does at that moment weighs on both alike;
            # the servers take their turns page by page, for the same reason.
            pages = [i for i, r in enumerate(results) if i and not (r.skipped or r.broken)]
            for index in pages or [None]:
                for server in servers:
                    ceiling = Result(CEILING)
                    load(server, ceiling)
                    server.ceilings.append(ceiling)
                    if index is not None:
                        result = server.results[index]
                        load(server, result)
                        result.paired_ceiling = ceiling.rps
    finally:
        for server in servers:
            stop_server(server.procs)
        try:
            removed = remove_bench_submissions(started)
        except Exception as exc:  # a half-migrated database must not hide the results
            print(f"Could not remove the bench's submissions: {exc}", flush=True)
        else:
            print(f"Removed {removed:,} rows (cases and their events) the run made.", flush=True)

    failed = False
    for server in servers:
        if server.ceilings:  # the median ceiling run stands for the ceiling in the table
            ranked = sorted(server.ceilings, key=lambda r: r.rps)
            server.results[0] = ranked[(len(ranked) - 1) // 2]
        for result in server.results[1:]:
            budget = result.scenario.budget
            if result.skipped or not result.requests:
                continue
            if result.paired_ceiling:
                result.share = result.rps / result.paired_ceiling
            if budget is not None and (result.share or 0) < budget:
                result.problems.append(f"{result.share:.1%} of the ceiling, budget {budget:.0%}")
        described = SERVERS[server.mode].format(n=args.workers)
        print_table(server.results, server.ceilings, cases, described)
        if any(r.problems for r in server.results):
            failed = True
            tail = server.log_path.read_text()[-2000:]
            if tail.strip():
                print(f"\nServer log ({server.log_path}):\n{tail}")
    if len(servers) > 1:
        print_comparison(servers)
    _save(servers, cases, args, stamp)
    return 1 if failed else 0


@dataclass
class Served:
    """One server of the run, and what was measured on it."""

    mode: str
    port: int
    log_path: Path
    procs: list
    results: list = field(default_factory=list)
    ceilings: list = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} ms"


def _fill(result: Result, raw: dict) -> None:
    seconds = raw["duration_us"] / 1e6
    result.requests = raw["requests"]
    result.rps = raw["requests"] / seconds if seconds else 0.0
    result.p50_ms = raw["p50_us"] / 1000
    result.p95_ms = raw["p95_us"] / 1000
    result.p99_ms = raw["p99_us"] / 1000
    result.statuses = {int(k): v for k, v in raw["statuses"].items()}
    result.socket_errors = raw["errors"]
    bad = result.unexpected + result.socket_errors
    if result.requests and bad / result.requests > 0.01:
        seen = ", ".join(f"{n:,}×{status}" for status, n in sorted(result.statuses.items()))
        result.problems.append(
            f"{bad:,} of {result.requests:,} responses were not {result.scenario.expect} "
            f"({seen}; {result.socket_errors:,} socket errors)"
        )


def print_table(results, ceilings, cases, server: str) -> None:
    print()
    print(f"Mithaq bench at {cases:,} cases, {server}. Ceiling runs: "
          + ", ".join(f"{r.rps:,.0f}" for r in ceilings) + " req/s (each page against"
          " the run just before it; the median run is shown)")  # fmt: skip
    header = (
        f"{'scenario':<18} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'ceiling':>8} "
        f"{'budget':>7} {'queries':>8} {'CPU ms/req':>13}  verdict"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        if r.skipped:
            print(f"{r.scenario.name:<18} {'':>65}  SKIP")
            continue
        share = f"{r.share:.1%}" if r.share is not None else "-"
        budget = f"≥{r.scenario.budget:.0%}" if r.scenario.budget is not None else "-"
        queries = f"{r.queries}/{QUERY_BUDGET}" if r.queries is not None else "-"
        cpu = "-"
        if r.server_cpu_ms is not None:
            cpu = f"{r.server_cpu_ms:.1f}"
            cpu += f" + {r.database_cpu_ms:.1f}" if r.database_cpu_ms is not None else ""
        print(
            f"{r.scenario.name:<18} {r.rps:>7,.0f} {r.p50_ms:>7.1f} {r.p95_ms:>7.1f} "
            f"{r.p99_ms:>7.1f} {share:>8} {budget:>7} {queries:>8} {cpu:>13}  {r.verdict}"
        )
    print("(CPU ms/req: the server's + PostgreSQL's CPU time per request; the second is the")
    print(" whole cluster's, so only roughly this bench's)")
    for r in results:
        for note in ([r.skipped] if r.skipped else []) + r.problems:
            print(f"  {r.scenario.name}: {note}")


def print_comparison(servers) -> None:
    """The servers side by side: req/s, p99 and the server's CPU time per request (the figure
    that holds on a shared machine), and that CPU time relative to the first server's."""
    print()
    print(
        "Side by side: req/s, p99 and the server's CPU ms per request on each; x is the last"
        f" one's CPU per request over {servers[0].mode}'s"
    )
    header = f"{'':<18}" + "".join(f" | {s.mode:<23}" for s in servers) + " |"
    print(header)
    columns = f"{'scenario':<18}" + f" | {'req/s':>7} {'p99':>7} {'CPU':>7}" * len(servers)
    print(columns + f" | {'x':>5}")
    print("-" * (len(columns) + 8))
    for index, first in enumerate(servers[0].results):
        if first.skipped:
            continue
        row = f"{first.scenario.name:<18}"
        for server in servers:
            r = server.results[index]
            cpu = "-" if r.server_cpu_ms is None else f"{r.server_cpu_ms:.2f}"
            row += f" | {r.rps:>7,.0f} {r.p99_ms:>7.1f} {cpu:>7}"
        other = servers[-1].results[index].server_cpu_ms
        ratio = f"{other / first.server_cpu_ms:.1f}" if other and first.server_cpu_ms else "-"
        print(row + f" | {ratio:>5}")


def _save(servers, cases, args, stamp) -> None:
    def row(r: Result) -> dict:
        return {
            "scenario": r.scenario.name,
            "path": r.scenario.path,
            "rps": round(r.rps, 1),
            "p50_ms": r.p50_ms,
            "p95_ms": r.p95_ms,
            "p99_ms": r.p99_ms,
            "share_of_ceiling": r.share,
            "paired_ceiling_rps": round(r.paired_ceiling, 1),
            "server_cpu_ms_per_request": r.server_cpu_ms,
            "database_cpu_ms_per_request": r.database_cpu_ms,
            "budget": r.scenario.budget,
            "queries": r.queries,
            "statuses": r.statuses,
            "verdict": r.verdict,
            "notes": ([r.skipped] if r.skipped else []) + r.problems,
        }

    data = {
        "at": stamp,
        "cases": cases,
        "duration": args.duration,
        "connections": args.connections,
        "threads": args.threads,
        "server_env": args.server_env,
        "servers": [
            {
                "server": server.mode,
                "described": SERVERS[server.mode].format(n=args.workers),
                "ceilings": [round(r.rps, 1) for r in server.ceilings],
                "results": [row(r) for r in server.results],
            }
            for server in servers
        ],
    }
    path = RESULTS_DIR / f"run-{stamp}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2))
    print(f"\nSaved {path}")


if __name__ == "__main__":
    sys.exit(main())
