"""Indexes for foreign keys that are empty on most rows.

Django gives every foreign key a btree index over all its rows, the empty ones included:
every new row writes an entry in each. A key set on few rows (who registered a case at the
counter, the case a duplicate was merged into, the unit an event moved a case from) is
indexed here only where it is set. PostgreSQL and SQLite use such an index for any
`key = value` or `key IN (...)`, which is what the lookups and the checks of
`on_delete` ask; `key IS NULL` was never served by the index."""

from django.db import models


def only_where_set(prefix: str, *fields: str) -> list[models.Index]:
    """One partial index per foreign key in `fields`, named `<prefix>_<field>_set`; the
    field itself takes `db_index=False`."""
    return [
        models.Index(
            fields=[name],
            condition=models.Q(**{f"{name}__isnull": False}),
            name=f"{prefix}_{name}_set",
        )
        for name in fields
    ]
