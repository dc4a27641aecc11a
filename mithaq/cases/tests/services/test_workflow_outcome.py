"""`decide_case`, `resolve_case`, `close_case` and `reopen_case`."""

import pytest
from django.core.exceptions import ValidationError

from mithaq.cases.services import (
    acknowledge_case,
    assign_case,
    close_case,
    decide_case,
    refer_case,
    reopen_case,
    resolve_case,
)
from mithaq.cases.states import (
    ClosureCode,
    Decision,
    EventKind,
    ExternalSystem,
    State,
)
from mithaq.routing.calendar import add_working
from mithaq.testing import make_case

from .conftest import case_in, later, promise_for_service, reload, snapshot

# Decisions, resolution, closure, reopening --------------------------------------------------


class TestDecideCase:
    @pytest.mark.parametrize("decision", list(Decision))
    def test_decision_and_its_reasons_are_recorded(self, org, decision):
        case = case_in(org, State.UNDER_REVIEW)
        decide_case(case=case, actor=org.leader, decision=decision, reasons=" لأن اللائحة ")
        stored = reload(case)
        assert (stored.state, stored.decision, stored.decision_reasons) == (
            State.DECIDED,
            decision,
            "لأن اللائحة",
        )
        event = stored.events.last()
        assert (event.kind, event.body, event.is_public) == (EventKind.DECIDED, "لأن اللائحة", True)

    @pytest.mark.parametrize("decision", ["", "maybe", "ACCEPTED"])
    def test_unknown_decision_is_refused(self, org, decision):
        case = case_in(org, State.UNDER_REVIEW)
        before = snapshot(case)
        with pytest.raises(ValidationError) as refused:
            decide_case(case=case, actor=org.leader, decision=decision, reasons="سبب")
        assert refused.value.code == "decision"
        assert snapshot(case) == before

    @pytest.mark.parametrize("reasons", ["", "   "])
    def test_decision_needs_reasons(self, org, reasons):
        case = case_in(org, State.UNDER_REVIEW)
        before = snapshot(case)
        with pytest.raises(ValidationError) as refused:
            decide_case(case=case, actor=org.leader, decision=Decision.REJECTED, reasons=reasons)
        assert refused.value.code == "reasons"
        assert snapshot(case) == before


class TestResolveCase:
    def test_resolution_is_public(self, org):
        case = case_in(org, State.DECIDED)
        resolve_case(case=case, actor=org.officer_a, summary=" سُلّم الكشف ")
        event = reload(case).events.last()
        assert (event.kind, event.body, event.is_public) == (EventKind.RESOLVED, "سُلّم الكشف", True)
        assert (event.from_state, event.to_state) == (State.DECIDED, State.RESOLVED)

    @pytest.mark.parametrize("summary", ["", "  "])
    def test_resolution_needs_a_summary(self, org, case_a, summary):
        before = snapshot(case_a)
        with pytest.raises(ValidationError) as refused:
            resolve_case(case=case_a, actor=org.officer_a, summary=summary)
        assert refused.value.code == "summary"
        assert snapshot(case_a) == before


class TestCloseCase:
    @pytest.mark.parametrize("closure_code", list(ClosureCode))
    def test_closing_records_the_code_and_the_time(self, org, case_a, closure_code):
        now = later()
        close_case(case=case_a, actor=org.office_manager, closure_code=closure_code, now=now)
        stored = reload(case_a)
        assert (stored.state, stored.closure_code, stored.closed_at) == (
            State.CLOSED,
            closure_code,
            now,
        )
        assert (stored.external_system, stored.external_reference) == ("", "")
        assert not stored.is_open

    def test_closing_again_keeps_the_external_reference_given_the_first_time(self, org, case_a):
        close_case(
            case=case_a,
            actor=org.office_manager,
            closure_code=ClosureCode.ANSWERED,
            external_system=ExternalSystem.EG_UNIFIED,
            external_reference="UCS-77",
        )
        reopen_case(case=case_a, actor=org.office_manager, reason="تظلم")
        close_case(case=case_a, actor=org.office_manager, closure_code=ClosureCode.REJECTED)
        stored = reload(case_a)
        assert (stored.closure_code, stored.external_system, stored.external_reference) == (
            ClosureCode.REJECTED,
            ExternalSystem.EG_UNIFIED,
            "UCS-77",
        )

    def test_closing_records_the_external_system_and_its_reference(self, org, case_a):
        close_case(
            case=case_a,
            actor=org.office_manager,
            closure_code=ClosureCode.ANSWERED,
            external_system=ExternalSystem.IQ_ECITIZEN,
            external_reference="  EC-2026-0042 ",
        )
        stored = reload(case_a)
        assert (stored.external_system, stored.external_reference) == (
            ExternalSystem.IQ_ECITIZEN,
            "EC-2026-0042",
        )

    @pytest.mark.parametrize("closure_code", ["", "solved", "ANSWERED"])
    def test_unknown_closure_code_is_refused(self, org, case_a, closure_code):
        before = snapshot(case_a)
        with pytest.raises(ValidationError) as refused:
            close_case(case=case_a, actor=org.office_manager, closure_code=closure_code)
        assert refused.value.code == "closure_code"
        assert snapshot(case_a) == before

    @pytest.mark.parametrize(
        ("system", "reference"),
        [
            (ExternalSystem.EG_UNIFIED, ""),
            (ExternalSystem.EG_UNIFIED, "   "),
            ("", "EC-2026-0042"),
            ("nowhere", "EC-2026-0042"),
        ],
    )
    def test_external_system_and_reference_come_together_or_not_at_all(
        self, org, case_a, system, reference
    ):
        before = snapshot(case_a)
        with pytest.raises(ValidationError) as refused:
            close_case(
                case=case_a,
                actor=org.office_manager,
                closure_code=ClosureCode.ANSWERED,
                external_system=system,
                external_reference=reference,
            )
        assert refused.value.code == "external"
        assert snapshot(case_a) == before


class TestReopenCase:
    @pytest.mark.parametrize("state", [State.CLOSED, State.RESOLVED])
    def test_reopening_clears_the_closure(self, org, state):
        case = case_in(org, state)
        reopen_case(case=case, actor=org.office_manager, reason=" لم يُنفَّذ ")
        stored = reload(case)
        assert (stored.state, stored.closure_code, stored.closed_at) == (State.REOPENED, "", None)
        assert stored.is_open
        event = stored.events.last()
        assert (event.kind, event.body, event.from_state) == (EventKind.REOPENED, "لم يُنفَّذ", state)

    def test_reopening_starts_a_new_review(self, org):
        case = make_case(org, service=org.service_a)
        case = assign_case(case=case, actor=org.office_manager, assignee=org.officer_a)
        case = acknowledge_case(case=case, actor=org.officer_a)
        case = decide_case(
            case=case, actor=org.officer_a, decision=Decision.REJECTED, reasons="خارج المدة"
        )
        case = close_case(case=case, actor=org.office_manager, closure_code=ClosureCode.REJECTED)
        now = later(48)
        reopen_case(case=case, actor=org.office_manager, reason="تظلم", now=now)
        stored = reload(case)
        assert (stored.decision, stored.decision_reasons, stored.assignee) == ("", "", None)
        assert stored.due_at == add_working(now, days=15)
        # The earlier decision stays in the history.
        assert stored.events.filter(kind=EventKind.DECIDED, body="خارج المدة").exists()

    def test_new_due_date_follows_the_case_as_stored_not_a_stale_copy(self, org):
        promise_for_service(org.service_a, days=20)
        copy = make_case(org, service=org.service_a)  # 20 days while it has this service
        refer_case(case=copy, actor=org.officer_a, to_unit=org.dept_b, reason="للجراحة")
        close_case(case=copy, actor=org.office_manager, closure_code=ClosureCode.NOT_COMPETENT)
        now = later(48)
        reopen_case(case=copy, actor=org.office_manager, reason="تظلم", now=now)
        assert reload(copy).service is None
        assert reload(copy).due_at == add_working(now, days=15)

    def test_a_reopened_case_is_worked_again(self, org):
        case = case_in(org, State.REOPENED)
        case = acknowledge_case(case=case, actor=org.officer_a)
        case = decide_case(case=case, actor=org.officer_a, decision=Decision.REJECTED, reasons="س")
        assert reload(case).state == State.DECIDED

    @pytest.mark.parametrize("reason", ["", "  "])
    def test_reopening_needs_a_reason(self, org, reason):
        case = case_in(org, State.CLOSED)
        before = snapshot(case)
        with pytest.raises(ValidationError) as refused:
            reopen_case(case=case, actor=org.office_manager, reason=reason)
        assert refused.value.code == "reason"
        assert snapshot(case) == before
