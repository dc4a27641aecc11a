"""Mithaq's pages against the peer's (django-helpdesk), side by side, in interleaved rounds.

    .venv/bin/python bench/peer.py --database-url postgres://postgres@127.0.0.1:5432/mithaq_bench \
        [--pairs submission] [--rounds 4] [--duration 10] [--connections 16]

Each round measures Mithaq's page with bench/run.py (gunicorn, 2 sync workers, its own server
started and stopped, server CPU per request from /proc), then the peer's page the same way:
django-helpdesk's bench project (../shared/peer-bench/helpdesk/benchproj) under gunicorn with
2 sync workers, loaded with the peer harness's own wrk scripts, its submissions counted and
deleted after each run (cleanup_submitted.py) so its data set keeps its seeded size. Before
each run the machine is given up to --quiet-timeout seconds to be quiet (the harness's
quiet.py); the 1-minute load average and the CPU of everything else on the machine
("foreign": busy CPU minus the server's, PostgreSQL's and wrk's, in % of one core) are
recorded for every run, so that a disturbed round can be seen for what it is.

The pairs (Mithaq's scenario in bench/run.py -> the peer's page):
    submission  public submission -> the public ticket form's POST (302)
    inbox       inbox             -> the ticket list page shell (its data comes by a second
                                      request, which takes seconds at 100k tickets)
    filtered    inbox filtered    -> the same list page shell
    case        case page         -> a random ticket's staff page

Set the peer up first (its README: 00_setup.sh, seed.py --tickets 100000). The peer's folder
is --peer-dir (default ../shared/peer-bench/helpdesk from the project root), its virtualenv
--peer-venv (default ~/helpdesk-bench/venv), its database --peer-db (bench_100k).
The table and a JSON file go to bench/results/peer-<time>.json.

Reading the figures: compare the two products only within one run, round by round; the
median of the rounds' ratios is the figure to quote. On a busy machine every CPU figure rises
(a page's CPU time per request grows with the other processes on the same cores: the ceiling
page's 0.3 ms became 0.8-1.05 ms with another core's worth of foreign load) and req/s falls,
for both products; a round whose foreign CPU or load differs much between its two halves is
less comparable than the others. PostgreSQL's CPU is the whole cluster's, other databases'
work included, so it is kept in the JSON but not in the table.
"""

import argparse
import json
import os
import re
import resource
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import cpu_snapshot, free_port  # noqa: E402
from bench.seed import BENCH_DATABASE_URL, RESULTS_DIR  # noqa: E402

HOST = "127.0.0.1"
# name: (Mithaq's scenario in bench/run.py, the peer's endpoint)
PAIRS = {
    "submission": ("public submission", "submit"),
    "inbox": ("inbox", "list_html"),
    "filtered": ("inbox filtered", "list_html"),
    "case": ("case page", "ticket_view"),
}


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all cores."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    busy = values[0] + values[1] + values[2] + values[5] + values[6]
    return busy / ticks, sum(values[:8]) / ticks


def postmaster_pid(database_url: str) -> int | None:
    """The PostgreSQL server's process (the cluster's, not only our database's)."""
    try:
        out = subprocess.run(
            ["psql", database_url, "-Atc", "SHOW data_directory"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return int((Path(out) / "postmaster.pid").read_text().split()[0])
    except (OSError, subprocess.CalledProcessError, ValueError):
        return None


def wait_quiet(peer_dir: Path, max_busy: float, timeout: float) -> str:
    if timeout <= 0:
        return "not waited"
    done = subprocess.run(
        [sys.executable, str(peer_dir / "quiet.py"), "wait", "--max-busy", str(max_busy),
         "--timeout", str(timeout)],
        capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout.strip()


class Sample:
    """Machine CPU, PostgreSQL CPU and wrk's CPU over one measured run."""

    def __init__(self, postmaster: int | None, server_groups: list[int]):
        self.postmaster = postmaster
        self.groups = server_groups

    def __enter__(self):
        self.load = os.getloadavg()[0]
        self.busy0, self.total0 = machine_busy()
        self.server0, self.db0 = cpu_snapshot(self.groups, self.postmaster)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.children0 = usage.ru_utime + usage.ru_stime
        self.t0 = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.wall = time.monotonic() - self.t0
        busy1, _total1 = machine_busy()
        server1, db1 = cpu_snapshot(self.groups, self.postmaster)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.server = server1 - self.server0
        self.db = db1 - self.db0
        self.wrk = usage.ru_utime + usage.ru_stime - self.children0
        self.busy = busy1 - self.busy0

    def foreign_pct(self, server: float | None = None) -> float:
        """Everything else's CPU during the run, in % of one core."""
        server = self.server if server is None else server
        rest = self.busy - server - self.db - self.wrk
        return round(max(0.0, rest) / self.wall * 100, 1)


# --- Mithaq: bench/run.py, one scenario ------------------------------------------------------


def measure_mithaq(scenario: str, args, postmaster: int | None) -> dict:
    command = [
        sys.executable, str(ROOT / "bench" / "run.py"), "--only", scenario,
        "--duration", str(args.duration), "--warmup", str(args.warmup),
        "--connections", str(args.connections), "--database-url", args.database_url,
    ]  # fmt: skip
    with Sample(postmaster, []) as sample:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    saved = re.search(r"Saved (\S+\.json)", done.stdout)
    if not saved:
        raise RuntimeError(f"bench/run.py failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    data = json.loads(Path(saved.group(1)).read_text())
    row = next(r for r in data["servers"][0]["results"] if r["scenario"] == scenario)
    ceiling = data["servers"][0]["results"][0]  # its ceiling run, just before the page
    return {
        "rps": row["rps"],
        "p99_ms": row["p99_ms"],
        "cpu_ms": row["server_cpu_ms_per_request"],
        "db_cpu_ms": row["database_cpu_ms_per_request"],
        "queries": row["queries"],
        "statuses": row["statuses"],
        "ceiling_rps": ceiling["rps"],
        "load": round(sample.load, 2),
        # The whole bench/run.py run (start-up, the ceiling, warm-ups): its CPU, its server's
        # and its wrk's are reaped children here, so what is left is everyone else's.
        "foreign_pct": sample.foreign_pct(server=0.0),
        "verdict": row["verdict"],
        "notes": row["notes"],
    }


# --- the peer: django-helpdesk under gunicorn ------------------------------------------------


def start_peer(args, port: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ, BENCH_DB=args.peer_db)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen(
        [str(args.peer_venv / "bin" / "gunicorn"), "benchproj.wsgi", "--workers", "2",
         "--worker-class", "sync", "--bind", f"{HOST}:{port}", "--timeout", "120",
         "--log-level", "warning"],
        cwd=args.peer_dir / "benchproj", env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the peer's server exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/bare/", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return proc
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the peer's server did not answer in 60 s")


def stop_peer(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def peer_python(args, script: str, *extra: str) -> str:
    env = dict(os.environ, BENCH_DB=args.peer_db)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [str(args.peer_venv / "bin" / "python"), str(args.peer_dir / script), *extra],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


def run_wrk(args, lua: str, url: str, env: dict, duration: float) -> dict:
    done = subprocess.run(
        ["wrk", "-t2", f"-c{args.connections}", f"-d{duration:g}s", "--timeout", "30s",
         "--latency", "-s", str(args.peer_dir / "lua" / lua), url],
        env={**os.environ, "BENCH_LUA_DIR": str(args.peer_dir / "lua"), **env},
        capture_output=True, text=True,
    )  # fmt: skip
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no WRKJSON line:\n{done.stdout}\n{done.stderr}")
    return json.loads(line[8:])


def measure_peer(endpoint: str, args, postmaster: int | None) -> dict:
    port = free_port()
    base = f"http://{HOST}:{port}"
    with tempfile.TemporaryDirectory(prefix="mithaq-peer-") as folder:
        proc = start_peer(args, port, Path(folder) / "gunicorn.log")
        try:
            tokens = dict(
                re.findall(
                    r"^export (\w+)=(.*)$",
                    peer_python(args, "get_tokens.py", "--base", base),
                    re.M,
                )
            )
            tokens = {k: shlex.split(v)[0] if v else "" for k, v in tokens.items()}
            if endpoint == "submit":
                env = {
                    "EXPECT_STATUS": "302",
                    "BENCH_COOKIE": tokens["SUBMIT_COOKIE"],
                    "CSRF_TOKEN": tokens["CSRF_TOKEN"],
                    "QUEUE_ID": tokens["QUEUE_ID"],
                    "SUBMIT_PATH": "/helpdesk/tickets/submit/",
                }
                lua, url = "submit.lua", base
            elif endpoint == "list_html":
                env = {"EXPECT_STATUS": "200", "BENCH_COOKIE": tokens["STAFF_COOKIE"]}
                lua, url = "get.lua", base + "/helpdesk/tickets/"
            else:
                low, high = args.peer_id_range
                env = {
                    "EXPECT_STATUS": "200",
                    "BENCH_COOKIE": tokens["STAFF_COOKIE"],
                    "PATH_TEMPLATE": "/helpdesk/tickets/%d/",
                    "MIN_ID": str(low),
                    "MAX_ID": str(high),
                }
                lua, url = "ticket_random.lua", base
            if args.warmup:
                run_wrk(args, lua, url, env, args.warmup)
                drain(base)
            if endpoint == "submit":
                # The data set back at its seeded size, so that the count after the run is
                # the run's own tickets (its 302s, plus those still queued when wrk stopped).
                peer_python(args, "cleanup_submitted.py")
            quiet = wait_quiet(args.peer_dir, args.quiet_busy, args.quiet_timeout)
            with Sample(postmaster, [proc.pid]) as sample:
                raw = run_wrk(args, lua, url, env, args.duration)
            drain(base)
            created = None
            if endpoint == "submit":
                created = int(peer_python(args, "cleanup_submitted.py").split()[-1])
        finally:
            stop_peer(proc)
    return {
        "rps": raw["rps"],
        "ok_rps": raw["ok_rps"],
        "p99_ms": raw.get("lat_ms", {}).get("p99"),
        "cpu_ms": sample.server * 1000 / raw["requests"] if raw["requests"] else None,
        "db_cpu_ms": sample.db * 1000 / raw["requests"] if raw["requests"] else None,
        "statuses": raw.get("status"),
        "created": created,
        "load": round(sample.load, 2),
        "foreign_pct": sample.foreign_pct(),
        "quiet": quiet,
    }


def drain(base: str) -> None:
    """Sync workers still serve what wrk left queued: two requests in a row wait for that."""
    for _ in range(2):
        try:
            urllib.request.urlopen(f"{base}/bare/", timeout=300).read()  # noqa: S310
        except OSError:
            pass


def peer_id_range(args) -> tuple[int, int]:
    sql = "select min(id), max(id) from helpdesk_ticket where submitter_email not like 'wrk-%'"
    out = subprocess.run(
        ["psql", "-h", HOST, "-U", "bench", "-d", args.peer_db, "-Atc", sql],
        env=dict(os.environ, PGPASSWORD="bench"), capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    low, high = out.split("|")
    return int(low), int(high)


def _peer_dir() -> Path:
    """../shared/peer-bench/helpdesk beside the project (or beside its worktrees' folder)."""
    for up in (ROOT.parent, ROOT.parent.parent):
        if (up / "shared/peer-bench/helpdesk").is_dir():
            return up / "shared/peer-bench/helpdesk"
    return ROOT.parent / "shared/peer-bench/helpdesk"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument(
        "--pairs", default="submission", help=f"comma-separated: {', '.join(PAIRS)}"
    )
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--peer-dir", type=Path, default=_peer_dir())
    parser.add_argument("--peer-venv", type=Path, default=Path.home() / "helpdesk-bench/venv")
    parser.add_argument("--peer-db", default="bench_100k")
    parser.add_argument("--quiet-busy", type=float, default=20, help="% of one core")
    parser.add_argument("--quiet-timeout", type=float, default=60, help="seconds; 0: no wait")
    args = parser.parse_args(argv)
    args.database_url = args.database_url or BENCH_DATABASE_URL
    pairs = [p.strip() for p in args.pairs.split(",") if p.strip()]
    if any(p not in PAIRS for p in pairs):
        parser.error(f"--pairs: a comma-separated list of {', '.join(PAIRS)}")
    args.peer_id_range = peer_id_range(args)
    postmaster = postmaster_pid(args.database_url)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    rows = []
    for pair in pairs:
        scenario, endpoint = PAIRS[pair]
        for round_ in range(1, args.rounds + 1):
            quiet = wait_quiet(args.peer_dir, args.quiet_busy, args.quiet_timeout)
            mithaq = measure_mithaq(scenario, args, postmaster)
            mithaq["quiet"] = quiet
            peer = measure_peer(endpoint, args, postmaster)
            row = {"pair": pair, "round": round_, "mithaq": mithaq, "peer": peer}
            row["ratio"] = round(mithaq["rps"] / peer["rps"], 2) if peer["rps"] else None
            rows.append(row)
            print(
                f"{pair:<10} round {round_}: Mithaq {mithaq['rps']:7.1f} req/s "
                f"{_ms(mithaq['cpu_ms'])} ms CPU/req (load {mithaq['load']}) | peer "
                f"{peer['rps']:7.1f} req/s {_ms(peer['cpu_ms'])} ms CPU/req (load {peer['load']}, "
                f"foreign {peer['foreign_pct']}%) | ratio {row['ratio']}",
                flush=True,
            )
    print_table(rows, pairs)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"peer-{stamp}.json"
    path.write_text(json.dumps({"at": stamp, "args": _jsonable(args), "rows": rows}, indent=2))
    print(f"\nSaved {path}")
    return 0


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _jsonable(args) -> dict:
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}


def print_table(rows, pairs) -> None:
    print(
        "\n| pair | round | Mithaq req/s | Mithaq CPU ms/req | peer req/s | peer CPU ms/req "
        "| ratio (req/s) | CPU ratio | load (M / P) | foreign % (M / P) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        m, p = r["mithaq"], r["peer"]
        cpu_ratio = f"{p['cpu_ms'] / m['cpu_ms']:.2f}" if m["cpu_ms"] and p["cpu_ms"] else "-"
        print(
            f"| {r['pair']} | {r['round']} | {m['rps']:.1f} | {_ms(m['cpu_ms'])} | "
            f"{p['rps']:.1f} | {_ms(p['cpu_ms'])} | {r['ratio']} | {cpu_ratio} | "
            f"{m['load']} / {p['load']} | {m['foreign_pct']} / {p['foreign_pct']} |"
        )
    for pair in pairs:
        mine = [r for r in rows if r["pair"] == pair]
        m_rps = statistics.median(r["mithaq"]["rps"] for r in mine)
        p_rps = statistics.median(r["peer"]["rps"] for r in mine)
        m_cpu = statistics.median(r["mithaq"]["cpu_ms"] or 0 for r in mine)
        p_cpu = statistics.median(r["peer"]["cpu_ms"] or 0 for r in mine)
        print(
            f"| {pair} | median | {m_rps:.1f} | {m_cpu:.2f} | {p_rps:.1f} | {p_cpu:.2f} | "
            f"{m_rps / p_rps:.2f} | {p_cpu / m_cpu if m_cpu else 0:.2f} | | |"
        )


if __name__ == "__main__":
    sys.exit(main())
