"""pg_trgm for the close-text suggestions (PostgreSQL), and a registry record for every case
that has none: one pass over the cases, grouped in Python, then one UPDATE per person."""

from django.db import migrations


def trigram_extension(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Citizen = apps.get_model("citizens", "Citizen")
    rows = (
        Case.objects.filter(citizen__isnull=True)
        .order_by("created_at", "id")
        .values_list(
            "pk",
            "citizen_phone",
            "citizen_national_id",
            "citizen_name",
            "citizen_email",
            "citizen_group",
            "citizen_language",
            "created_at",
        )
    )
    people: dict[str, dict] = {}
    by_phone: dict[str, str] = {}
    for pk, phone, national_id, name, email, group, language, at in rows.iterator(2000):
        key = f"id:{national_id}" if national_id else by_phone.get(phone, f"phone:{phone}")
        if phone and phone not in by_phone:
            by_phone[phone] = key
        person = people.setdefault(
            key,
            {"phone": phone, "national_id": national_id, "cases": [], "created_at": at},
        )
        # The latest case's details win, as at submission.
        person.update(
            name=name, email=email or person.get("email", ""), group=group, language=language
        )
        person["phone"] = phone or person["phone"]
        person["updated_at"] = at
        person["cases"].append(pk)
    for person in people.values():
        cases = person.pop("cases")
        citizen = Citizen.objects.create(**person)
        for start in range(0, len(cases), 500):
            Case.objects.filter(pk__in=cases[start : start + 500]).update(citizen=citizen)


class Migration(migrations.Migration):
    dependencies = [
        ("citizens", "0001_initial"),
        ("cases", "0006_case_citizen_case_merged_into"),
    ]

    operations = [
        migrations.RunPython(trigram_extension, migrations.RunPython.noop),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
