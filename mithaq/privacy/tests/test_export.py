"""A person's export: the ZIP's JSON and PDF against cases made here, who may ask for it,
and the log of it."""

import io
import json
import logging
import subprocess
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mithaq.cases import services
from mithaq.cases.models import Case
from mithaq.cases.services.privacy import restrict_case
from mithaq.privacy.models import DataRequest, RequestKind
from mithaq.testing import PDF, make_case

NAME = "خديجة الراوي"
PHONE = "+9647709876543"


@pytest.fixture
def person(org):
    first = make_case(org, citizen_name=NAME, citizen_phone=PHONE, subject="شهادة التخرج متأخرة")
    services.reply_to_citizen(
        case=first,
        actor=org.officer_a,
        body="شهادتك جاهزة للاستلام",
        files=[SimpleUploadedFile("رد.pdf", PDF, content_type="application/pdf")],
    )
    services.add_note(case=first, actor=org.officer_a, body="ملاحظة داخلية للموظفين")
    second = make_case(
        org, unit=org.dept_b, citizen_name=NAME, citizen_phone=PHONE, subject="طلب تدريب"
    )
    other = make_case(org, citizen_name="شخص آخر", citizen_phone="+9647705550000")
    first.refresh_from_db()
    assert first.citizen_id == second.citizen_id != other.citizen_id
    return first.citizen, first, second


def _export(client, citizen):
    return client.post(reverse("privacy:export", args=[citizen.pk]))


def test_office_manager_exports_everything_held_as_a_zip(org, login, person, caplog):
    citizen, first, second = person
    caplog.set_level(logging.INFO, logger="mithaq.privacy")
    response = _export(login(org.office_manager), citizen)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"data.json", "summary.pdf"} <= names
    data = json.loads(archive.read("data.json"))
    assert data["person"]["name"] == NAME
    assert data["person"]["phone"] == PHONE
    assert {c["reference"] for c in data["cases"]} == {first.code, second.code}
    by_code = {c["reference"]: c for c in data["cases"]}
    texts = [e["text"] for e in by_code[first.code]["events"]]
    assert "شهادتك جاهزة للاستلام" in texts
    # Staff's internal note: listed as an event, its text not handed out.
    assert "ملاحظة داخلية للموظفين" not in json.dumps(data, ensure_ascii=False)
    assert [f["name"] for f in by_code[first.code]["files"]] == ["رد.pdf"]
    (stored,) = [n for n in names if n.startswith(f"files/{first.code}/")]
    assert archive.read(stored) == PDF
    # The messages sent to the person: at least the two acknowledgements and the reply.
    assert {m["reference"] for m in data["messages"]} == {first.code, second.code}
    assert any("شهادتك جاهزة" in m["text"] for m in data["messages"])
    assert "شخص آخر" not in json.dumps(data, ensure_ascii=False)
    # The PDF reads back with its Arabic.
    text = subprocess.run(
        ["pdftotext", "-", "-"],
        input=archive.read("summary.pdf"),
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert NAME in text
    assert first.code in text
    # Logged by ids, without the person's name or phone.
    row = DataRequest.objects.get(citizen=citizen, kind=RequestKind.EXPORT)
    assert row.requested_by == org.office_manager and row.done_at is not None
    lines = [r.getMessage() for r in caplog.records if r.name == "mithaq.privacy"]
    assert lines == [
        f"data export request={row.pk} citizen={citizen.pk} by={org.office_manager.pk}"
    ]
    assert not any(NAME in line or PHONE in line for line in lines)


@pytest.mark.parametrize("persona", ["officer_a", "officer_b", "reception", "auditor", "leader"])
def test_no_one_else_may_export(org, login, person, persona):
    citizen, _first, _second = person
    assert _export(login(getattr(org, persona)), citizen).status_code == 404
    assert not DataRequest.objects.exists()


def test_a_person_out_of_sight_answers_404(org, login, person):
    # The person's only cases are restricted to others: the office manager cannot see them.
    citizen, first, second = person
    for case in Case.objects.filter(citizen=citizen):
        restrict_case(case=case, actor=org.officer_a, people=[org.officer_a], now=case.created_at)
    client = login(org.office_manager)
    assert _export(client, citizen).status_code == 404
    assert client.get(reverse("privacy:person", args=[citizen.pk])).status_code == 404
    assert _export(client, type(citizen)(pk=citizen.pk + 999)).status_code == 404


def test_export_is_post_only(org, login, person):
    citizen, _first, _second = person
    client = login(org.office_manager)
    assert client.get(reverse("privacy:export", args=[citizen.pk])).status_code == 405
