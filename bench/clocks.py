"""Give the seeded cases charter clocks and inbox deadlines: bench/seed.py writes none, so
without this the report's compliance and working-time sections, the dashboard's compliance
and the charter page's figures are measured over an empty table.

    .venv/bin/python bench/clocks.py [--database-url URL] [--force]

Each case gets round 1's acknowledgement (due a day after it was received, met by its first
event after the submission) and resolution (due 10 days after, 3 for an inquiry; met when it
was last closed), and each open case its deadline row (its first unmet clock). Written with
INSERT ... SELECT in the database; a database that has clocks is left alone unless --force
(which deletes them first). Not a model of the calendar's working days: the rates it gives
are plausible, not the charter's."""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.seed import setup_django  # noqa: E402

CLOCKS = """
INSERT INTO routing_caseclock (case_id, round, target, started_at, due_at, expected_at,
    met_at, paused_at, breached_at, late_noticed_at, escalation_level, next_alert_at)
SELECT c.id, 1, t.target, c.created_at, c.created_at + t.due, c.created_at + t.due,
    CASE WHEN t.target = 'acknowledgement' THEN f.first_at ELSE c.closed_at END,
    NULL, NULL, NULL, 0, NULL
FROM cases_case c
LEFT JOIN (
    SELECT case_id, MIN(at) AS first_at FROM cases_caseevent
    WHERE kind <> 'submitted' GROUP BY case_id
) f ON f.case_id = c.id
CROSS JOIN LATERAL (VALUES
    ('acknowledgement', interval '1 day'),
    ('resolution', CASE WHEN c.kind = 'inquiry' THEN interval '3 days' ELSE interval '10 days' END)
) AS t(target, due)
"""

DEADLINES = """
INSERT INTO routing_casedeadline (case_id, target, due_at, paused)
SELECT DISTINCT ON (k.case_id) k.case_id, k.target, k.due_at, false
FROM routing_caseclock k JOIN cases_case c ON c.id = k.case_id
WHERE k.met_at IS NULL AND c.state NOT IN ('closed', 'resolved')
ORDER BY k.case_id, k.due_at
ON CONFLICT (case_id) DO UPDATE SET target = EXCLUDED.target, due_at = EXCLUDED.due_at
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    setup_django(args.database_url)
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM routing_caseclock)")
        if cursor.fetchone()[0] and not args.force:
            print("The cases have clocks already (--force to write them again).")
            return 0
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM routing_casedeadline")
        cursor.execute("DELETE FROM routing_caseclock")
        cursor.execute(CLOCKS)
        clocks = cursor.rowcount
        cursor.execute(DEADLINES)
        deadlines = cursor.rowcount
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) routing_caseclock")
        cursor.execute("VACUUM (ANALYZE) routing_casedeadline")
    took = time.perf_counter() - started
    print(f"{clocks:,} clocks and {deadlines:,} deadlines in {took:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
