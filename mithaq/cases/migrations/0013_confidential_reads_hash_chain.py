"""The reads of confidential identities become an append-only hash chain: each row keeps the
previous row's hash and its own; the rows already written are chained in their order."""

import datetime
import hashlib
import json

import django.db.models.deletion
from django.db import migrations, models

GENESIS = "0" * 64


def read_hash(prev_hash, case_id, user_id, at):
    # A copy of cases.models.read_hash as it stands at this migration.
    moment = at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    canonical = json.dumps([prev_hash, case_id, user_id, moment], separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def chain_existing_rows(apps, schema_editor):
    ConfidentialRead = apps.get_model("cases", "ConfidentialRead")
    prev_hash = GENESIS
    rows = ConfidentialRead.objects.order_by("id").values_list("id", "case_id", "user_id", "at")
    for pk, case_id, user_id, at in rows.iterator(chunk_size=2000):
        row_hash = read_hash(prev_hash, case_id, user_id, at)
        ConfidentialRead.objects.filter(pk=pk).update(prev_hash=prev_hash, row_hash=row_hash)
        prev_hash = row_hash


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_merge_languages"),
    ]

    operations = [
        migrations.AddField(
            model_name="confidentialread",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="confidentialread",
            name="row_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="confidentialread",
            name="case",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="confidential_reads",
                to="cases.case",
            ),
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
    ]
