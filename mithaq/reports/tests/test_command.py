"""manage.py build_report: a file for a good period, a clear message and a non-zero status
for a bad one."""

import io
import subprocess

import openpyxl
import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from . import fixture


def test_builds_a_pdf_and_a_spreadsheet(org, tmp_path):
    fixture.build(org)
    pdf = tmp_path / "nov.pdf"
    out = io.StringIO()
    call_command(
        "build_report",
        "--period=monthly:2026-11",
        "--language=ar",
        "--format=pdf",
        f"--output={pdf}",
        stdout=out,
    )
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "6 cases received" in out.getvalue()
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "MONTHLY-2026-11-ALL" in text
    xlsx = tmp_path / "eng.xlsx"
    call_command(
        "build_report",
        "--period=monthly:2026-11",
        "--unit=eng",
        "--language=en",
        "--format=xlsx",
        f"--output={xlsx}",
        stdout=io.StringIO(),
    )
    book = openpyxl.load_workbook(xlsx)
    # College A received A, E, L (civil) and K (electrical): 4 (test_figures).
    assert book["Cases at a glance"]["B2"].value == 4


def test_an_empty_period_gives_zeros(org, tmp_path):
    xlsx = tmp_path / "march.xlsx"
    call_command(
        "build_report",
        "--period=monthly:2026-03",
        "--format=xlsx",
        "--language=en",
        f"--output={xlsx}",
        stdout=io.StringIO(),
    )
    sheet = openpyxl.load_workbook(xlsx)["Cases at a glance"]
    assert [sheet.cell(row=r, column=2).value for r in range(2, 12)] == [0] * 10


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--period=monthly:2999-01"], "has not started yet"),
        (["--period=monthly:2026-13"], "is not a period"),
        (["--period=nonsense"], "is not a period"),
        (["--period=monthly:2026-11", "--unit=nowhere"], "No unit has the code"),
    ],
)
def test_bad_input_is_refused_with_a_message(org, tmp_path, arguments, message):
    output = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match=message):
        call_command("build_report", *arguments, "--language=en", f"--output={output}")
    assert not output.exists()


def test_exit_status_is_not_zero(org, tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(
            [
                "manage.py",
                "build_report",
                "--period=monthly:2999-01",
                "--language=en",
                f"--output={tmp_path / 'x.pdf'}",
            ]
        )
    assert exited.value.code == 1
    assert "The period monthly:2999-01 has not started yet." in capsys.readouterr().err
