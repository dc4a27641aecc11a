import mithaq.common.crypto
from django.db import migrations

from mithaq.common.crypto import HashKind, clear_writes, rewrite_rows, search_hash


def _phone_in_key_hashed(message):
    # "phone:<E.164>:<event>:<fingerprint>" (a walk-in ticket's SMS): the phone by its hash.
    kind, _sep, rest = message.dedupe_key.partition(":")
    if kind == "phone" and rest.startswith("+"):
        phone, _sep, tail = rest.partition(":")
        message.dedupe_key = f"phone:{search_hash(HashKind.PHONE, phone)}:{tail}"
    return ["dedupe_key"]


def encrypt(apps, schema_editor):
    """Existing rows encrypted with the first of MITHAQ_FIELD_KEYS (kept in clear when there
    is none) and their search hashes filled, in batches (mithaq.common.crypto.rewrite_rows);
    a dedupe key holding a phone holds its hash instead (one-way)."""
    alias = schema_editor.connection.alias
    rewrite_rows(
        apps.get_model("notifications", "Message"),
        using=alias,
        load=("dedupe_key",),
        also=_phone_in_key_hashed,
    )
    rewrite_rows(apps.get_model("notifications", "Attempt"), using=alias)


def decrypt(apps, schema_editor):
    """Back: the values written in clear again (the keys that wrote them must still be set)."""
    with clear_writes():
        for name in ("Message", "Attempt"):
            rewrite_rows(
                apps.get_model("notifications", name), using=schema_editor.connection.alias
            )


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0004_merge_0003_message_parts_0003_model_names_in_arabic'),
    ]

    operations = [
        migrations.AddField(
            model_name='message',
            name='address_hash',
            field=mithaq.common.crypto.SearchHashField(db_index=True, kind='address', source='address'),
        ),
        migrations.AlterField(
            model_name='attempt',
            name='address',
            field=mithaq.common.crypto.EncryptedCharField(blank=True, max_length=254),
        ),
        migrations.AlterField(
            model_name='message',
            name='address',
            field=mithaq.common.crypto.EncryptedCharField(blank=True, max_length=254),
        ),
        migrations.RunPython(encrypt, decrypt, elidable=False),
    ]
