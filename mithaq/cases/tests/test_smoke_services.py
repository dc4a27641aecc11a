from mithaq.cases.services import acknowledge_case, refer_case
from mithaq.cases.states import EventKind, State


def test_submitted_case_has_code_event_and_due_date(case_a):
    assert case_a.state == State.RECEIVED
    assert len(case_a.code) == 9
    event = case_a.events.get()
    assert (event.kind, event.to_state, event.is_public) == (EventKind.SUBMITTED, State.RECEIVED, True)
    assert case_a.due_at > case_a.created_at


def test_refer_moves_case_and_records_units(org, case_a):
    acknowledge_case(case=case_a, actor=org.officer_a)
    case = refer_case(case=case_a, actor=org.officer_a, to_unit=org.dept_b, reason="ليس من اختصاصنا")
    assert case.unit == org.dept_b and case.state == State.REFERRED
    ev = case.events.last()
    assert (ev.from_unit, ev.to_unit, ev.from_state) == (org.dept_a, org.dept_b, State.UNDER_REVIEW)
