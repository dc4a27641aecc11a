"""The index on cases_case.citizen_national_id (0002) goes: the column now holds ciphertext
(cases 0017, mithaq.common.crypto), and an ID is found by its keyed hash, which has an index
of its own."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_case_search_indexes"),
        ("cases", "0017_encrypt_citizen_phone_and_national_id"),
    ]

    operations = [
        migrations.RunSQL(
            "DROP INDEX IF EXISTS case_national_id",
            "CREATE INDEX case_national_id ON cases_case (citizen_national_id)",
        ),
    ]
