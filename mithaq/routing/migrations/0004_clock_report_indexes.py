"""Covering indexes for the report pack's clock figures, on PostgreSQL only: the clocks by
when they fall due (the charter's compliance over a period: mithaq.reports.figures.compliance)
and the met clocks by when they were met (the working times to each target:
figures.times), each with the columns those read. Without them each of the pack's three
windows scanned all the clocks (2,000,000 at 1,000,000 cases, twice a window).

SQLite has no covering indexes (Django would warn, models.W040), so they are not declared on
the model: they are SQL of this migration, made CONCURRENTLY so a live table is not locked."""

from django.db import migrations

INDEXES = {
    "clock_due_report": (
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS clock_due_report ON routing_caseclock "
        "(due_at) INCLUDE (case_id, target, met_at, paused_at)"
    ),
    "clock_met_report": (
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS clock_met_report ON routing_caseclock "
        "(met_at) INCLUDE (case_id, target, started_at) WHERE met_at IS NOT NULL"
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

    dependencies = [("routing", "0003_workbench")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
