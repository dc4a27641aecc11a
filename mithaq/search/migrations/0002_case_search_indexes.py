"""What search reads on the cases table: an index on the national ID (both databases); on
PostgreSQL a full-text index on the normalised search document and a trigram index on its
identity part (names, phone digits, ID: where typos happen) for the fuzzy fallback. Existing
cases get their search document.

The document is already normalised and cut into words by mithaq.common.search_text, so its
tsvector is made from its words as they are (array_to_tsvector) rather than by the text
parser (to_tsvector): the same lexemes, about fifteen times cheaper to compute, which is what
an index build over a million cases and every search's recheck pay."""

from django.db import migrations

from mithaq.search.migrations import STATISTICS_SQL

SEARCHED_EVENTS = ("replied", "citizen_responded")

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS case_search_fts ON cases_case USING gin "
    "(array_to_tsvector(array_remove(string_to_array("
    "translate(search_text, chr(31), ' '), ' '), '')))",
    "CREATE INDEX IF NOT EXISTS case_search_identity_trgm ON cases_case "
    "USING gin ((split_part(search_text, chr(31), 1)) gin_trgm_ops)",
    STATISTICS_SQL,
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS case_search_identity_trgm",
    "DROP INDEX IF EXISTS case_search_fts",
    # The extension stays: something else may have come to use it.
]


def postgres_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_FORWARD:
            schema_editor.execute(sql)


def drop_postgres_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_BACKWARD:
            schema_editor.execute(sql)


def backfill(apps, schema_editor):
    from mithaq.common.search_text import build_search_text

    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    last = 0
    while True:
        batch = list(Case.objects.filter(pk__gt=last).order_by("pk")[:2000])
        if not batch:
            return
        last = batch[-1].pk
        replies: dict[int, list[str]] = {}
        for case_id, body in (
            CaseEvent.objects.filter(case__in=batch, kind__in=SEARCHED_EVENTS)
            .order_by("at", "id")
            .values_list("case_id", "body")
        ):
            replies.setdefault(case_id, []).append(body)
        for case in batch:
            case.search_text = build_search_text(
                code=case.code,
                citizen_name=case.citizen_name,
                citizen_phone=case.citizen_phone,
                citizen_national_id=case.citizen_national_id,
                subject=case.subject,
                body=case.body,
                remedy_sought=case.remedy_sought,
                replies=replies.get(case.pk, ()),
            )
        Case.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_case_search_text"),
        ("search", "0001_saved_filters"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX case_national_id ON cases_case (citizen_national_id)",
            "DROP INDEX case_national_id",
        ),
        migrations.RunPython(postgres_indexes, drop_postgres_indexes),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
