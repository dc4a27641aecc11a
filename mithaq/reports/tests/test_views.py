"""The Reports pages through HTTP: asking for a pack, reading it, signing it off, recording
a submission, and who may see which pack."""

import subprocess

import pytest
from django.urls import reverse

from mithaq.reports import services
from mithaq.reports.models import PackStatus, ReportPack
from mithaq.reports.periods import monthly

from . import fixture

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def immediate(settings):
    settings.TASKS = IMMEDIATE


def test_office_manager_builds_signs_off_and_submits(
    org, login, immediate, django_capture_on_commit_callbacks
):
    fixture.build(org)
    client = login(org.office_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:archive"), {"period": "monthly:2026-11", "unit": "", "language": "ar"}
        )
    pack = ReportPack.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:pack", args=[pack.pk]
    )
    page = client.get(reverse("reports:pack", args=[pack.pk]))
    assert page.status_code == 200
    assert "المعاملات بإيجاز" in page.content.decode()
    pdf = client.get(reverse("reports:download", args=[pack.pk, "pdf"]))
    assert pdf["Content-Disposition"].startswith("attachment")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    client.post(reverse("reports:sign_off", args=[pack.pk]), {"comment": "مطابق للسجلات"})
    pack.refresh_from_db()
    assert pack.status == PackStatus.SIGNED_OFF and pack.signed_off_by == org.office_manager
    client.post(
        reverse("reports:submit", args=[pack.pk]),
        {"recipient": "الوزارة", "way": "by_hand", "letter_number": ""},
    )
    assert not pack.submissions.exists()  # no letter number: nothing recorded
    client.post(
        reverse("reports:submit", args=[pack.pk]),
        {"recipient": "الوزارة", "way": "by_hand", "letter_number": "ش/77"},
    )
    assert pack.submissions.get().letter_number == "ش/77"
    archive = client.get(reverse("reports:archive")).content.decode()
    assert "ش/77" in archive and pack.number in archive


def test_a_future_period_is_refused_with_a_message(org, login, immediate):
    client = login(org.office_manager)
    response = client.post(
        reverse("reports:archive"), {"period": "monthly:2999-01", "unit": "", "language": "en"}
    )
    assert response.status_code == 400
    assert "لم تبدأ بعد" in response.content.decode()
    assert not ReportPack.objects.exists()


def test_unit_manager_reads_own_subtree_only(
    org, login, immediate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        own = services.request_pack(period=monthly(2026, 11), unit=org.dept_a, requested_by=None)
        other = services.request_pack(
            period=monthly(2026, 11), unit=org.college_b, requested_by=None
        )
    client = login(org.manager_college_a)
    assert client.get(reverse("reports:pack", args=[own.pk])).status_code == 200
    assert client.get(reverse("reports:pack", args=[other.pk])).status_code == 404
    assert client.get(reverse("reports:download", args=[other.pk, "xlsx"])).status_code == 404
    archive = client.get(reverse("reports:archive")).content.decode()
    assert own.number in archive and other.number not in archive
    # Reading is not building: the manager's request is refused.
    assert client.post(reverse("reports:archive"), {"period": "monthly:2026-11"}).status_code == 404
    assert client.post(reverse("reports:sign_off", args=[own.pk])).status_code == 404


def test_office_manager_uploads_the_logo_that_the_pdf_carries(org, login, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from mithaq.reports import figures, render
    from mithaq.testing import png_bytes

    client = login(org.office_manager)
    refused = client.post(
        reverse("reports:letterhead"),
        {"logo": SimpleUploadedFile("logo.png", b"%PDF-1.4 not an image", "image/png")},
    )
    assert refused.status_code == 400
    client.post(
        reverse("reports:letterhead"),
        {"logo": SimpleUploadedFile("logo.png", png_bytes(), "image/png")},
    )
    assert "data:image/png;base64," in client.get(reverse("reports:letterhead")).content.decode()
    data = figures.pack_figures(monthly(2026, 3), None)
    path = tmp_path / "r.pdf"
    path.write_bytes(render.pdf(data, number="N", language="ar", now=timezone.now()))
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert len(listing.strip().splitlines()) == 3  # two header lines, one image
