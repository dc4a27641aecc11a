"""Covering indexes for the reports, on PostgreSQL only: the cases a report window reads
(not merged, by when received, with the columns it counts), the events that close a case,
take it out of closed or reopen it (by case and time, with their kind and states), both for
the pack's volume figures (mithaq.reports.caseflow), and the cases by state and unit for the
dashboard's open, overdue and due counts (reports.dashboard.by_unit). Each lets PostgreSQL
answer from the index alone (an index-only scan) instead of reading the wide case and event
rows: at 1,000,000 cases the pack read 1.8 GB of cases and 700,000 event pages at random
without them, and the dashboard's open and overdue counts took 1.5 and 1.7 s (0.14, 0.24 s).

SQLite has no covering indexes (Django would warn, models.W040), so they are not declared on
the models: they are SQL of this migration, made CONCURRENTLY so a live table is not locked."""

from django.db import migrations

INDEXES = {
    "case_report_window": (
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS case_report_window ON cases_case "
        "(created_at) INCLUDE (id, unit_id, state, closed_at, external_reference, code, kind) "
        "WHERE merged_into_id IS NULL"
    ),
    "case_state_unit": (
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS case_state_unit ON cases_case "
        "(state, unit_id) INCLUDE (id)"
    ),
    "event_closing": (
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS event_closing ON cases_caseevent "
        "(case_id, at) INCLUDE (kind, from_state, to_state) "
        "WHERE to_state = 'closed' OR from_state = 'closed' "
        "OR kind IN ('reopened', 'grievance')"
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

    dependencies = [("cases", "0017_encrypt_citizen_phone_and_national_id")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
