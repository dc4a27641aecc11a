"""The hall poster of a service: read back with pdftotext (Arabic shaped, then English),
in A4 and A3."""

import datetime
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from mithaq.catalog.models import (
    Actor,
    DocumentForm,
    Fee,
    RequiredDocument,
    ServiceStep,
    ServiceVersion,
)

ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts" / "screenshots"
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler missing")


@pytest.fixture
def poster_service(org):
    v = ServiceVersion.objects.create(
        service=org.service_a, effective_from=datetime.date(2020, 1, 1)
    )
    RequiredDocument.objects.create(
        version=v,
        position=1,
        name_ar="هوية الطالب الجامعية",
        name_en="University ID card",
        form=DocumentForm.ORIGINAL,
    )
    RequiredDocument.objects.create(
        version=v,
        position=2,
        name_ar="صورة شخصية ملونة",
        name_en="Colour photograph",
        form=DocumentForm.COPY,
        count=2,
    )
    Fee.objects.create(
        version=v,
        label_ar="رسم إصدار الكشف",
        label_en="Transcript fee",
        amount=Decimal("25000"),
        currency="IQD",
    )
    ServiceStep.objects.create(
        version=v,
        position=1,
        actor=Actor.APPLICANT,
        text_ar="قدّم الطلب عند الشباك",
        text_en="Hand in the request at the window",
    )
    return org.service_a


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "sign.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.mark.parametrize("size", ["a4", "a3"])
def test_poster_reads_back_arabic_then_english(client, poster_service, tmp_path, size):
    response = client.get(reverse("catalogue:signage", args=[poster_service.code]), {"size": size})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"signage-{size}.pdf").write_bytes(pdf)
    text = text_of(pdf, tmp_path)
    for expected in [
        "كشف الدرجات",
        "Transcript",
        "هوية الطالب الجامعية",
        "University ID card",
        "Colour photograph",
        "25,000",
        "دينار عراقي",
        "Iraqi dinar",
        "Transcript fee",
        "المستمسكات المطلوبة",
        "Documents to bring",
        "Hand in the request at the window",
    ]:
        assert expected in text, expected
    # Arabic first, English beneath.
    assert text.index("هوية الطالب الجامعية") < text.index("University ID card")


def test_poster_page_sizes_differ(client, poster_service, tmp_path):
    sizes = {}
    for size in ("a4", "a3"):
        path = tmp_path / f"{size}.pdf"
        path.write_bytes(
            client.get(
                reverse("catalogue:signage", args=[poster_service.code]), {"size": size}
            ).content
        )
        info = subprocess.run(
            ["pdfinfo", str(path)], check=True, capture_output=True, text=True
        ).stdout
        sizes[size] = next(line for line in info.splitlines() if line.startswith("Page size"))
    # A4 is 595 x 842 points, A3 842 x 1191.
    assert "595.276 x 841.89" in sizes["a4"]
    assert "841.89 x 1190.55" in sizes["a3"]


def test_unknown_size_or_service_is_404(client, poster_service):
    url = reverse("catalogue:signage", args=[poster_service.code])
    assert client.get(url, {"size": "a0"}).status_code == 404
    assert client.get(reverse("catalogue:signage", args=["nope"])).status_code == 404
