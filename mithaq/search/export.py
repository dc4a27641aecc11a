"""The inbox's current filter as a spreadsheet: CSV (UTF-8 with a BOM, streamed) or XLSX
(right-to-left for Arabic; typed cells: dates as dates, counts as numbers, every text a text
cell, so phones keep their + and nothing is read as a formula without a quote before it; a
styled, frozen, filterable header and set widths). Identities are masked where the person
may not see them, and no cell can start a formula."""

import csv
import datetime
import io

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

from mithaq.cases.models import ConfidentialRead
from mithaq.cases.search import sees_every_identity
from mithaq.cases.states import Channel, CitizenGroup, ClosureCode, Kind, State
from mithaq.common.phones import mask_phone
from mithaq.routing.models import CaseClock

EXPORT_LIMIT = 50_000
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_COLUMNS = (
    "code", "created_at", "kind", "state", "channel", "unit__name_ar", "unit__name_en",
    "service__name_ar", "service__name_en", "assignee__full_name", "assignee__username",
    "subject", "citizen_name", "citizen_phone", "citizen_email", "citizen_national_id",
    "citizen_group", "identity_confidential", "received_by_id", "is_urgent", "due_at",
    "closed_at", "closure_code", "external_reference", "letter_number", "head_count",
)  # fmt: skip
# Characters wide, per column, in the order of headers().
_WIDTHS = (12, 17, 14, 16, 14, 26, 26, 20, 40, 22, 17, 26, 16, 18, 8, 17, 17, 18, 18, 16, 10, 12)


def safe_cell(value) -> str:
    """A cell's text that no spreadsheet evaluates: a leading =, +, -, @, tab or CR gets a
    quote before it."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def headers() -> list[str]:
    return [
        _("Reference"),
        _("Received"),
        _("Kind"),
        _("State"),
        _("Channel"),
        _("Unit"),
        _("Service"),
        _("Assigned to"),
        _("Subject"),
        _("Citizen"),
        _("Phone"),
        _("Email"),
        _("National ID"),
        _("Group"),
        _("Urgent"),
        _("Expected by"),
        _("Closed"),
        _("Closure code"),
        _("External reference"),
        _("Letter number"),
        _("Number of people"),
        _("Deadline breached"),
    ]


def _when(value) -> datetime.datetime | None:
    """A moment as the institution's wall-clock time, without a zone (spreadsheets keep none)."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


class _Rows:
    def __init__(self, access):
        self.user_id = access.user.pk
        self.all_identities = sees_every_identity(access)
        self.arabic = (get_language() or "ar").startswith("ar")
        self.labels = {
            name: {v: str(label) for v, label in choices}
            for name, choices in (
                ("kind", Kind.choices),
                ("state", State.choices),
                ("channel", Channel.choices),
                ("group", CitizenGroup.choices),
                ("closure", ClosureCode.choices),
            )
        }
        self.yes, self.hidden = _("yes"), _("Confidential")

    def identity_shown(self, r: dict) -> bool:
        return (
            not r["identity_confidential"]
            or self.all_identities
            or r["received_by_id"] == self.user_id
        )

    def row(self, r: dict) -> list[str]:
        """The row as CSV text, every cell formula-safe."""
        return [safe_cell(_text(value)) for value in self.values(r)]

    def values(self, r: dict) -> list:
        """The row's typed values: text, moments (local, naive) and counts."""
        L = self.labels
        name = "name_ar" if self.arabic else "name_en"
        if self.identity_shown(r):
            citizen = (r["citizen_name"], r["citizen_phone"], r["citizen_email"])
            national_id = r["citizen_national_id"]
        else:
            citizen = (self.hidden, mask_phone(r["citizen_phone"]), "")
            national_id = ""
        assignee = r["assignee__full_name"] or r["assignee__username"] or ""
        cells = [
            r["code"],
            _when(r["created_at"]),
            L["kind"].get(r["kind"], r["kind"]),
            L["state"].get(r["state"], r["state"]),
            L["channel"].get(r["channel"], r["channel"]),
            r[f"unit__{name}"] or r["unit__name_ar"],
            r[f"service__{name}"] or r["service__name_ar"] or "",
            assignee,
            r["subject"],
            *citizen,
            national_id,
            L["group"].get(r["citizen_group"], r["citizen_group"]),
            self.yes if r["is_urgent"] else "",
            _when(r["due_at"]),
            _when(r["closed_at"]),
            L["closure"].get(r["closure_code"], r["closure_code"]),
            r["external_reference"],
            r["letter_number"],
            r["head_count"],
            self.yes if r["breached"] else "",
        ]
        return [value if value is not None else "" for value in cells]


def log_identity_reads(queryset, access) -> None:
    """An export that names citizens who asked for confidentiality is a read of each of them
    (as opening the case would be)."""
    confidential = queryset.filter(identity_confidential=True)
    if not sees_every_identity(access):
        confidential = confidential.filter(received_by=access.user)
    ids = list(confidential.values_list("pk", flat=True)[:EXPORT_LIMIT])
    now = timezone.now()
    ConfidentialRead.objects.bulk_create(
        [ConfidentialRead(case_id=pk, user=access.user, at=now) for pk in ids]
    )


def _records(queryset):
    breached = CaseClock.objects.filter(case=OuterRef("pk"), breached_at__isnull=False)
    return (
        queryset.annotate(breached=Exists(breached))
        .values(*_COLUMNS, "breached")[:EXPORT_LIMIT]
        .iterator(chunk_size=2000)
    )


class _Echo:
    def write(self, value):
        return value


def csv_stream(queryset, access):
    """Lines of CSV, the first one starting with a BOM so that Excel reads UTF-8 Arabic."""
    rows = _Rows(access)
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers())
    for record in _records(queryset):
        yield writer.writerow(rows.row(record))


def xlsx_bytes(queryset, access) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    rows = _Rows(access)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("Cases")[:31])
    sheet.sheet_view.rightToLeft = get_language_bidi()
    titles = headers()
    for number, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(titles))}1"
    bold, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="0F6B5C")
    wrap = Alignment(vertical="center", wrap_text=True)

    def header_cell(title):
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font, cell.fill, cell.alignment = bold, fill, wrap
        return cell

    def cell(value):
        made = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            # A text cell, never a formula (openpyxl reads a leading = as one): no quote needed,
            # so a phone keeps its + and a subject its first character.
            made.data_type = "s"
        elif isinstance(value, datetime.datetime):
            made.number_format = "yyyy-mm-dd hh:mm"
        return made

    sheet.append([header_cell(title) for title in titles])
    for record in _records(queryset):
        sheet.append([cell(value) for value in rows.values(record)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
