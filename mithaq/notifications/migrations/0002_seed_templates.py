"""Once seeded the message templates from the defaults. The defaults are files now
(notifications/defaults.py) and a MessageTemplate row is only the office's override, so a new
database starts with none; the rows an older database got here are kept (each says what its
default said, until the office edits it or restores the default)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
