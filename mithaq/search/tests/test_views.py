"""Saved filters, bulk actions and exports, through HTTP as each persona."""

import csv
import datetime
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from mithaq.cases import services
from mithaq.cases.models import Case, CaseEvent, ConfidentialRead
from mithaq.cases.services.bulk import BULK_LIMIT, run_bulk
from mithaq.cases.states import EventKind, State
from mithaq.routing.models import CaseClock
from mithaq.search.export import safe_cell
from mithaq.search.models import SavedFilter
from mithaq.testing import make_case

# --- Saved filters ----------------------------------------------------------------------


def test_save_a_filter_and_find_it_listed(org, login):
    client = login(org.officer_a)
    searched = client.post(reverse("cases:inbox"), {"q": "كشف", "state": "open"})
    key = parse_qs(urlsplit(searched["Location"]).query)["s"][0]
    response = client.post(
        reverse("search:filters"),
        # The inbox's own address, as the page hands it over: the search by its key.
        {"name": "  شكاوى مفتوحة ", "query": f"?state=open&s={key}&page=3&evil=1&q=x"},
    )
    assert response.status_code == 303
    saved = SavedFilter.objects.get(user=org.officer_a)
    assert saved.name == "شكاوى مفتوحة"
    # Stored with the search's text (no page, nothing unknown, no q from the address).
    assert saved.query == "state=open&q=%D9%83%D8%B4%D9%81"
    assert response["Location"] == reverse("cases:inbox") + f"?s={key}&state=open"
    page = client.get(reverse("search:filters"))
    assert "شكاوى مفتوحة" in page.content.decode()


def test_saving_again_under_the_same_name_replaces_it(org, login):
    client = login(org.officer_a)
    client.post(reverse("search:filters"), {"name": "a", "query": "state=open"})
    client.post(reverse("search:filters"), {"name": "a", "query": "state=closed"})
    assert list(SavedFilter.objects.values_list("query", flat=True)) == ["state=closed"]


def test_saving_without_a_name_or_filter_is_refused(org, login):
    client = login(org.officer_a)
    response = client.post(reverse("search:filters"), {"name": "", "query": "state=open"})
    assert response.status_code == 400
    response = client.post(reverse("search:filters"), {"name": "x", "query": "page=2"})
    assert response.status_code == 400
    assert "Choose some filters" in response.content.decode() or response.context["form"].errors
    assert not SavedFilter.objects.exists()


def test_others_saved_filters_are_neither_listed_nor_deletable(org, login):
    mine = SavedFilter.objects.create(user=org.officer_b, name="سري", query="state=open")
    client = login(org.officer_a)
    assert "سري" not in client.get(reverse("search:filters")).content.decode()
    response = client.post(reverse("search:delete_filter", args=[mine.pk]))
    assert response.status_code == 404
    assert SavedFilter.objects.filter(pk=mine.pk).exists()
    login(org.officer_b).post(reverse("search:delete_filter", args=[mine.pk]))
    assert not SavedFilter.objects.filter(pk=mine.pk).exists()


# --- Bulk actions -----------------------------------------------------------------------


@pytest.fixture
def three(org):
    a1 = make_case(org)
    a2 = make_case(org, subject="ثانية")
    b1 = make_case(org, unit=org.dept_b)
    return a1, a2, b1


def test_bulk_assign_does_what_it_may_and_reports_the_rest(org, login, three):
    a1, a2, b1 = three
    services.close_case(case=a2, actor=org.office_manager, closure_code="answered")
    client = login(org.officer_a)
    response = client.post(
        reverse("search:bulk"),
        {
            "bulk-action": "assign",
            "bulk-cases": [a1.code, a2.code, b1.code, "NONE-XXXX"],
            "bulk-assignee": org.officer_a.pk,
            "bulk-back": "state=open&q=x&s=AbCdEfGh12",
        },
        follow=True,
    )
    a1.refresh_from_db()
    b1.refresh_from_db()
    assert a1.assignee == org.officer_a
    assert b1.assignee is None
    text = response.content.decode()
    # Back to the same inbox: its search by key, never a text from the form.
    assert response.redirect_chain[0][0].endswith("?state=open&s=AbCdEfGh12")
    assert "1" in text and a2.code in text and b1.code in text and "NONE-XXXX" in text


def test_bulk_refer_needs_a_reason_and_refers_each_case(org, login, three):
    a1, a2, _b1 = three
    client = login(org.officer_a)
    response = client.post(
        reverse("search:bulk"),
        {"bulk-action": "refer", "bulk-cases": [a1.code, a2.code], "bulk-to_unit": org.dept_b.pk},
    )
    assert response.status_code == 400
    assert Case.objects.get(pk=a1.pk).unit == org.dept_a
    client.post(
        reverse("search:bulk"),
        {
            "bulk-action": "refer",
            "bulk-cases": [a1.code, a2.code],
            "bulk-to_unit": org.dept_b.pk,
            "bulk-reason": "من اختصاص الجراحة",
        },
    )
    assert set(Case.objects.filter(pk__in=[a1.pk, a2.pk]).values_list("unit", flat=True)) == {
        org.dept_b.pk
    }
    assert CaseEvent.objects.filter(kind=EventKind.REFERRED, body="من اختصاص الجراحة").count() == 2


def test_bulk_close_is_skipped_for_officers_and_done_by_managers(org, three):
    a1, a2, _b1 = three
    outcome = run_bulk(org.officer_a, action="close", codes=[a1.code], closure_code="answered")
    assert outcome.done == [] and outcome.skipped[0][0] == a1.code
    outcome = run_bulk(
        org.manager_college_a, action="close", codes=[a1.code, a2.code], closure_code="answered"
    )
    assert outcome.done == [a1.code, a2.code]
    assert set(Case.objects.filter(pk__in=[a1.pk, a2.pk]).values_list("state", flat=True)) == {
        State.CLOSED
    }


def test_bulk_selection_is_capped(org, login):
    client = login(org.office_manager)
    codes = [f"AAAA-{i:04d}" for i in range(BULK_LIMIT + 1)]
    response = client.post(
        reverse("search:bulk"),
        {"bulk-action": "close", "bulk-cases": codes, "bulk-closure_code": "answered"},
    )
    assert response.status_code == 400


def test_auditor_has_no_bulk_actions(org, login, three):
    a1, _a2, _b1 = three
    response = login(org.auditor).post(
        reverse("search:bulk"),
        {"bulk-action": "close", "bulk-cases": [a1.code], "bulk-closure_code": "answered"},
    )
    assert response.status_code == 404
    assert Case.objects.get(pk=a1.pk).state != State.CLOSED


# --- Export -------------------------------------------------------------------------------


def _csv(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_formula_cells_are_quoted():
    for value in ("=HYPERLINK(1)", "+964", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(value) == "'" + value
    assert safe_cell("أحمد") == "أحمد" and safe_cell(None) == ""


def test_csv_export_follows_the_filter_and_access(org, login):
    mine = make_case(org, subject="=CMD|' /C calc'!A0", citizen_name="@evil")
    make_case(org, subject="أخرى", body="لا علاقة")
    make_case(org, unit=org.dept_b, subject="=CMD|' /C calc'!A0")
    client = login(org.officer_a)
    searched = client.post(reverse("cases:inbox"), {"q": "CMD"})
    query = searched["Location"].split("?", 1)[1]
    response = client.get(reverse("search:export", args=["csv"]) + "?" + query)
    assert response["Content-Disposition"].startswith('attachment; filename="mithaq-cases-')
    rows = _csv(response)
    assert len(rows) == 2  # the header and unit A's one match
    assert rows[1][0] == mine.code
    assert rows[1][8].startswith("'=") and rows[1][9] == "'@evil"
    assert rows[1][10] == "'+9647701234567"


def test_export_masks_confidential_identity_and_logs_permitted_reads(org, login):
    secret = make_case(org, citizen_name="نور الهدى", identity_confidential=True)
    rows = _csv(login(org.officer_a).get(reverse("search:export", args=["csv"])))
    row = next(r for r in rows if r[0] == secret.code)
    assert "نور" not in ",".join(row) and "4567" not in row[10] and row[11] == ""
    assert not ConfidentialRead.objects.exists()
    rows = _csv(login(org.office_manager).get(reverse("search:export", args=["csv"])))
    row = next(r for r in rows if r[0] == secret.code)
    assert row[9] == "نور الهدى"
    assert ConfidentialRead.objects.filter(case=secret, user=org.office_manager).count() == 1


def test_xlsx_export_is_right_to_left_in_arabic(org, login):
    from openpyxl import load_workbook

    case = make_case(org, subject="+1 طلب")
    client = login(org.officer_a)
    client.cookies["django_language"] = "ar"
    response = client.get(reverse("search:export", args=["xlsx"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet.sheet_view.rightToLeft
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "الرقم المرجعي"  # the headers in the language of the request
    # A text cell: no quote needed before the +, and never a formula.
    assert values[1][0] == case.code and values[1][8] == "+1 طلب"
    assert sheet.cell(row=2, column=9).data_type == "s"


def test_xlsx_export_types_its_cells_and_styles_its_header(org, login, settings):
    """Phones as text with their +, dates as dates, counts as numbers, a formula-looking
    subject kept as text; the header bold on the brand colour, frozen, filterable, with set
    widths; the office's columns: external reference, letter number, head count and whether
    a deadline was breached. Expected values written out here."""
    case = make_case(
        org,
        subject="=HYPERLINK(1)",
        is_collective=True,
        head_count=7,
        letter_number="٤٥/ك",
    )
    Case.objects.filter(pk=case.pk).update(external_reference="EG-2026-1")
    clock = CaseClock.objects.filter(case=case).first()
    CaseClock.objects.filter(pk=clock.pk).update(breached_at=clock.due_at)
    quiet = make_case(org, subject="عادي")
    client = login(org.officer_a)
    client.cookies["django_language"] = "en"
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("search:export", args=["xlsx"])).content)
    ).active
    header = [c.value for c in sheet[1]]
    assert header[-4:] == [
        "External reference",
        "Letter number",
        "Number of people",
        "Deadline breached",
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:V1"
    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb == "000F6B5C"
    assert sheet.column_dimensions["I"].width == 40
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    row = rows[case.code]
    assert (row[8].value, row[8].data_type) == ("=HYPERLINK(1)", "s")
    assert (row[10].value, row[10].data_type) == ("+9647701234567", "s")
    assert (
        isinstance(row[1].value, datetime.datetime) and row[1].number_format == "yyyy-mm-dd hh:mm"
    )
    # Baghdad's wall clock (UTC+3), the institution's zone in the test settings.
    received = (case.created_at + datetime.timedelta(hours=3)).replace(tzinfo=None)
    assert abs(row[1].value - received) < datetime.timedelta(milliseconds=1)
    assert [c.value for c in row[-4:]] == ["EG-2026-1", "٤٥/ك", 7, "yes"]
    assert [c.value for c in rows[quiet.code][-2:]] == [1, None]


def test_unknown_export_format_is_404(org, login):
    assert login(org.officer_a).get(reverse("search:export", args=["pdf"])).status_code == 404


@pytest.mark.parametrize(
    ("language", "limit"), [("en", "50,000"), ("fr", "50\xa0000"), ("es", "50\xa0000")]
)
def test_the_export_limit_is_grouped_as_the_language_writes_it(org, login, language, limit):
    client = login(org.officer_a)
    client.cookies["django_language"] = language
    page = client.get(reverse("cases:inbox")).content.decode()
    assert f"<bdi>{limit}</bdi>" in page
