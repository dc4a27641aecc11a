from django.db import migrations

import mithaq.common.crypto
from mithaq.common.crypto import clear_writes, rewrite_rows


def encrypt(apps, schema_editor):
    """Existing rows encrypted with the first of MITHAQ_FIELD_KEYS (kept in clear when there
    is none) and their search hashes filled, in batches (mithaq.common.crypto.rewrite_rows)."""
    rewrite_rows(apps.get_model("walkin", "Ticket"), using=schema_editor.connection.alias)


def decrypt(apps, schema_editor):
    """Back: the values written in clear again (the keys that wrote them must still be set)."""
    with clear_writes():
        rewrite_rows(apps.get_model("walkin", "Ticket"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("walkin", "0005_rating_tablets_as_devices"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="phone_hash",
            field=mithaq.common.crypto.SearchHashField(db_index=True, kind="phone", source="phone"),
        ),
        migrations.AlterField(
            model_name="ticket",
            name="phone",
            field=mithaq.common.crypto.EncryptedCharField(
                blank=True, max_length=20, verbose_name="phone"
            ),
        ),
        migrations.RunPython(encrypt, decrypt, elidable=False),
    ]
