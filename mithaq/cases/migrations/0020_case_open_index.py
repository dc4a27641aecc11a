"""The open cases in the order of their ids, with their unit, on PostgreSQL only:
case_open_unit, for the managers' dashboard's open, overdue, due-today and due-soon counts
per unit (mithaq.reports.dashboard.by_unit). With it the open cases (177,000 at 1,000,000
cases) are read from this index alone in the order of the deadline rows' primary key, and
joined to their deadline rows by a merge join, not by hashing the 124,000 deadline rows on
every request (decision 0018-dashboard-open-counts-merge-join).

The predicate is `state <> 'closed'`, what cases.states.OPEN_STATES is (every state but
closed), so it holds for a state added later. As in 0018 and 0019: SQLite has no covering
indexes, so it is SQL of this migration, made CONCURRENTLY so a live table is not locked."""

from django.db import migrations

INDEXES = {
    "case_open_unit": (
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS case_open_unit ON cases_case "
        "(id) INCLUDE (unit_id) WHERE state <> 'closed'"
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

    dependencies = [("cases", "0019_report_pack_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
