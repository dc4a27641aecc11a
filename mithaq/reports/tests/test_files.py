"""The pack's files read back: the PDF with pdftotext (Arabic in logical order) and as PNG
pages (saved under artifacts/screenshots/ to be looked at), the workbook with openpyxl."""

import datetime
import io
import subprocess
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation

from mithaq.reports import figures, render, tables
from mithaq.reports.periods import monthly

from . import fixture

NOW = datetime.datetime(2026, 12, 6, 9, tzinfo=fixture.BAGHDAD)
SCREENSHOTS = Path(__file__).resolve().parents[3] / "artifacts" / "screenshots"


@pytest.fixture
def pack(org):
    codes = fixture.build(org)
    return codes, figures.pack_figures(monthly(2026, 11), None, now=NOW)


def _readable(text: str) -> str:
    """`text` as pdftotext prints it: poppler writes the two letters of each lam-alef
    ligature (لا لأ لإ لآ) in visual order (ال أل); every other letter in logical order."""
    for alef in "اأإآ":
        text = text.replace("ل" + alef, alef + "ل")
    return text


def _pdf(data, language, tmp_path) -> tuple[str, Path]:
    with translation.override(language):
        content = render.pdf(data, number="MONTHLY-2026-11-ALL-V1", language=language, now=NOW)
    path = tmp_path / f"pack-{language}.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob(f"report-pdf-{language}-*.png"):
        old.unlink()
    (SCREENSHOTS / f"report-{language}.txt").write_text(text)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(path), str(SCREENSHOTS / f"report-pdf-{language}")],
        check=True,
    )
    return text, path


def test_arabic_pdf_reads_back_in_logical_order(pack, tmp_path):
    codes, data = pack
    text, path = _pdf(data, "ar", tmp_path)
    assert path.read_bytes().startswith(b"%PDF")
    for heading in (
        "تقرير مكتب شؤون المواطنين",
        "المعاملات بإيجاز",
        "المعاملات الواردة حسب النوع والقناة",
        "الالتزام بالميثاق حسب كل التزام",
        "قاعة المراجعين",
        "الرضا",
        "الزيارات الميدانية",
    ):
        assert _readable(heading) in text, heading
    assert "MONTHLY-2026-11-ALL-V1" in text
    assert codes["E"] in text  # the re-entry list, by reference
    assert fixture.CONFIDENTIAL_NAME not in text
    # Page n of m, by CSS counters.
    pages = int(
        subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
        .stdout.split("Pages:")[1]
        .split()[0]
    )
    assert pages >= 2
    assert "صفحة" in text and f"من \u202a{pages}" in text
    # The charts' titles and labels come out as words, in logical order.
    assert _readable("المعاملات الواردة في الأشهر الاثني عشر الأخيرة") in text
    assert _readable("المعاملات الواردة حسب القناة") in text


def test_english_pdf_on_request(pack, tmp_path):
    _codes, data = pack
    text, _path = _pdf(data, "en", tmp_path)
    assert "Cases at a glance" in text
    assert "Report of the citizens' affairs office" in text
    assert "Page 1 of" in text


def test_a_long_reentry_list_is_cut_in_the_pdf_and_whole_in_the_workbook(
    pack, tmp_path, monkeypatch
):
    codes, data = pack
    # The fixture's list is E H L (test_figures); at most two are printed.
    monkeypatch.setattr(tables, "LISTED_ROWS", 2)
    text, _path = _pdf(data, "en", tmp_path)
    assert codes["E"] in text and codes["H"] in text and codes["L"] not in text
    assert "The first 2 of 3 cases; the workbook lists them all." in " ".join(text.split())
    with translation.override("en"):
        book = openpyxl.load_workbook(io.BytesIO(render.xlsx(data, number="X", language="en")))
    [reentry] = [book[n] for n in book.sheetnames if n.startswith("Closed cases")]
    assert [r[0] for r in reentry.iter_rows(min_row=2, values_only=True)] == [
        codes["E"],
        codes["H"],
        codes["L"],
    ]


def test_workbook_has_a_sheet_per_table_with_numbers_and_dates(pack):
    codes, data = pack
    with translation.override("ar"):
        content = render.xlsx(data, number="X", language="ar")
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert "المعاملات بإيجاز" in book.sheetnames
    summary = book["المعاملات بإيجاز"]
    assert summary.sheet_view.rightToLeft is True
    assert summary.freeze_panes == "A2"
    assert summary.auto_filter.ref.startswith("A1:D")
    assert summary["A1"].font.bold
    # Received in November: 6, in October: 4 (test_figures counts them by hand).
    assert [summary["B2"].value, summary["C2"].value] == [6, 4]
    assert isinstance(summary["B2"].value, int)
    index = [r for r in summary.iter_rows(values_only=True) if r[0] == "مؤشر الإنجاز"][0]
    assert index[1] == 0.5
    [reentry] = [book[n] for n in book.sheetnames if n.startswith("المعاملات المغلقة")]
    rows = list(reentry.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [codes["E"], codes["H"], codes["L"]]
    assert rows[0][3] == datetime.datetime(2026, 11, 5)  # noqa: DTZ001 (a spreadsheet date)
    assert reentry["D2"].number_format == "yyyy-mm-dd"
    # Interviews: a count of none in each period (the fixture has no request).
    assert [c.value for c in book["المقابلات"][2]][1:] == [0, 0, 0]
    # The survey's sheet: the fixture has no answer, so a count of none in each period.
    satisfaction = book["الرضا"]
    assert [c.value for c in satisfaction[2]] == ["الإجابات", 0, 0, 0]


def test_english_workbook_reads_left_to_right(pack):
    _codes, data = pack
    with translation.override("en"):
        content = render.xlsx(data, number="X", language="en")
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book["Cases at a glance"].sheet_view.rightToLeft is False


def test_workbook_lists_thousands_of_cases_still_to_enter(pack):
    """A large office's re-entry list (thousands of cases: the bench's month has 34,000)
    is written whole, each row where it belongs, its date a date, the filter over all."""
    _codes, data = pack
    listed = [
        {
            "code": f"C-{i:05d}",
            "kind": "complaint",
            "unit_code": "x",
            "unit_name_ar": "وحدة",
            "unit_name_en": "Unit",
            "closed_on": (datetime.date(2026, 11, 1) + datetime.timedelta(days=i % 30)).isoformat(),
        }
        for i in range(3000)
    ]
    big = {**data, "current": {**data["current"], "reentry": {"missing": 3000, "cases": listed}}}
    with translation.override("en"):
        book = openpyxl.load_workbook(io.BytesIO(render.xlsx(big, number="X", language="en")))
    [sheet] = [book[n] for n in book.sheetnames if n.startswith("Closed cases")]
    rows = list(sheet.iter_rows(min_row=2, max_row=3001, values_only=True))
    assert [r[0] for r in rows] == [f"C-{i:05d}" for i in range(3000)]
    assert rows[2999][3] == datetime.datetime(2026, 11, 30)  # noqa: DTZ001 (a spreadsheet date)
    assert sheet["D3001"].number_format == "yyyy-mm-dd"
    assert sheet.auto_filter.ref == "A1:D3001"
    assert sheet.max_row == 3001
