"""The default working calendar (Friday–Saturday weekend, Sunday–Thursday 08:00–14:00,
Iraq's fixed public holidays and the Hijri feasts of 2025–2030) and the charter's default
commitments and escalation steps. The office edits all of it in the admin."""

import datetime

from django.conf import settings
from django.db import migrations

ANNUAL = [
    (1, 1, "رأس السنة الميلادية", "New Year's Day"),
    (1, 6, "عيد الجيش", "Army Day"),
    (3, 21, "عيد نوروز", "Nowruz"),
    (5, 1, "عيد العمال", "Labour Day"),
    (7, 14, "ذكرى ثورة 14 تموز", "Republic Day"),
    (10, 3, "العيد الوطني", "National Day"),
    (12, 25, "عيد الميلاد المجيد", "Christmas Day"),
]
# target -> (amount, unit) for every kind, and for urgent distress appeals.
DEFAULT = {
    "acknowledgement": (1, "days"),
    "first_reply": (3, "days"),
    "decision": (10, "days"),
    "resolution": (15, "days"),
}
URGENT = {
    "acknowledgement": (2, "hours"),
    "first_reply": (6, "hours"),
    "decision": (2, "days"),
    "resolution": (3, "days"),
}
# target -> [(offset in working hours, who)]
STEPS = {
    "acknowledgement": [(-2, "assignee"), (0, "unit_manager"), (6, "office_manager")],
    "first_reply": [(-4, "assignee"), (0, "unit_manager"), (6, "parent_manager")],
    "decision": [
        (-6, "assignee"),
        (0, "unit_manager"),
        (0, "citizen"),
        (6, "parent_manager"),
        (12, "office_manager"),
    ],
    "resolution": [
        (-6, "assignee"),
        (0, "unit_manager"),
        (0, "citizen"),
        (6, "parent_manager"),
        (12, "office_manager"),
    ],
}


def seed(apps, schema_editor):
    from mithaq.routing.hijri import FEAST_NAMES, hijri_holidays

    WorkingCalendar = apps.get_model("routing", "WorkingCalendar")
    WorkingHours = apps.get_model("routing", "WorkingHours")
    AnnualHoliday = apps.get_model("routing", "AnnualHoliday")
    Holiday = apps.get_model("routing", "Holiday")
    Commitment = apps.get_model("routing", "Commitment")
    EscalationStep = apps.get_model("routing", "EscalationStep")

    calendar = WorkingCalendar.objects.create(
        name="التقويم الرسمي", time_zone=settings.TIME_ZONE, is_active=True
    )
    for weekday in (6, 0, 1, 2, 3):  # Sunday to Thursday
        WorkingHours.objects.create(
            calendar=calendar, weekday=weekday, opens=datetime.time(8), closes=datetime.time(14)
        )
    for month, day, name_ar, name_en in ANNUAL:
        AnnualHoliday.objects.create(
            calendar=calendar, month=month, day=day, name_ar=name_ar, name_en=name_en
        )
    names = {str(k): v for k, v in FEAST_NAMES.items()}
    for year in range(2025, 2031):
        for h in hijri_holidays(year):
            Holiday.objects.get_or_create(
                calendar=calendar,
                hijri_key=h.key,
                defaults={
                    "date": h.date,
                    "computed_date": h.date,
                    "name_ar": names[h.feast][0],
                    "name_en": names[h.feast][1],
                },
            )
    for urgent, table in ((False, DEFAULT), (True, URGENT)):
        for target, (amount, unit) in table.items():
            Commitment.objects.create(
                target=target, kind="", urgent=urgent, amount=amount, unit=unit
            )
    for target, steps in STEPS.items():
        for offset, who in steps:
            EscalationStep.objects.create(target=target, offset_hours=offset, recipient=who)


class Migration(migrations.Migration):
    dependencies = [("routing", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
