"""The figures against the month of known cases (fixture.py), every expected value counted
by hand from the fixture's table."""

import datetime
import json
import subprocess

import pytest
from django.utils import translation

from mithaq.cases.services import close_case, file_grievance
from mithaq.cases.states import ClosureCode
from mithaq.reports import figures, render, tables
from mithaq.reports.periods import annual, monthly
from mithaq.routing.models import CaseClock, Target
from mithaq.surveys.services import Answer, answer_case_survey
from mithaq.testing import make_case

from . import fixture

NOW = datetime.datetime(2026, 12, 6, 9, tzinfo=fixture.BAGHDAD)


@pytest.fixture
def month(org):
    codes = fixture.build(org)
    pack = figures.pack_figures(monthly(2026, 11), None, now=NOW)
    return org, codes, pack


def test_volume_counts_each_case_once_in_the_institution_time_zone(month):
    _org, _codes, pack = month
    total = pack["current"]["volume"]["total"]
    # received A E H I K L; carried B D; completed D E H L; open at the end A B F I K;
    # reopened E F; entered D; still to enter E H L. G (merged) and J (December) are out.
    assert total == {
        "received": 6,
        "carried_over": 2,
        "completed": 4,
        "open_at_end": 5,
        "reopened": 2,
        "grievances": 0,
        "entered_external": 1,
        "missing_external": 3,
        "completion_index": 0.5,
    }


def test_volume_by_unit_reads_as_the_tree(month):
    org, _codes, pack = month
    rows = {r["code"]: r for r in pack["current"]["volume"]["units"]}
    assert list(rows) == ["uni", "office", "eng", "eng-civil", "eng-elec", "med", "med-surgery"]
    assert rows["eng-civil"]["own"] == {
        "received": 3,
        "carried_over": 0,
        "completed": 2,
        "open_at_end": 1,
        "reopened": 1,
        "grievances": 0,
        "entered_external": 0,
        "missing_external": 2,
    }
    college = rows["eng"]["subtree"]
    assert (college["received"], college["carried_over"], college["completed"]) == (4, 1, 2)
    assert (college["open_at_end"], college["completion_index"]) == (3, 0.4)
    assert rows["eng"]["own"]["received"] == 0
    surgery = rows["med"]["subtree"]
    assert (surgery["received"], surgery["carried_over"], surgery["completed"]) == (2, 1, 2)
    assert surgery["completion_index"] == round(2 / 3, 4)
    assert rows["office"]["own"]["reopened"] == 1
    assert rows["office"]["own"]["open_at_end"] == 1
    assert rows["eng"]["depth"] == 1 and rows["eng-civil"]["depth"] == 2


def test_received_by_kind_and_channel(month):
    _org, _codes, pack = month
    got = pack["current"]["received"]
    assert got["total"] == 6
    assert {k: n for k, n in got["by_kind"].items() if n} == {
        "complaint": 3,
        "service_request": 1,
        "suggestion": 1,
        "inquiry": 1,
    }
    assert {c: n for c, n in got["by_channel"].items() if n} == {
        "web": 3,
        "phone": 1,
        "letter": 1,
        "email": 1,
    }
    assert got["kind_channel"]["complaint"]["web"] == 2
    assert got["kind_channel"]["complaint"]["phone"] == 1
    assert got["kind_channel"]["inquiry"]["web"] == 1
    assert (got["urgent"], got["collective"], got["collective_head_count"]) == (1, 1, 12)
    rows = {r["code"]: r["subtree"] for r in got["units"]}
    assert rows["med-surgery"]["complaint"] == 1 and rows["med-surgery"]["service_request"] == 1


def test_working_days_to_acknowledge_and_close(month):
    _org, _codes, pack = month
    got = pack["current"]["times"]
    # Acknowledged in November (working hours 08–14, 6 h a day): A 2 h, E 1 h, E's second
    # round 6 h, H and L 13 h each (met by their closing).
    assert got["acknowledgement"] == {"count": 5, "median": 1.0, "p90": 2.17}
    # Resolved: D 15 days (20 Oct to 10 Nov), E 7 h and 6 h, H and L 13 h.
    assert got["resolution"] == {"count": 5, "median": 2.17, "p90": 15.0}
    assert got["first_reply"] == {"count": 0, "median": None, "p90": None}


def test_compliance_per_target_and_unit(month):
    _org, _codes, pack = month
    got = pack["current"]["compliance"]
    assert got["by_target"]["acknowledgement"] == {
        "on_time": 3,
        "late": 2,
        "past_due": 4,
        "rate": round(3 / 9, 4),
    }
    assert got["by_target"]["resolution"] == {
        "on_time": 4,
        "late": 0,
        "past_due": 5,
        "rate": round(4 / 9, 4),
    }
    assert got["total"]["on_time"] == 7 and got["total"]["past_due"] == 9
    rows = {r["code"]: r["own"] for r in got["units"]}
    assert rows["eng-civil"] == {"on_time": 6, "late": 1, "past_due": 1}
    assert rows["eng-elec"] == {"on_time": 0, "late": 0, "past_due": 4}
    assert rows["med-surgery"] == {"on_time": 1, "late": 1, "past_due": 2}
    assert rows["office"] == {"on_time": 0, "late": 0, "past_due": 2}


def test_grievances_filed_by_citizens_are_counted_apart_from_reopenings(month, tmp_path):
    org, _codes, _pack = month
    boss = org.office_manager

    def close(c, when):
        return close_case(case=c, actor=boss, closure_code=ClosureCode.ANSWERED, now=when)

    # M: received 3 Nov, closed 4 Nov, grievance 5 Nov, closed 8 Nov, grievance again 9 Nov
    # (open at the end, one case with a grievance). N: received 1 Oct, closed 29 Oct (closed
    # when November began: not carried over), grievance 2 Nov, closed again 10 Nov.
    m = make_case(org, unit=org.dept_a, now=fixture.at(11, 3, 9))
    close(m, fixture.at(11, 4, 10))
    file_grievance(case=m, grounds="لم يُحل الأمر", now=fixture.at(11, 5, 10))
    close(m, fixture.at(11, 8, 10))
    file_grievance(case=m, grounds="ما زال قائمًا", now=fixture.at(11, 9, 10))
    n = make_case(org, unit=org.dept_a2, now=fixture.at(10, 1, 9))
    close(n, fixture.at(10, 29, 10))
    file_grievance(case=n, grounds="أطلب المراجعة", now=fixture.at(11, 2, 10))
    close(n, fixture.at(11, 10, 10))

    pack = figures.pack_figures(monthly(2026, 11), None, now=NOW)
    total = pack["current"]["volume"]["total"]
    # By hand, the fixture's month and M and N: received + M; completed + N; open at the
    # end + M; reopened E F (by staff) M N (on a grievance); grievances M N; still to
    # enter + N.
    assert {f: total[f] for f in total if f != "completion_index"} == {
        "received": 7,
        "carried_over": 2,
        "completed": 5,
        "open_at_end": 6,
        "reopened": 4,
        "grievances": 2,
        "entered_external": 1,
        "missing_external": 4,
    }
    # October: N received and completed there, no grievance yet.
    october = pack["previous"]["volume"]["total"]
    assert (october["received"], october["completed"], october["grievances"]) == (5, 3, 0)
    rows = {r["code"]: r["own"] for r in pack["current"]["volume"]["units"]}
    assert rows["eng-civil"]["grievances"] == 1 and rows["eng-elec"]["grievances"] == 1

    with translation.override("en"):
        [summary] = [t for t in tables.pack_tables(pack) if t.key == "summary"]
        content = render.pdf(pack, number="T-1", language="en", now=NOW)
    got = {row[0]: row[1:] for row in summary.rows}
    assert got["Grievances filed by citizens"] == [2, 0, 0]
    assert got["Reopened cases"] == [4, 0, 0]
    path = tmp_path / "pack.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    [line] = [line for line in text.splitlines() if "Grievances filed by citizens" in line]
    assert line.split()[-3:] == ["2", "0", "0"]


def test_trend_counts_each_month_in_the_institution_time_zone(month):
    _org, _codes, pack = month
    got = {m["month"]: m["received"] for m in pack["current"]["trend"]["months"]}
    assert list(got)[0] == "2025-12" and list(got)[-1] == "2026-11" and len(got) == 12
    # By hand: October B (31 Oct 23:30 in Baghdad) C D F; November A E H I K L (G merged
    # into A, J received on 1 December at 01:00 in Baghdad); no case before October.
    assert got["2026-10"] == 4 and got["2026-11"] == 6
    assert sum(got.values()) == 10
    october = {m["month"]: m["received"] for m in pack["previous"]["trend"]["months"]}
    assert list(october)[-1] == "2026-10" and october["2026-10"] == 4
    assert sum(october.values()) == 4
    # A window on its own (the dashboard's): December counts J, from 1 December 00:00.
    december = figures.trend(figures.make_window(monthly(2026, 12), None, now=NOW))
    assert [m["received"] for m in december["months"]][-3:] == [4, 6, 1]


def _compliance_by_hand(window) -> dict:
    """compliance()'s rules counted in Python over every clock, one window at a time."""
    counts = {t: {"on_time": 0, "late": 0, "past_due": 0} for t in Target.values}
    for clock in CaseClock.objects.select_related("case"):
        if clock.case.merged_into_id is not None:
            continue
        if not (window.start <= clock.due_at < window.cutoff):
            continue
        if clock.met_at is None and clock.paused_at is not None:
            continue
        if clock.met_at is not None and clock.met_at <= clock.due_at:
            counts[clock.target]["on_time"] += 1
        elif clock.met_at is not None and clock.met_at < window.cutoff:
            counts[clock.target]["late"] += 1
        else:
            counts[clock.target]["past_due"] += 1
    return counts


def test_compliance_of_each_window_in_one_query_as_counted_one_by_one(month):
    """The pack's three windows in one grouped query, each judged at its own cutoff: the
    current month's December at 6 December (NOW), November at its end."""
    _org, _codes, _pack = month
    pack = figures.pack_figures(monthly(2026, 12), None, now=NOW)
    windows = {
        "current": figures.make_window(monthly(2026, 12), None, now=NOW),
        "previous": figures.make_window(monthly(2026, 11), None, now=NOW),
        "year_before": figures.make_window(monthly(2025, 12), None, now=NOW),
    }
    for name, window in windows.items():
        got = {
            t: {f: v for f, v in row.items() if f != "rate"}
            for t, row in pack[name]["compliance"]["by_target"].items()
        }
        assert got == _compliance_by_hand(window), name
    # November as test_compliance_per_target_and_unit counts it by hand.
    assert pack["previous"]["compliance"]["by_target"]["acknowledgement"]["on_time"] == 3
    assert pack["previous"]["compliance"]["total"]["past_due"] == 9
    # December to 6 December 09:00 by hand: J (received 1 December 01:00) was not
    # acknowledged by the close of the next working day (2 December 14:00): past due. Its
    # resolution and L's reopened round fall due on 6 December at 14:00, after NOW: not
    # judged yet.
    current = pack["current"]["compliance"]["total"]
    assert (current["on_time"], current["late"], current["past_due"]) == (0, 0, 1)


def test_an_annual_packs_previous_year_and_year_before_are_both_counted(month):
    """An annual pack's previous period and the same period a year before are one year
    (2026 for a 2027 pack): each gets that year's figures, as counted by hand, not one of
    them all and the other none."""
    _org, _codes, _pack = month
    later = datetime.datetime(2027, 2, 1, 9, tzinfo=fixture.BAGHDAD)
    pack = figures.pack_figures(annual(2027), None, now=later)
    year = figures.make_window(annual(2026), None, now=later)
    expected = _compliance_by_hand(year)
    assert sum(sum(row.values()) for row in expected.values()) > 0
    for name in ("previous", "year_before"):
        got = {
            t: {f: v for f, v in row.items() if f != "rate"}
            for t, row in pack[name]["compliance"]["by_target"].items()
        }
        assert got == expected, name
        assert pack[name]["times"] == figures.times(year), name
    assert pack["previous"]["times"]["acknowledgement"]["count"] > 0


def test_reentry_list_names_no_citizen(month):
    _org, codes, pack = month
    got = pack["current"]["reentry"]
    assert [c["code"] for c in got["cases"]] == [codes["E"], codes["H"], codes["L"]]
    assert [c["closed_on"] for c in got["cases"]] == ["2026-11-05", "2026-11-16", "2026-11-24"]
    text = json.dumps(pack, ensure_ascii=False)
    assert fixture.CONFIDENTIAL_NAME not in text
    assert "أحمد محمود" not in text


def test_previous_period_and_year_before(month):
    _org, _codes, pack = month
    october = pack["previous"]["volume"]["total"]
    # received B C D F; completed C F; open at the end B D.
    assert (october["received"], october["completed"], october["open_at_end"]) == (4, 2, 2)
    assert october["carried_over"] == 0
    assert pack["year_before"]["volume"]["total"]["received"] == 0
    assert pack["time_zone"] == "Asia/Baghdad"


def test_scope_is_the_unit_and_its_subtree(month):
    org, _codes, _pack = month
    pack = figures.pack_figures(monthly(2026, 11), org.college_a, now=NOW)
    total = pack["current"]["volume"]["total"]
    assert (total["received"], total["carried_over"], total["completed"]) == (4, 1, 2)
    assert [r["code"] for r in pack["current"]["volume"]["units"]] == [
        "eng",
        "eng-civil",
        "eng-elec",
    ]
    assert pack["current"]["received"]["urgent"] == 0


def test_sections_without_records_are_zeros_never_made_up(month):
    _org, _codes, pack = month
    # The survey's, interviews' and visits' sections are wired: a month without any has
    # counts of none and no figure.
    assert pack["current"]["satisfaction"]["answers"] == 0
    assert pack["current"]["satisfaction"]["satisfied_share"] is None
    assert pack["current"]["interviews"]["received"] == 0
    assert pack["current"]["interviews"]["held"] == 0
    assert pack["current"]["field_visits"]["visits"] == 0
    assert pack["current"]["field_visits"]["average_score"] is None
    # The interviews' and visits' figures against hand counts: test_interview_figures.py.
    with translation.override("en"):
        keys = [t.key for t in tables.pack_tables(pack)]
    assert "satisfaction" in keys


def _answered(org, unit, when, scores):
    """A case of `unit` closed and answered at `when` with (satisfaction, ease, resolved)."""
    satisfaction, effort, resolved = scores
    case = make_case(org, unit=unit, now=when)
    case = close_case(
        case=case, actor=org.office_manager, closure_code=ClosureCode.ANSWERED, now=when
    )
    answer_case_survey(
        case=case,
        answer=Answer(satisfaction=satisfaction, effort=effort, resolved=resolved),
        now=when + datetime.timedelta(hours=1),
    )


def test_satisfaction_section_comes_from_the_survey(org):
    # Five answers in November on college A's departments, one in October, one in
    # December, one in November on college B.
    november = [(5, 5, "yes"), (4, 3, "yes"), (3, 4, "partly"), (2, 2, "no"), (5, 4, "yes")]
    for day, scores in enumerate(november, start=3):
        _answered(org, org.dept_a if day % 2 else org.dept_a2, fixture.at(11, day, 10), scores)
    _answered(org, org.dept_a, fixture.at(10, 20, 10), (1, 1, "no"))
    _answered(org, org.dept_a, fixture.at(12, 1, 10), (1, 1, "no"))
    _answered(org, org.dept_b, fixture.at(11, 10, 10), (1, 1, "no"))

    pack = figures.pack_figures(monthly(2026, 11), org.college_a, now=NOW)
    # By hand: satisfied (4 or 5) 3 of 5; ease (5+3+4+2+4)/5 = 3.6; resolved "yes" 3 of 5.
    assert pack["current"]["satisfaction"] == {
        "available": True,
        "answers": 5,
        "min_answers": 5,
        "satisfied_share": 0.6,
        "mean_ease": 3.6,
        "resolved_share": 0.6,
    }
    # October's one answer is counted but makes no figure (at least five answers).
    previous = pack["previous"]["satisfaction"]
    assert previous["answers"] == 1
    assert previous["satisfied_share"] is previous["mean_ease"] is None
    # The whole institution's November: college B's answer joins (6 answers, 3 satisfied).
    whole = figures.pack_figures(monthly(2026, 11), None, now=NOW)["current"]["satisfaction"]
    assert (whole["answers"], whole["satisfied_share"], whole["resolved_share"]) == (6, 0.5, 0.5)

    with translation.override("en"):
        [table] = [t for t in tables.pack_tables(pack) if t.key == "satisfaction"]
    assert table.rows[0] == ["Answers", 5, 1, 0]
    assert table.rows[1] == ["Share satisfied (4 or 5 of 5)", 0.6, None, None]


def test_empty_period_is_all_zeros(org):
    pack = figures.pack_figures(monthly(2026, 3), None, now=NOW)
    total = pack["current"]["volume"]["total"]
    assert total["received"] == total["completed"] == total["open_at_end"] == 0
    assert total["completion_index"] is None
    assert pack["current"]["hall"]["tickets"] == 0
    json.dumps(pack)


def test_median_and_p90_by_nearest_rank():
    assert figures.median_and_p90([4, 1, 3, 2]) == {"count": 4, "median": 2.5, "p90": 4}
    assert figures.median_and_p90(range(1, 11))["p90"] == 9


def test_hall_figures(org):
    from mithaq.walkin import services as hall
    from mithaq.walkin.states import Face, Outcome
    from mithaq.walkin.testing import make_hall

    hw = make_hall(org, recalls_before_no_show=0)
    officer = org.officer_a

    def t(minute):
        return fixture.at(11, 23, 10, minute)

    for window in (hw.window_1, hw.window_3):
        hall.open_counter(counter=window, actor=officer, now=t(0))
    # Transcripts wait at most 10 minutes, certificates 20 (walkin.testing).
    t1 = hall.issue_ticket(hall=hw.hall, hall_service=hw.transcripts, now=t(0))
    t2 = hall.issue_ticket(hall=hw.hall, hall_service=hw.certificates, is_priority=True, now=t(1))
    t3 = hall.issue_ticket(hall=hw.hall, hall_service=hw.transcripts, now=t(2))
    # A priority ticket is called first (walkin.services.call_next_ticket).
    assert hall.call_next_ticket(counter=hw.window_3, actor=officer, now=t(4)) == t2  # 3 min
    hall.finish_ticket(ticket=t2, actor=officer, outcome=Outcome.SERVED, now=t(6))
    assert hall.call_next_ticket(counter=hw.window_1, actor=officer, now=t(8)) == t1  # 8 min
    hall.finish_ticket(ticket=t1, actor=officer, outcome=Outcome.SERVED, now=t(9))
    assert hall.call_next_ticket(counter=hw.window_1, actor=officer, now=t(15)) == t3  # 13 min
    hall.mark_no_show(ticket=t3, actor=officer, now=t(20))
    hall.rate_visit(ticket=t1, face=Face.HAPPY, now=t(10))
    hall.rate_visit(ticket=t2, face=Face.UNHAPPY, now=t(7))

    got = figures.pack_figures(monthly(2026, 11), None, now=NOW)["current"]["hall"]
    assert got == {
        "tickets": 3,
        "served": 2,
        "no_shows": 1,
        "priority": 1,
        "priority_share": 0.3333,
        "wait_minutes": {"count": 3, "median": 8.0, "p90": 13.0},
        "within_target_share": 0.6667,
        "ratings": {"happy": 1, "neutral": 0, "unhappy": 1},
    }
    other = figures.pack_figures(monthly(2026, 11), org.college_b, now=NOW)
    assert other["current"]["hall"]["tickets"] == 0
