"""The hall board PDF: every service of the hall with its ticket letter and its windows,
read back with pdftotext."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from mithaq.walkin.models import Counter
from mithaq.walkin.testing import hall_world

ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts" / "screenshots"
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler missing")


def test_board_lists_letters_services_and_windows(client, org, tmp_path):
    world = hall_world(org)
    # A closed window is not on the board.
    Counter.objects.filter(hall__code=world["hall"], number=2).update(is_active=False)
    response = client.get(reverse("walkin:board", args=[world["hall"]]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "hall-board.pdf").write_bytes(response.content)
    path = tmp_path / "board.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    # Transcripts (A) at windows 1 and 3; the graduation letter (B) at 1, 2 and 3, but 2 is
    # closed. The rows in their order: A before B.
    bare = "".join(text.split())  # pdftotext drops the thin spaces around the dots
    assert bare.count("1·3") == 2 and "1·2·3" not in bare
    assert text.index("كشف الدرجات") < text.index("تأييد تخرج")
    assert text.index("A\n") < text.index("B\n")
    assert "Transcript" in text and "Graduation letter" in text


def test_board_of_an_unknown_hall_is_404(client, org):
    assert client.get(reverse("walkin:board", args=["nowhere"])).status_code == 404
