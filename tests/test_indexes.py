"""The indexes of the tables every case writes (the case, its events, clocks and deadline, its
messages, the citizen's record): each index is one more entry to write on every insert, so
none is kept that another index already serves, or that no lookup uses.

Read from PostgreSQL's catalogue, as migrated: an index another one starts with, a second
index for LIKE on a column only ever compared whole, and a foreign key, empty on most rows,
indexed over all of them (mithaq.common.indexes) each fail here."""

import pytest
from django.db import connection

from mithaq.cases.models import Case, CaseEvent
from mithaq.citizens.models import Citizen
from mithaq.notifications.models import Message
from mithaq.routing.models import CaseClock, CaseDeadline

pytestmark = [
    pytest.mark.site,
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's catalogue"),
]

MODELS = [Case, CaseEvent, CaseClock, CaseDeadline, Message, Citizen]
# Columns found by their beginning (LIKE 'prefix%'), which a plain btree cannot serve.
PREFIX_SEARCHED = {("notifications_message", "dedupe_key")}
# Foreign keys set on most rows, whose full index is right.
MOSTLY_SET = {("cases_case", "unit_id"), ("cases_case", "citizen_id")}


def _indexes(table: str) -> list[dict]:
    """Each index of `table`: its name, its key columns in order (None where a column is an
    expression; INCLUDE columns left out), their operator classes, whether it is partial, unique or the primary key."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname,
                   ARRAY(SELECT a.attname FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(n, o)
                         LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n
                         WHERE k.o <= x.indnkeyatts ORDER BY k.o),
                   ARRAY(SELECT c.opcname FROM unnest(x.indclass::oid[]) WITH ORDINALITY k(c, o)
                         JOIN pg_opclass c ON c.oid = k.c ORDER BY k.o),
                   x.indpred IS NOT NULL, x.indisunique, x.indisprimary, am.amname
              FROM pg_index x
              JOIN pg_class i ON i.oid = x.indexrelid
              JOIN pg_class t ON t.oid = x.indrelid
              JOIN pg_am am ON am.oid = i.relam
             WHERE t.relname = %s
            """,
            [table],
        )
        return [
            {
                "name": name,
                "columns": list(columns),
                "opclasses": list(opclasses),
                "partial": partial,
                "unique": unique,
                "primary": primary,
                "method": method,
            }
            for name, columns, opclasses, partial, unique, primary, method in cursor.fetchall()
        ]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_no_index_is_the_beginning_of_another(model):
    table = model._meta.db_table
    btrees = [
        i
        for i in _indexes(table)
        if i["method"] == "btree" and None not in i["columns"] and not i["partial"]
    ]
    redundant = [
        (shorter["name"], longer["name"])
        for shorter in btrees
        for longer in btrees
        if shorter is not longer
        and not shorter["unique"]
        and len(shorter["columns"]) < len(longer["columns"])
        and longer["columns"][: len(shorter["columns"])] == shorter["columns"]
        and longer["opclasses"][: len(shorter["opclasses"])] == shorter["opclasses"]
    ]
    assert redundant == []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_no_like_index_but_on_a_column_searched_by_its_beginning(model):
    table = model._meta.db_table
    like = [
        (i["name"], column)
        for i in _indexes(table)
        for column, opclass in zip(i["columns"], i["opclasses"], strict=True)
        if opclass.endswith("_pattern_ops") and (table, column) not in PREFIX_SEARCHED
    ]
    assert like == []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_a_foreign_key_empty_on_most_rows_is_indexed_only_where_set(model):
    table = model._meta.db_table
    indexes = _indexes(table)
    full = []
    for field in model._meta.concrete_fields:
        if not field.is_relation or field.primary_key or (table, field.column) in MOSTLY_SET:
            continue
        led = [i for i in indexes if i["columns"] and i["columns"][0] == field.column]
        assert led, f"{table}.{field.column} has no index to find its rows by (on_delete)"
        # A partial index beside the full one Django adds unless db_index=False is not enough.
        if field.null and any(not i["partial"] and len(i["columns"]) == 1 for i in led):
            full.append(f"{table}.{field.column}")
    assert full == []


@pytest.mark.parametrize(
    ("model", "column", "index"),
    [
        (CaseEvent, "actor_id", "event_actor_set"),
        (Case, "received_by_id", "case_received_by_set"),
        (Message, "user_id", "message_user_set"),
    ],
)
def test_a_lookup_by_a_key_uses_its_index_where_set(model, column, index):
    # What a lookup and Django's on_delete check ask: key = value, and key IN (...).
    with connection.cursor() as cursor:
        # As on a million rows: no reading of the whole table (the test's few rows would).
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert index in model.objects.filter(**{column: 7}).explain()
    assert index in model.objects.filter(**{f"{column}__in": [7, 8]}).explain()
