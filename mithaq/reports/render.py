"""A pack's files: the spreadsheet (openpyxl: one sheet per table, right-to-left in Arabic,
numbers as numbers, dates as dates, a styled frozen header with filters) and the PDF
(WeasyPrint from an HTML page, A4, page "n of m" by CSS counters, charts as inline SVG
bars with HTML labels, see charts.py). The PDF is set in DejaVu Sans, whose Arabic pdftotext
reads back in order; the variable Noto Sans Arabic the pages use came out of WeasyPrint's
subsetting with glyphs that map to no text (a PDF nobody can search or copy from)."""

import base64
import datetime
import io

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from mithaq.accounts.models import OrgUnit
from mithaq.common.dates import hijri

from . import charts
from .models import Letterhead
from .tables import Table, pack_tables, shortened

_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_NUMBER_FORMATS = {"int": "0", "num": "0.00", "pct": "0.0%", "date": "yyyy-mm-dd"}


def _sheet_title(title: str, used: set[str]) -> str:
    # Excel allows 31 characters and none of []:*?/\ in a sheet's name.
    clean = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"
    name, n = clean, 2
    while name in used:
        name = f"{clean[:28]} {n}"
        n += 1
    used.add(name)
    return name


def xlsx(figures: dict, *, number: str, language: str) -> bytes:
    """The pack as a workbook; the active language names its sheets and headers."""
    book = Workbook()
    book.remove(book.active)
    rtl = language == "ar"
    used: set[str] = set()
    for table in pack_tables(figures):
        sheet = book.create_sheet(_sheet_title(table.title, used))
        sheet.sheet_view.rightToLeft = rtl
        if not table.columns:
            sheet["A1"] = table.note
            sheet.column_dimensions["A"].width = max(20, len(table.note) + 4)
            continue
        sheet.append([c.label for c in table.columns])
        for cell in sheet[1]:
            cell.fill, cell.font = _HEADER_FILL, _HEADER_FONT
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        # Each cell by its row and column (a dictionary's look-up): sheet[sheet.max_row]
        # scans every cell written so far, which made a list of thousands of cases take
        # minutes (quadratic in its rows).
        for r, row in enumerate(table.rows):
            line = r + 2
            for c, value in enumerate(row):
                cell = sheet.cell(row=line, column=c + 1, value=value)
                fmt = table.format_of(r, c)
                if fmt in _NUMBER_FORMATS and value is not None:
                    cell.number_format = _NUMBER_FORMATS[fmt]
                if c == 0 and table.depths:
                    cell.alignment = Alignment(indent=table.depths[r])
        sheet.freeze_panes = "A2"
        last = get_column_letter(len(table.columns))
        sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
        for i, column in enumerate(table.columns, start=1):
            values = [column.label, *(row[i - 1] for row in table.rows)]
            longest = max(len(str(v)) for v in values if v is not None)
            wide = longest + 4 if column.format == "text" else max(12, len(column.label) + 2)
            sheet.column_dimensions[get_column_letter(i)].width = min(60, wide)
        if table.note:
            sheet.cell(row=len(table.rows) + 3, column=1, value=table.note)
    book.properties.title = number
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def display(value, fmt: str) -> str:
    """A cell as the PDF prints it."""
    if value is None:
        return "–"
    if fmt == "pct":
        return f"{formats.number_format(value * 100, 1)}%"
    if fmt == "num":
        return formats.number_format(value, 2)
    if fmt == "date" and isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def cells(table: Table) -> list[list[str]]:
    return [
        [display(value, table.format_of(r, c)) for c, value in enumerate(row)]
        for r, row in enumerate(table.rows)
    ]


def pdf_html(figures: dict, *, number: str, language: str, now: datetime.datetime) -> str:
    tables = [shortened(t) for t in pack_tables(figures)]
    today = now.date()
    context = {
        "number": number,
        "language": language,
        "direction": "rtl" if language == "ar" else "ltr",
        "institution": _institution_name(language),
        "figures": figures,
        "period_first": datetime.date.fromisoformat(figures["first_day"]),
        "period_last": datetime.date.fromisoformat(figures["last_day"]),
        "issued": today,
        "issued_hijri": hijri(today),
        "tables": [
            {"table": t, "rows": list(zip(cells(t), t.depths or [0] * len(t.rows), strict=True))}
            for t in tables
        ],
        "charts": charts.pack_charts(figures),
        "logo": logo_data_uri(),
    }
    return render_to_string("reports/pack.pdf.html", context)


def logo_data_uri() -> str:
    """The uploaded logo, inlined in the page (WeasyPrint then needs no file access)."""
    row = Letterhead.objects.filter(pk=1).exclude(logo="").first()
    if row is None:
        return ""
    with row.logo.open("rb") as handle:
        data = base64.b64encode(handle.read()).decode()
    return f"data:{row.content_type};base64,{data}"


def _institution_name(language: str) -> str:
    root = OrgUnit.objects.filter(parent=None).order_by("path").first()
    if settings.MITHAQ_INSTITUTION_NAME:
        return settings.MITHAQ_INSTITUTION_NAME
    if root is None:
        return ""
    return root.name_ar if language == "ar" else root.name_en


def pdf(figures: dict, *, number: str, language: str, now: datetime.datetime) -> bytes:
    from weasyprint import HTML

    html = pdf_html(figures, number=number, language=language, now=now)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
