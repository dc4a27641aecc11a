"""The demo's service catalogue: fifteen real services or more across units, each with
documents, fees in dinars and steps, in Arabic and English."""

import io
from decimal import Decimal

from django.core.management import call_command

from mithaq.catalog.models import Fee, Service, ServiceVersion

NAMED = {
    "transcript",
    "graduation-documents",
    "enrolment-certificate",
    "certificate-equivalence",
    "college-transfer",
    "fee-refund",
    "id-card-replacement",
}


def test_fifteen_services_across_units_have_a_version_in_effect(demo):
    with_version = [s for s in Service.objects.select_related("unit") if s.version_on()]
    assert len(with_version) >= 15
    assert len({s.unit_id for s in with_version}) >= 4
    assert NAMED <= {s.code for s in with_version}
    for service in with_version:
        version = service.version_on()
        assert version.documents.exists() and version.steps.exists(), service.code
        for row in [*version.documents.all(), *version.steps.all()]:
            assert all(
                getattr(row, f"{name}_ar") and getattr(row, f"{name}_en")
                for name in (("name",) if hasattr(row, "name_ar") else ("text",))
            )


def test_fees_are_dinars_and_the_transcript_costs_25000(demo):
    assert set(Fee.objects.values_list("currency", flat=True)) == {"IQD"}
    transcript = Service.objects.get(code="transcript").version_on()
    assert [f.amount for f in transcript.fees.all()] == [Decimal("25000")]


def test_a_second_run_adds_no_version(demo):
    before = ServiceVersion.objects.count()
    call_command("load_demo", force=True, stdout=io.StringIO())
    assert ServiceVersion.objects.count() == before
