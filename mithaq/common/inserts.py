"""New rows written with SQL worked out once per process: the rows of a new case.

A portal submission writes six statements of new rows (the case, its event, its clocks and
deadline, its messages). Django's ORM builds each INSERT anew on every call: it quotes every
column, asks every field how its placeholder is written and whether its value is an
expression, and for two rows or more (Django 5.2 on PostgreSQL) sends one array a column
through UNNEST, which psycopg dumps in Python. At 1,000,000 cases that building was about a
quarter of a served submission's CPU (decision 0022, with the figures). `insert` keeps, per model, row count and
database, the statement's text (columns, placeholders, conflict clause and RETURNING from
the backend's own `ops`), and on each call only turns the instances' values into parameters
the way Django's insert does: each field's `pre_save(obj, add=True)` (auto_now, the search
hashes), then its `get_db_prep_save` (encryption, the backend's adaptation).

What it does not do, so that a caller can tell when it may be used:
- no `pre_save`/`post_save` signals (no model written this way has receivers: a test says
  so), no multi-table inheritance, no expressions as values (refused: TypeError);
- the columns are the model's concrete fields as loaded in this process, as Django's own
  insert uses them: a migration is deployed with a restart.
The instances come back as `save()` leaves them: primary key set, `_state.adding` False.
"""

from collections.abc import Sequence
from typing import Any, TypeVar, cast

from django.db import connections, router
from django.db.models import Model
from django.db.models.constants import OnConflict

M = TypeVar("M", bound=Model)

# (model, rows, ignore conflicts, returned field names, database alias) -> (SQL, fields,
# returned fields)
_STATEMENTS: dict[tuple, tuple[str, list, list]] = {}


def _statement(model: type[Model], rows: int, ignore: bool, returning: tuple[str, ...], alias):
    key = (model, rows, ignore, returning, alias)
    found = _STATEMENTS.get(key)
    if found is not None:
        return found
    connection = connections[alias]
    ops = connection.ops
    meta = model._meta
    if meta.parents:
        raise TypeError(f"{model.__name__}: multi-table inheritance is not written by insert()")
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    returned = [meta.get_field(name) for name in returning]
    on_conflict = OnConflict.IGNORE if ignore else None
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    parts = [
        ops.insert_statement(on_conflict=on_conflict),
        ops.quote_name(meta.db_table),
        "(" + ", ".join(ops.quote_name(cast(str, f.column)) for f in fields) + ")",
        "VALUES " + ", ".join([row] * rows),
    ]
    suffix = ops.on_conflict_suffix_sql(fields, on_conflict, None, None)
    if suffix:
        parts.append(suffix)
    if returned:
        # PostgreSQL's and SQLite's operations have it (Django's stubs know only the base's).
        return_columns = getattr(ops, "return_insert_columns", None)
        if return_columns is None or not connection.features.can_return_rows_from_bulk_insert:
            raise TypeError(f"{connection.vendor} cannot return the rows it inserts")
        returning_sql, _params = return_columns(returned)
        parts.append(returning_sql)
    found = (" ".join(parts), fields, returned)
    _STATEMENTS[key] = found
    return found


def insert(
    objs: Sequence[M], *, ignore_conflicts: bool = False, returning: Sequence[str] = ()
) -> list[tuple]:
    """INSERT `objs` (new instances of one model) in one statement. With `returning` (field
    names), the rows written, in order: with `ignore_conflicts` a row that clashed with an
    existing one is left out (PostgreSQL and SQLite both return only the rows inserted), so
    match them by a returned key. Without `ignore_conflicts` and with the primary key
    returned, each instance gets its key, as save() gives it. Returned values are as the
    database gives them (no field converters): ask for keys and plain columns."""
    if not objs:
        return []
    model = type(objs[0])
    if any(type(obj) is not model for obj in objs):
        raise TypeError("insert() writes rows of one model at a time")
    alias = router.db_for_write(model, instance=objs[0])
    connection = connections[alias]
    sql, fields, returned = _statement(model, len(objs), ignore_conflicts, tuple(returning), alias)
    params: list[Any] = []
    for obj in objs:
        for field in fields:
            value = field.pre_save(obj, True)
            if hasattr(value, "resolve_expression"):
                raise TypeError(f"{model.__name__}.{field.name}: insert() takes values only")
            params.append(field.get_db_prep_save(value, connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [tuple(row) for row in cursor.fetchall()] if returned else []
    if not ignore_conflicts:  # every row was written, in order
        key = returned.index(model._meta.pk) if model._meta.pk in returned else None
        for n, obj in enumerate(objs):
            if key is not None:
                obj.pk = rows[n][key]
            obj._state.adding = False
            obj._state.db = alias
    return rows
