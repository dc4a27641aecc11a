"""The trail keeps each outcome as it was given: a decided event its decision, a closed event
its closure code and external reference, on the staff and the citizen's timelines, through
reopenings that clear the case's own fields."""

import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse

from mithaq.cases import services
from mithaq.cases.models import CaseEvent
from mithaq.cases.services import duplicates
from mithaq.cases.states import ClosureCode, Decision, EventKind, ExternalSystem
from mithaq.testing import make_case

EVENT = re.compile(r'<li class="(?P<css>[^"]*)"[^>]*>(?P<html>.*?)</li>', re.DOTALL)


def decided_and_closed_twice(org, case):
    """Accepted and closed as remedied (with an external reference); reopened on a grievance;
    rejected and closed as rejected (the external reference kept)."""
    services.acknowledge_case(case=case, actor=org.officer_a)
    services.decide_case(
        case=case, actor=org.officer_a, decision=Decision.ACCEPTED, reasons="مستوفٍ للشروط"
    )
    services.close_case(
        case=case,
        actor=org.office_manager,
        closure_code=ClosureCode.REMEDIED,
        external_system=ExternalSystem.EG_UNIFIED,
        external_reference="EG-2026-1001",
        note="صُحّح الكشف",
    )
    services.reopen_case(case=case, actor=org.office_manager, reason="تظلّم المواطن")
    services.decide_case(
        case=case, actor=org.leader, decision=Decision.REJECTED, reasons="قُدّم بعد المدة"
    )
    return services.close_case(
        case=case, actor=org.office_manager, closure_code=ClosureCode.REJECTED
    )


def outcomes(page: str) -> list[tuple[str, str]]:
    """The decided and closed lines of a page's timeline, oldest first: (kind, its html)."""
    timeline = page.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    found = []
    for match in EVENT.finditer(timeline):
        for kind in ("decided", "closed"):
            if f"ev-{kind}" in match["css"].split():
                found.append((kind, match["html"]))
    return found


def test_each_event_keeps_the_outcome_it_gave(org, case_a):
    case = decided_and_closed_twice(org, case_a)
    decided = CaseEvent.objects.filter(case=case, kind=EventKind.DECIDED).order_by("at", "id")
    closed = CaseEvent.objects.filter(case=case, kind=EventKind.CLOSED).order_by("at", "id")
    assert [e.decision for e in decided] == [Decision.ACCEPTED, Decision.REJECTED]
    assert [(e.closure_code, e.external_system, e.external_reference) for e in closed] == [
        (ClosureCode.REMEDIED, ExternalSystem.EG_UNIFIED, "EG-2026-1001"),
        # Closing again keeps the reference given the first time (close_case).
        (ClosureCode.REJECTED, ExternalSystem.EG_UNIFIED, "EG-2026-1001"),
    ]
    assert (case.decision, case.closure_code) == (Decision.REJECTED, ClosureCode.REJECTED)


def test_reopening_clears_the_case_but_not_the_trail(org, case_a):
    services.acknowledge_case(case=case_a, actor=org.officer_a)
    services.decide_case(case=case_a, actor=org.officer_a, decision=Decision.ACCEPTED, reasons="س")
    services.close_case(case=case_a, actor=org.office_manager, closure_code=ClosureCode.ANSWERED)
    case = services.reopen_case(case=case_a, actor=org.office_manager, reason="تظلّم")
    assert (case.decision, case.closure_code) == ("", "")
    assert set(
        CaseEvent.objects.filter(case=case).exclude(decision="").values_list("kind", "decision")
    ) == {(EventKind.DECIDED, Decision.ACCEPTED)}
    assert set(
        CaseEvent.objects.filter(case=case)
        .exclude(closure_code="")
        .values_list("kind", "closure_code")
    ) == {(EventKind.CLOSED, ClosureCode.ANSWERED)}


def test_staff_timeline_shows_each_outcome_as_it_was(org, case_a, login):
    case = decided_and_closed_twice(org, case_a)
    client = login(org.auditor)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("cases:detail", args=[case.code])).content.decode()
    (d1, first), (c1, first_close), (d2, second), (c2, second_close) = outcomes(html)
    assert (d1, c1, d2, c2) == ("decided", "closed", "decided", "closed")
    assert "<strong>Accepted</strong>" in first and "Rejected" not in first
    assert "<strong>Rejected</strong>" in second and "Accepted" not in second
    assert "<strong>Remedied</strong>" in first_close
    assert "<bdi>EG-2026-1001</bdi>" in first_close
    assert "Egypt: unified government complaints system" in first_close
    assert "<strong>Rejected with reasons</strong>" in second_close
    assert "Remedied" not in second_close


def test_staff_timeline_in_arabic_names_the_outcome_in_arabic(org, case_a, login):
    case = decided_and_closed_twice(org, case_a)
    client = login(org.auditor)
    client.cookies["django_language"] = "ar"
    html = client.get(reverse("cases:detail", args=[case.code])).content.decode()
    (_k, first), *_rest = outcomes(html)
    assert "<strong>مقبول</strong>" in first


def test_public_timeline_shows_each_events_decision(client, org, case_a):
    case = decided_and_closed_twice(org, case_a)
    response = client.post(
        reverse("portal:track"), {"code": case.code, "contact": case.citizen_phone}
    )
    assert response.status_code == 302
    client.cookies["django_language"] = "en"
    html = client.get(reverse("portal:track_case", args=[case.code])).content.decode()
    (d1, first), (c1, first_close), (d2, second), (c2, second_close) = outcomes(html)
    assert (d1, c1, d2, c2) == ("decided", "closed", "decided", "closed")
    assert "<strong>Accepted</strong>" in first and "مستوفٍ للشروط" in first
    assert "Rejected" not in first
    assert "<strong>Rejected</strong>" in second and "قُدّم بعد المدة" in second
    assert "Accepted" not in second
    assert "<strong>Remedied</strong>" in first_close and "EG-2026-1001" in first_close
    assert "<strong>Rejected with reasons</strong>" in second_close
    # Who decided stays internal.
    assert org.leader.full_name not in html and org.officer_a.full_name not in html


def test_an_old_event_without_its_outcome_shows_only_its_text(client, org, case_a, login):
    """Events written before events kept outcomes (and not attributed by migration 0007)
    show their reasons, never the case's current decision."""
    case = decided_and_closed_twice(org, case_a)
    first = CaseEvent.objects.filter(case=case, kind=EventKind.DECIDED).order_by("at").first()
    CaseEvent.objects.filter(pk=first.pk).update(decision="")
    client.post(reverse("portal:track"), {"code": case.code, "contact": case.citizen_phone})
    client.cookies["django_language"] = "en"
    html = client.get(reverse("portal:track_case", args=[case.code])).content.decode()
    (_kind, old), *_rest = outcomes(html)
    assert "مستوفٍ للشروط" in old and "<strong>" not in old
    staff = login(org.auditor)
    staff.cookies["django_language"] = "en"
    page = staff.get(reverse("cases:detail", args=[case.code])).content.decode()
    (_kind, old), *_rest = outcomes(page)
    assert "مستوفٍ للشروط" in old and "ev-outcome" not in old


@pytest.fixture
def attribute_outcomes():
    migration = importlib.import_module("mithaq.cases.migrations.0007_caseevent_outcome")
    return migration.attribute_outcomes


def test_migration_gives_old_events_the_outcome_the_case_still_holds(org, attribute_outcomes):
    twice = decided_and_closed_twice(org, make_case(org))
    # Closed, reopened, then merged as a duplicate: the case's code is the merge's, not the
    # closed event's.
    merged = make_case(org, citizen_phone="+9647809876543")
    services.close_case(case=merged, actor=org.office_manager, closure_code=ClosureCode.ANSWERED)
    services.reopen_case(case=merged, actor=org.office_manager, reason="تظلّم")
    duplicates.merge_cases(case=merged, survivor=make_case(org), actor=org.office_manager)
    CaseEvent.objects.update(
        decision="", closure_code="", external_system="", external_reference=""
    )

    attribute_outcomes(apps, None)

    rows = CaseEvent.objects.filter(kind__in=[EventKind.DECIDED, EventKind.CLOSED]).order_by(
        "case_id", "at", "id"
    )
    assert [
        (e.kind, e.decision, e.closure_code, e.external_reference) for e in rows.filter(case=twice)
    ] == [
        # The first outcomes were cleared by the reopening: nothing to attribute them from.
        (EventKind.DECIDED, "", "", ""),
        (EventKind.CLOSED, "", "", ""),
        (EventKind.DECIDED, Decision.REJECTED, "", ""),
        (EventKind.CLOSED, "", ClosureCode.REJECTED, "EG-2026-1001"),
    ]
    assert [(e.kind, e.closure_code) for e in rows.filter(case=merged)] == [(EventKind.CLOSED, "")]
