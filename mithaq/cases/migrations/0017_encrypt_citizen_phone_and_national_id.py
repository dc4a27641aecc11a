from django.db import migrations

import mithaq.common.crypto
from mithaq.common.crypto import clear_writes, rewrite_rows
from mithaq.common.search_text import with_identity


def _name_only(case):
    case.search_text = with_identity(case.search_text, citizen_name=case.citizen_name)
    return ["search_text"]


def encrypt(apps, schema_editor):
    """Existing rows encrypted with the first of MITHAQ_FIELD_KEYS (kept in clear when there
    is none) and their search hashes filled, in batches (mithaq.common.crypto.rewrite_rows).
    The search document's identity part keeps the name only: the phone and the ID are
    found by their hashes from now on."""
    rewrite_rows(
        apps.get_model("cases", "Case"),
        using=schema_editor.connection.alias,
        load=("citizen_name", "search_text"),
        also=_name_only,
    )


def decrypt(apps, schema_editor):
    """Back: the values written in clear again (the keys that wrote them must still be set)."""
    with clear_writes():
        rewrite_rows(apps.get_model("cases", "Case"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0016_event_kinds_of_privacy_and_government"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="citizen_national_id_hash",
            field=mithaq.common.crypto.SearchHashField(
                db_index=True, kind="national_id", source="citizen_national_id"
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="citizen_phone_hash",
            field=mithaq.common.crypto.SearchHashField(
                db_index=True, kind="phone", source="citizen_phone"
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="citizen_national_id",
            field=mithaq.common.crypto.EncryptedCharField(
                blank=True, max_length=30, verbose_name="national ID"
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="citizen_phone",
            field=mithaq.common.crypto.EncryptedCharField(max_length=20, verbose_name="phone"),
        ),
        migrations.RunPython(encrypt, decrypt, elidable=False),
    ]
