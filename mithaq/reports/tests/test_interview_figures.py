"""The pack's interviews and field-visits sections against a November 2026 of known
requests and visits, every expected value counted by hand from the table below.

| request | official (unit)   | received | slot          | outcome                           |
| R1      | president (uni)   | 28 Oct   | Tue 3 Nov     | held 3 Nov, one decision -> case  |
| R2      | president (uni)   | 2 Nov    | Tue 10 Nov    | no-show                           |
| R3      | dean (eng)        | 5 Nov    | Tue 17 Nov    | held, no decision                 |
| R4      | president (uni)   | 20 Nov   | -             | sent to civil engineering 22 Nov  |
| R5      | president (uni)   | 25 Nov   | Tue 1 Dec     | (December)                        |
| R6      | president (uni)   | 2 Dec    | -             | (December)                        |
The dean's office records one interview held 12 Nov after the fact, and one of 29 Oct.
Visits: eng 10 Nov scored 4 and 2 with one finding; med-surgery 20 Nov not scored; eng 3 Dec
scored 5."""

import datetime

import pytest

from mithaq.accounts.models import Membership, Role
from mithaq.interviews import records, services, visits
from mithaq.interviews.models_visits import ChecklistTemplate
from mithaq.interviews.testing import REQUEST, make_official
from mithaq.reports import figures, tables
from mithaq.reports.periods import monthly

from .fixture import BAGHDAD

NOW = datetime.datetime(2026, 12, 6, 9, tzinfo=BAGHDAD)


def at(month, day, hour=9, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=BAGHDAD)


@pytest.fixture
def november(org, settings):
    settings.MITHAQ_OFFICE_PHONE = "+9647801234567"
    office = org.office_manager
    president = make_official(org)
    dean = make_official(org, username="dean", unit=org.college_a, name="عميد الهندسة")

    def ask(official, unit, when):
        return services.submit_request(official=official, unit=unit, now=when, **REQUEST)

    def book(row, slot, when):
        return services.schedule_request(request=row, starts_at=slot, actor=office, now=when)

    def held(row, slot, decisions=()):
        services.record_meeting(
            request=row,
            actor=office,
            attendees="-",
            asked="-",
            said="-",
            decisions=decisions,
            now=slot + datetime.timedelta(minutes=30),
        )

    r1 = book(ask(president, org.root, at(10, 28)), at(11, 3, 10), at(10, 28))
    held(
        r1,
        at(11, 3, 10),
        [services.DecisionInput("مراجعة", org.dept_a, datetime.date(2026, 11, 20))],
    )
    r2 = book(ask(president, org.root, at(11, 2)), at(11, 10, 10), at(11, 2))
    services.record_no_show(request=r2, actor=office, now=at(11, 10, 11))
    r3 = book(ask(dean, org.college_a, at(11, 5)), at(11, 17, 10), at(11, 5))
    held(r3, at(11, 17, 10))
    r4 = ask(president, org.root, at(11, 20))
    services.refer_request(request=r4, unit=org.dept_a, actor=office, now=at(11, 22))
    r5 = ask(president, org.root, at(11, 25))
    book(r5, at(12, 1, 10), at(11, 25))
    ask(president, org.root, at(12, 2))

    dean_office = Membership.objects.get(user=dean, role=Role.OFFICIAL)
    for day, month in ((datetime.date(2026, 11, 12), 11), (datetime.date(2026, 10, 29), 10)):
        records.add_recorded_interview(
            membership=dean_office,
            month=datetime.date(2026, month, 1),
            held_on=day,
            citizen_name="مراجع",
            subject="-",
            outcome="",
            actor=org.manager_college_a,
            now=at(11, 30),
        )

    template = ChecklistTemplate.objects.get(name="زيارة ميدانية لتقييم الخدمات")

    def visit(unit, day, scores):
        row = visits.plan_visit(
            unit=unit,
            template=template,
            planned_for=day,
            team="-",
            scope="",
            actor=office,
            now=at(10, 1),
        )
        items = list(row.scores.all())
        if scores:
            visits.score_visit(
                visit=row, scores={items[i].pk: (s, "") for i, s in enumerate(scores)}, now=NOW
            )
        return row

    eng = visit(org.college_a, datetime.date(2026, 11, 10), [4, 2])
    visits.add_finding(
        visit=eng,
        text="لا يوجد صندوق",
        unit=org.dept_a,
        due_date=datetime.date(2026, 12, 1),
        actor=office,
        now=at(11, 10, 12),
    )
    visit(org.dept_b, datetime.date(2026, 11, 20), [])
    visit(org.college_a, datetime.date(2026, 12, 3), [5])
    return org


def test_the_institutions_interviews_of_the_month(november):
    pack = figures.pack_figures(monthly(2026, 11), None, now=NOW)
    assert pack["current"]["interviews"] == {
        "available": True,
        "received": 4,  # R2 R3 R4 R5
        "held": 2,  # R1 R3
        "no_shows": 1,  # R2
        "no_show_share": 0.3333,
        "referred_as_cases": 1,  # R4
        "decisions_opened_as_cases": 1,  # R1's
        "recorded_after_the_fact": 1,  # 12 November
    }
    assert pack["current"]["field_visits"] == {
        "available": True,
        "visits": 2,
        "scored": 1,
        "average_score": 3.0,
        "findings": 1,
    }
    # October: R1 received, the 29 October interview recorded; nothing held.
    october = pack["previous"]["interviews"]
    assert (october["received"], october["held"], october["recorded_after_the_fact"]) == (1, 0, 1)


def test_a_colleges_pack_counts_its_officials_and_its_visits(november):
    pack = figures.pack_figures(monthly(2026, 11), november.college_a, now=NOW)
    current = pack["current"]
    assert current["interviews"] == {
        "available": True,
        "received": 1,
        "held": 1,
        "no_shows": 0,
        "no_show_share": 0.0,
        "referred_as_cases": 0,
        "decisions_opened_as_cases": 0,
        "recorded_after_the_fact": 1,
    }
    assert current["field_visits"] == {
        "available": True,
        "visits": 1,
        "scored": 1,
        "average_score": 3.0,
        "findings": 1,
    }


def test_the_packs_tables_show_the_two_sections(november):
    pack = figures.pack_figures(monthly(2026, 11), None, now=NOW)
    shown = {t.key: t for t in tables.pack_tables(pack)}
    assert [row[1] for row in shown["interviews"].rows] == [4, 2, 1, 0.3333, 1, 1, 1]
    assert shown["field_visits"].rows[0][1:] == [2, 0, 0]
    # No survey was answered this month: the satisfaction table counts none and shows no
    # figure (at least five answers make one).
    assert shown["satisfaction"].rows[0][1] == 0
    assert all(row[1] is None for row in shown["satisfaction"].rows[1:])


def test_the_pdf_and_the_workbook_carry_the_interviews(november, tmp_path):
    import io
    import shutil
    import subprocess

    import openpyxl
    from django.utils import translation

    from mithaq.reports import render

    pack = figures.pack_figures(monthly(2026, 11), None, now=NOW)
    with translation.override("en"):
        book = openpyxl.load_workbook(io.BytesIO(render.xlsx(pack, number="X", language="en")))
        pdf = render.pdf(pack, number="MONTHLY-2026-11-ALL-V1", language="en", now=NOW)
    sheet = book["Interviews"]
    assert [sheet["A2"].value, sheet["B2"].value, sheet["C2"].value] == ["Requests received", 4, 1]
    assert book["Field visits"]["B2"].value == 2
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Meeting decisions opened as cases" in text and "Findings opened as cases" in text
    line = next(x for x in text.splitlines() if "Requests received" in x)
    assert line.split()[-3:] == ["4", "1", "0"]
