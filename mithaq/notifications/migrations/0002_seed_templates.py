"""Seed the office's editable message templates from the defaults Mithaq ships."""

from django.db import migrations


def seed(apps, schema_editor):
    from mithaq.notifications.defaults import all_defaults

    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    existing = set(MessageTemplate.objects.values_list("event_key", "channel", "language"))
    MessageTemplate.objects.bulk_create(
        [
            MessageTemplate(event_key=e, channel=c, language=lang, subject=s, body=b)
            for e, c, lang, s, b in all_defaults()
            if (e, c, lang) not in existing
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
