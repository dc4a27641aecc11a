"""WhatsApp senders known by the keyed hash of their number (mithaq.common.crypto), no longer
by its plain SHA-256: a phone number has few enough digits that a plain digest is the number
to anyone who tries them all. The old digests cannot be converted (the numbers are not kept),
so they are emptied: a service window opened in the day before the upgrade is forgotten, and
a reply in it goes as a template, the safe side. One-way."""

from django.db import migrations


def forget_plain_digests(apps, schema_editor):
    inbound = apps.get_model("intake", "WhatsAppInbound")
    inbound.objects.using(schema_editor.connection.alias).exclude(sender="").update(sender="")


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0006_letter_and_whatsapp_sender"),
    ]

    operations = [
        migrations.RunPython(forget_plain_digests, migrations.RunPython.noop, elidable=False),
    ]
