"""Time a report pack (issue 13): an office-wide monthly pack's figures (budget 4 s at
1,000,000 cases), then its PDF (6 s more) and its workbook, and the process's peak memory
(500 MB), on the bench database. In process, as the job (mithaq.reports.tasks) runs it.

    .venv/bin/python bench/reports.py [--period monthly:2026-11] [--unit CODE] [--repeat 2]

Nothing is written to the database: the pack's figures and files are computed and thrown
away. Each step is run --repeat times and the best and worst are printed."""

import argparse
import datetime
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.seed import RESULTS_DIR, setup_django  # noqa: E402

BUDGETS = {"figures": 4.0, "pdf": 6.0}
MEMORY_BUDGET_MB = 500


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu_seconds(backend_pid: int | None) -> tuple[float, float]:
    """CPU seconds so far of this process and of its PostgreSQL backend (read from /proc
    when the server runs on this machine; 0 otherwise): what the machine's load does not
    change, unlike the wall time."""
    own = time.process_time()
    try:
        fields = Path(f"/proc/{backend_pid}/stat").read_text().rsplit(")", 1)[1].split()
        backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, TypeError):
        backend = 0.0
    return own, backend


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--period", default="", help="default: last month")
    parser.add_argument("--unit", default="", help="a unit's code (default: the institution)")
    parser.add_argument("--language", default="ar")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--figures-only", action="store_true", help="time the figures, not the files"
    )
    args = parser.parse_args(argv)
    setup_django(args.database_url)

    from django.db import connection
    from django.utils import timezone, translation

    from mithaq.accounts.models import OrgUnit
    from mithaq.cases.models import Case
    from mithaq.reports import figures, periods, render

    today = timezone.localdate()
    period_key = args.period or (
        f"monthly:{(today.replace(day=1) - datetime.timedelta(days=1)):%Y-%m}"
    )
    period = periods.parse_period(period_key, today=today)
    unit = OrgUnit.objects.get(code=args.unit) if args.unit else None
    cases = Case.objects.count()
    print(f"Database {connection.settings_dict['NAME']}: {cases:,} cases; pack {period.key}")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT NULL"
        )
        backend_pid = cursor.fetchone()[0]
    start_mb = peak_mb()
    pdf = b""
    timings: dict[str, list[float]] = {"figures": [], "pdf": [], "xlsx": []}
    # CPU seconds of each step: this process's, and its PostgreSQL backend's.
    cpu: dict[str, list[tuple[float, float]]] = {"figures": [], "pdf": [], "xlsx": []}

    def step(name, run):
        t, (own, backend) = time.perf_counter(), cpu_seconds(backend_pid)
        result = run()
        timings[name].append(time.perf_counter() - t)
        own_after, backend_after = cpu_seconds(backend_pid)
        cpu[name].append((own_after - own, backend_after - backend))
        print(f"  ... {name}: {timings[name][-1]:.2f} s wall, CPU {own_after - own:.2f} s here "
              f"+ {backend_after - backend:.2f} s in PostgreSQL, peak {peak_mb():.0f} MB",
              flush=True)  # fmt: skip
        return result

    for _ in range(args.repeat):
        data = step("figures", lambda: figures.pack_figures(period, unit))
        if args.figures_only:
            continue
        with translation.override(args.language):
            pdf = step(
                "pdf",
                lambda data=data: render.pdf(
                    data, number="BENCH", language=args.language, now=timezone.now()
                ),
            )
            step(
                "xlsx", lambda data=data: render.xlsx(data, number="BENCH", language=args.language)
            )
    received = data["current"]["volume"]["total"]["received"]
    summary = {
        "cases": cases,
        "period": period.key,
        "received_in_period": received,
        "pdf_bytes": len(pdf),
        **{f"{k}_s": [round(v, 2) for v in vs] for k, vs in timings.items()},
        **{f"{k}_cpu_s": [[round(a, 2), round(b, 2)] for a, b in vs] for k, vs in cpu.items()},
        "load_average": os.getloadavg(),
        "peak_rss_mb": round(peak_mb(), 0),
        "rss_before_mb": round(start_mb, 0),
    }
    for name, budget in BUDGETS.items():
        if not timings[name]:
            continue
        best = min(timings[name])
        print(f"  {name:<8} best {best:6.2f} s, worst {max(timings[name]):6.2f} s  "
              f"(budget {budget:g} s at 1,000,000 cases)")  # fmt: skip
    if timings["xlsx"]:
        print(f"  xlsx     best {min(timings['xlsx']):6.2f} s")
    for name, values in cpu.items():
        if not values:
            continue
        own, backend = min(values, key=sum)
        print(f"  {name:<8} CPU {own:6.2f} s here + {backend:6.2f} s in PostgreSQL (least of runs)")
    print("  load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    print(f"  peak memory {summary['peak_rss_mb']:.0f} MB (budget {MEMORY_BUDGET_MB} MB); "
          f"{received:,} cases received in the period; PDF {len(pdf):,} bytes")  # fmt: skip
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS_DIR / f"reports-{stamp}.json").write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
