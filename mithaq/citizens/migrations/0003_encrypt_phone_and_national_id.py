from django.conf import settings
from django.db import migrations, models

import mithaq.common.crypto
from mithaq.common.crypto import clear_writes, rewrite_rows


def encrypt(apps, schema_editor):
    """Existing rows encrypted with the first of MITHAQ_FIELD_KEYS (kept in clear when there
    is none) and their search hashes filled, in batches (mithaq.common.crypto.rewrite_rows)."""
    rewrite_rows(apps.get_model("citizens", "Citizen"), using=schema_editor.connection.alias)


def decrypt(apps, schema_editor):
    """Back: the values written in clear again (the keys that wrote them must still be set)."""
    with clear_writes():
        rewrite_rows(apps.get_model("citizens", "Citizen"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("citizens", "0002_backfill_citizens"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="citizen",
            name="citizen_national_id_unique",
        ),
        migrations.RemoveConstraint(
            model_name="citizen",
            name="citizen_has_a_key",
        ),
        migrations.AddField(
            model_name="citizen",
            name="national_id_hash",
            field=mithaq.common.crypto.SearchHashField(kind="national_id", source="national_id"),
        ),
        migrations.AddField(
            model_name="citizen",
            name="phone_hash",
            field=mithaq.common.crypto.SearchHashField(db_index=True, kind="phone", source="phone"),
        ),
        migrations.AlterField(
            model_name="citizen",
            name="national_id",
            field=mithaq.common.crypto.EncryptedCharField(
                blank=True, max_length=30, verbose_name="national ID"
            ),
        ),
        migrations.AlterField(
            model_name="citizen",
            name="phone",
            field=mithaq.common.crypto.EncryptedCharField(
                blank=True, max_length=20, verbose_name="phone"
            ),
        ),
        migrations.RunPython(encrypt, decrypt, elidable=False),
        migrations.AddConstraint(
            model_name="citizen",
            constraint=models.UniqueConstraint(
                condition=models.Q(("national_id_hash", ""), _negated=True),
                fields=("national_id_hash",),
                name="citizen_national_id_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="citizen",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("phone_hash", ""), _negated=True),
                    models.Q(("national_id_hash", ""), _negated=True),
                    _connector="OR",
                ),
                name="citizen_has_a_key",
            ),
        ),
    ]
