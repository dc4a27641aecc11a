"""The incoming letter's number and the external system's reference join the search document
of the cases that have them (new and closed cases add them as they are written)."""

from django.db import migrations

from mithaq.common.search_text import with_text_added


def add_references(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    with_references = Case.objects.exclude(letter_number="", external_reference="").only(
        "pk", "search_text", "letter_number", "external_reference"
    )
    for case in with_references.iterator(chunk_size=2000):
        text = case.search_text
        for reference in (case.letter_number, case.external_reference):
            if reference:
                text = with_text_added(text, reference)
        if text != case.search_text:
            Case.objects.filter(pk=case.pk).update(search_text=text)


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_model_names_in_arabic")]

    operations = [migrations.RunPython(add_references, migrations.RunPython.noop)]
