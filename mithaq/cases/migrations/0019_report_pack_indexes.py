"""Covering indexes for the report pack, on PostgreSQL only. case_received: the pack's
received cases by kind × channel × unit and its twelve months' trend
(mithaq.reports.figures.received and received_by_month), the cases not merged by when
received, with the columns those count; without it the received figures read the month's
case rows from the table (50,000 heap pages at random for a month at 1,000,000 cases,
0.7-1.0 s a window) and the trend scanned the wider case_report_window. event_closed_at: the
closing events by when, so the re-entry list (reports.caseflow.completed_without_reference)
starts from the cases closed in the period, not from every case open since it began.
case_unit_of: a clock's case's unit (cases not merged) from the index alone, for the
dashboard's compliance this month (reports.dashboard.compliance_by_unit: 22,000 clocks at
1,000,000 cases, 0.27-0.45 s reading the case rows, 0.20 s with it).

As in 0018: SQLite has no covering indexes, so it is SQL of this migration, made
CONCURRENTLY so a live table is not locked."""

from django.db import migrations

INDEXES = {
    "case_received": (
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS case_received ON cases_case "
        "(created_at) INCLUDE (id, unit_id, kind, channel, is_urgent, is_collective, head_count) "
        "WHERE merged_into_id IS NULL"
    ),
    "case_unit_of": (
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS case_unit_of ON cases_case "
        "(id) INCLUDE (unit_id) WHERE merged_into_id IS NULL"
    ),
    "event_closed_at": (
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS event_closed_at ON cases_caseevent "
        "(at) INCLUDE (case_id) WHERE to_state = 'closed'"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in INDEXES.values():
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("cases", "0018_report_window_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
