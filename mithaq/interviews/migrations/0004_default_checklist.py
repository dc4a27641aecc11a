from django.db import migrations

ITEMS = [
    "ميثاق الخدمة معلَّق في مكان ظاهر",
    "صندوق الشكاوى والمقترحات متوفر",
    "مكان الانتظار ملائم",
    "لوحات الخدمات تبيّن المستمسكات المطلوبة والرسوم",
]


def create(apps, schema_editor):
    Template = apps.get_model("interviews", "ChecklistTemplate")
    Item = apps.get_model("interviews", "ChecklistItem")
    template = Template.objects.create(name="زيارة ميدانية لتقييم الخدمات")
    for position, text in enumerate(ITEMS):
        Item.objects.create(template=template, text=text, position=position)


class Migration(migrations.Migration):
    dependencies = [("interviews", "0003_field_visits")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
