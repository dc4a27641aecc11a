"""Each decided event keeps its decision and each closed event its closure code and external
reference; the audit page's indexes of confidential reads."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q, Subquery


def attribute_outcomes(apps, schema_editor):
    """Events written before these columns carried no outcome. The case still holds its
    latest one: it belongs to the case's last decided (or closed) event when nothing reopened
    (or merged) the case after it. Outcomes a reopening cleared were lost; those events stay
    blank, and the pages show only their text."""
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")

    def last(kind, undone_by):
        later = CaseEvent.objects.filter(case=OuterRef("case"), kind__in=[kind, *undone_by]).filter(
            Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk"))
        )
        return CaseEvent.objects.filter(kind=kind).filter(~Exists(later))

    def of_case(field):
        return Subquery(Case.objects.filter(pk=OuterRef("case_id")).values(field)[:1])

    last("decided", ["reopened"]).exclude(case__decision="").update(decision=of_case("decision"))
    last("closed", ["reopened", "merged"]).exclude(case__closure_code="").update(
        closure_code=of_case("closure_code"),
        external_system=of_case("external_system"),
        external_reference=of_case("external_reference"),
    )


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0006_case_citizen_case_merged_into"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="decision",
            field=models.CharField(blank=True, choices=[("accepted", "Accepted"), ("rejected", "Rejected")], max_length=10, verbose_name="decision"),
        ),
        migrations.AddField(
            model_name="caseevent",
            name="closure_code",
            field=models.CharField(blank=True, choices=[("answered", "Answered"), ("remedied", "Remedied"), ("rejected", "Rejected with reasons"), ("not_competent", "Outside the institution's competence"), ("withdrawn", "Withdrawn by the citizen"), ("no_response", "No response from the citizen"), ("duplicate", "Duplicate"), ("noted", "Noted (suggestion or praise)")], max_length=20, verbose_name="closure code"),
        ),
        migrations.AddField(
            model_name="caseevent",
            name="external_system",
            field=models.CharField(blank=True, choices=[("eg_unified", "Egypt: unified government complaints system"), ("iq_ecitizen", "Iraq: electronic citizen programme"), ("other", "Other government system")], max_length=20, verbose_name="external system"),
        ),
        migrations.AddField(
            model_name="caseevent",
            name="external_reference",
            field=models.CharField(blank=True, max_length=80, verbose_name="external reference"),
        ),
        migrations.AddIndex(
            model_name="confidentialread",
            index=models.Index(fields=["-at", "-id"], name="confread_at"),
        ),
        migrations.AddIndex(
            model_name="confidentialread",
            index=models.Index(fields=["user", "-at"], name="confread_user_at"),
        ),
        migrations.RunPython(attribute_outcomes, migrations.RunPython.noop, elidable=True),
    ]
