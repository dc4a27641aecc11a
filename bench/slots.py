"""The slot engine (mithaq.scheduling) under load, for issue 16's budgets: finding an
official's free slots over the next 60 days (< 50 ms), and booking with 20 concurrent
clients (p99 < 100 ms), the interviews' engine alone and a hall appointment (the engine, the
HallBooking row and its SMS in the outbox, mithaq.walkin.bookings).

    .venv/bin/python bench/slots.py [--lookups 200] [--rounds 10] [--clients 20]

Runs on PostgreSQL database `mithaq_bench_hall` (dropped, made again and migrated on every
run). The official receives Sunday to Thursday 09:00-13:00, 24 a window (10-minute slots),
and half the slots of the next 60 days are already booked; a hall service takes appointments
every day 08:00-16:00, 32 a window. The clients are `--clients` separate processes (each
with its own Django and its own database connection, as server workers serving twenty
browsers would be; threads of one process would queue on its GIL instead). Each booking
round releases them at once at a barrier, each booking a different free slot, and two rounds
in five make all the clients race for one slot (one wins, the others are refused after the
lock). Wall time per call and the client's CPU per call are printed with the load average;
the machine is shared, so read the CPU figure with the wall one. Results are also written to
bench/results/slots.json.
"""

import argparse
import datetime
import json
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.hall import fresh_database, setup, summary  # noqa: E402

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mithaq_bench_hall"
RESULTS = ROOT / "bench" / "results"


def build():
    from mithaq.accounts.models import Membership, Role
    from mithaq.scheduling import services as slots
    from mithaq.scheduling.models import Schedule, WeeklyHours
    from mithaq.testing import make_org
    from mithaq.walkin import bookings
    from mithaq.walkin.testing import make_hall

    org = make_org()
    Membership.objects.get_or_create(user=org.leader, unit=org.root, role=Role.OFFICIAL)
    schedule = Schedule.objects.create(unit=org.root, official=org.leader, name="bench")
    for weekday in (6, 0, 1, 2, 3):
        WeeklyHours.objects.create(
            schedule=schedule,
            weekday=weekday,
            starts=datetime.time(9),
            ends=datetime.time(13),
            quota=24,
        )
    free = slots.free_slots(schedule=schedule)
    for slot in free[::2]:
        slots.book_slot(schedule=schedule, starts_at=slot.starts_at)
    hw = make_hall(org)
    for weekday in range(7):
        bookings.add_hours(
            hall_service=hw.transcripts,
            weekday=weekday,
            starts=datetime.time(8),
            ends=datetime.time(16),
            quota=32,
        )
    hw.transcripts.refresh_from_db()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return schedule, hw.transcripts, len(free)


def bench_lookups(schedule, lookups: int) -> dict:
    from mithaq.scheduling import services as slots

    slots.free_slots(schedule=schedule)  # warm
    wall, cpu, counts = [], [], set()
    for _ in range(lookups):
        c0, t0 = time.process_time(), time.perf_counter()
        found = slots.free_slots(schedule=schedule, days=60)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        counts.add(len(found))
    return summary(wall) | {
        "cpu_mean_ms": round(statistics.fmean(cpu), 2),
        "free_slots": sorted(counts),
    }


def _client(url, kind, target_pk, warm, plan, barrier, results) -> None:
    """One client process: Django of its own, one connection, and its call in each round."""
    from bench.seed import setup_django

    setup_django(url)
    from django.db import connection

    from mithaq.scheduling import services as slots
    from mithaq.scheduling.models import Schedule
    from mithaq.walkin import bookings
    from mithaq.walkin.models import HallService

    if kind == "engine":
        schedule = Schedule.objects.get(pk=target_pk)

        def book(when):
            slots.book_slot(schedule=schedule, starts_at=when)

    else:
        hall_service = HallService.objects.select_related("hall", "schedule", "service").get(
            pk=target_pk
        )

        def book(when):
            bookings.book(hall_service=hall_service, starts_at=when, phone="07701234567")

    # Warm the process as a server worker is warm (imports, templates, its connection): one
    # booking of its own, not measured.
    book(warm)
    rows = []
    for when in plan:
        barrier.wait()
        c0, t0 = time.process_time(), time.perf_counter()
        try:
            book(when)
            outcome = "won"
        except slots.SlotRefused:
            outcome = "refused"
        rows.append(((time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000, outcome))
    connection.close()
    results.put(rows)


def bench_bookings(
    url: str, kind: str, target_pk: int, free_starts: list, rounds: int, clients: int
) -> dict:
    """`rounds` rounds of `clients` processes released together at a barrier; `kind` is
    "engine" (scheduling.book_slot on schedule `target_pk`) or "hall" (walkin.bookings.book
    on hall service `target_pk`)."""
    warm = free_starts[-clients:]
    plans: list[list] = [[] for _ in range(clients)]
    cursor = 0
    for round_no in range(rounds):
        if round_no % 5 in (1, 3):  # a race: every client for one slot
            for plan in plans:
                plan.append(free_starts[cursor])
            cursor += 1
        else:
            for i, plan in enumerate(plans):
                plan.append(free_starts[cursor + i])
            cursor += clients
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(clients)
    results = spawn.Queue()
    procs = [
        spawn.Process(target=_client, args=(url, kind, target_pk, w, plan, barrier, results))
        for w, plan in zip(warm, plans, strict=True)
    ]
    for proc in procs:
        proc.start()
    rows = [row for _ in procs for row in results.get(timeout=600)]
    for proc in procs:
        proc.join()
    wall = [w for w, _c, _o in rows]
    cpu = [c for _w, c, _o in rows]
    return summary(wall) | {
        "won": sum(1 for *_x, o in rows if o == "won"),
        "refused": sum(1 for *_x, o in rows if o == "refused"),
        "cpu_per_booking_ms": round(statistics.fmean(cpu), 2),
        "cpu_p99_ms": summary(cpu)["p99_ms"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--database-url", default=DATABASE_URL)
    args = parser.parse_args()
    # One connection per client process (inherited by the spawned clients), as a server
    # worker holds.
    os.environ.setdefault("DATABASE_POOL_MIN", "1")
    os.environ.setdefault("DATABASE_POOL_MAX", "1")
    fresh_database(args.database_url)
    setup(args.database_url)
    schedule, hall_service, slot_count = build()

    from mithaq.scheduling import services as slots
    from mithaq.walkin import bookings

    load = os.getloadavg()
    results = {
        "load_before": [round(x, 2) for x in load],
        "slots_in_60_days": slot_count,
        "free_slots_60_days": bench_lookups(schedule, args.lookups),
    }
    free = [s.starts_at for s in slots.free_slots(schedule=schedule)]
    hall_free = [s.starts_at for s in bookings.free_times(hall_service)]
    from django.db import connections

    connections.close_all()  # the clients hold theirs
    results["book_slot_concurrent"] = bench_bookings(
        args.database_url, "engine", schedule.pk, free, args.rounds, args.clients
    )
    results["load_mid"] = [round(x, 2) for x in os.getloadavg()]
    results["hall_book_concurrent"] = bench_bookings(
        args.database_url, "hall", hall_service.pk, hall_free, args.rounds, args.clients
    )
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(results, indent=2, ensure_ascii=False))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "slots.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
