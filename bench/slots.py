"""The slot engine (mithaq.scheduling) under load, for issue 16's budgets: finding an
official's free slots over the next 60 days (< 50 ms), and booking with 20 concurrent
clients (p99 < 100 ms), the interviews' engine alone and a hall appointment (the engine, the
HallBooking row and its SMS in the outbox, mithaq.walkin.bookings).

    .venv/bin/python bench/slots.py [--lookups 200] [--rounds 10] [--clients 20]

Runs on PostgreSQL database `mithaq_bench_hall` (dropped, made again and migrated on every
run). The official receives Sunday to Thursday 09:00-13:00, 24 a window (10-minute slots),
and half the slots of the next 60 days are already booked; a hall service takes appointments
every day 08:00-16:00, 32 a window. Each booking round releases `--clients` threads at once
(one connection each), each booking a different free slot, and two rounds in five make all
the clients race for one slot (one wins, the others are refused after the lock). Wall time
per call and the process CPU per call are printed; the machine is shared, so read the CPU
figure with the wall one. Results are also written to bench/results/slots.json.
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import threading
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


def bench_bookings(book, free_starts: list, rounds: int, clients: int) -> dict:
    """`rounds` rounds of `clients` threads released together; `book(starts_at)` raises
    SlotRefused when refused."""
    from django.db import connection

    from mithaq.scheduling.services import SlotRefused

    wall: list[float] = []
    cpu_total = 0.0
    won = refused = 0
    lock = threading.Lock()
    cursor = 0
    for round_no in range(rounds):
        race = round_no % 5 in (1, 3)
        if race:
            targets = [free_starts[cursor]] * clients
            cursor += 1
        else:
            targets = free_starts[cursor : cursor + clients]
            cursor += clients
        barrier = threading.Barrier(clients)

        def client(i, targets=targets, barrier=barrier):
            nonlocal won, refused
            try:
                barrier.wait()
                t0 = time.perf_counter()
                try:
                    book(targets[i])
                    outcome = "won"
                except SlotRefused:
                    outcome = "refused"
                elapsed = (time.perf_counter() - t0) * 1000
                with lock:
                    wall.append(elapsed)
                    if outcome == "won":
                        won += 1
                    else:
                        refused += 1
            finally:
                connection.close()

        c0 = time.process_time()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        cpu_total += time.process_time() - c0
    return summary(wall) | {
        "won": won,
        "refused": refused,
        "cpu_per_booking_ms": round(cpu_total * 1000 / max(len(wall), 1), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--database-url", default=DATABASE_URL)
    args = parser.parse_args()
    # One connection per client, as twenty workers would hold (the default pool has ten).
    os.environ.setdefault("DATABASE_POOL_MAX", str(args.clients + 5))
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
    results["book_slot_concurrent"] = bench_bookings(
        lambda when: slots.book_slot(schedule=schedule, starts_at=when),
        free,
        args.rounds,
        args.clients,
    )
    hall_free = [s.starts_at for s in bookings.free_times(hall_service)]
    results["hall_book_concurrent"] = bench_bookings(
        lambda when: bookings.book(hall_service=hall_service, starts_at=when, phone="07701234567"),
        hall_free,
        args.rounds,
        args.clients,
    )
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(results, indent=2, ensure_ascii=False))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "slots.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
