"""The transition table, action by action and state by state (`services.events.check_action`
through the actions of `services.workflow`): the one event each change writes."""

import pytest

from mithaq.cases.models import Case
from mithaq.cases.selectors import timeline
from mithaq.cases.services import (
    CaseStateError,
    acknowledge_case,
    add_note,
    assign_case,
    close_case,
    decide_case,
    record_citizen_response,
    refer_case,
    reopen_case,
    reply_to_citizen,
    request_information,
    resolve_case,
)
from mithaq.cases.states import (
    CITIZEN_RESPONSE,
    TRANSITIONS,
    Action,
    ClosureCode,
    Decision,
    EventKind,
    State,
)

from .conftest import _to_closed, case_in, later, new_events, pdf, reload, snapshot

# Each action done with valid arguments: the call, the event it should write, and its "why".
WHY = {
    Action.ACKNOWLEDGE: "",
    Action.ASSIGN: "",
    Action.REFER: "الطلب من اختصاص قسم الجراحة",
    Action.REQUEST_INFO: "أرسل صورة الهوية",
    Action.REPLY: "سيصدر الكشف خلال أسبوع",
    Action.NOTE: "تواصلت مع شعبة التسجيل",
    Action.DECIDE: "الطلب مستوفٍ للشروط",
    Action.RESOLVE: "سُلِّم الكشف للمواطن",
    Action.CLOSE: "أغلقت بعد الرد",
    Action.REOPEN: "المواطن لم يستلم الكشف",
}
EVENT_OF = {
    Action.ACKNOWLEDGE: (EventKind.ACKNOWLEDGED, True),
    Action.ASSIGN: (EventKind.ASSIGNED, False),
    Action.REFER: (EventKind.REFERRED, False),
    Action.REQUEST_INFO: (EventKind.INFO_REQUESTED, True),
    Action.REPLY: (EventKind.REPLIED, True),
    Action.NOTE: (EventKind.NOTE, False),
    Action.DECIDE: (EventKind.DECIDED, True),
    Action.RESOLVE: (EventKind.RESOLVED, True),
    Action.CLOSE: (EventKind.CLOSED, True),
    Action.REOPEN: (EventKind.REOPENED, True),
}


def perform(action: Action, org, case: Case, *, actor, now) -> Case:
    why = f"  {WHY[action]}\n"  # surrounding white space is not kept
    match action:
        case Action.ACKNOWLEDGE:
            return acknowledge_case(case=case, actor=actor, now=now)
        case Action.ASSIGN:
            return assign_case(case=case, actor=actor, assignee=org.office_manager, now=now)
        case Action.REFER:
            return refer_case(case=case, actor=actor, to_unit=org.dept_b, reason=why, now=now)
        case Action.REQUEST_INFO:
            return request_information(case=case, actor=actor, question=why, now=now)
        case Action.REPLY:
            return reply_to_citizen(case=case, actor=actor, body=why, now=now)
        case Action.NOTE:
            return add_note(case=case, actor=actor, body=why, now=now)
        case Action.DECIDE:
            return decide_case(
                case=case, actor=actor, decision=Decision.ACCEPTED, reasons=why, now=now
            )
        case Action.RESOLVE:
            return resolve_case(case=case, actor=actor, summary=why, now=now)
        case Action.CLOSE:
            return close_case(
                case=case, actor=actor, closure_code=ClosureCode.ANSWERED, note=why, now=now
            )
        case Action.REOPEN:
            return reopen_case(case=case, actor=actor, reason=why, now=now)
    raise AssertionError(action)


# The workbench's actions (referrals, consultations, duplicates) are tested in their apps.
FOUNDATION = [a for a in Action if a in WHY]
ALLOWED = [(a, s) for a in FOUNDATION for s in State if s in TRANSITIONS[a].sources]
REFUSED = [(a, s) for a in FOUNDATION for s in State if s not in TRANSITIONS[a].sources]


def _pair_id(pair):
    return f"{pair[0].value}-from-{pair[1].value}"


# The transition table, action by action and state by state ------------------------------


class TestTransitionTable:
    @pytest.mark.parametrize(("action", "state"), ALLOWED, ids=map(_pair_id, ALLOWED))
    def test_action_succeeds_from_each_listed_state_and_writes_one_event(self, org, action, state):
        case = case_in(org, state)
        before = snapshot(case)
        now = later()

        result = perform(action, org, case, actor=org.office_manager, now=now)

        target = TRANSITIONS[action].target
        stored = reload(case)
        assert stored.state == (target or state) == result.state
        assert stored.updated_at == now
        [event] = new_events(case, before)
        kind, is_public = EVENT_OF[action]
        assert event.kind == kind
        assert event.actor == org.office_manager
        assert event.at == now
        assert (event.from_state, event.to_state) == ((state, target) if target else ("", ""))
        assert event.body == WHY[action]
        assert event.is_public is is_public
        assert event.by_citizen is False

    @pytest.mark.parametrize(("action", "state"), REFUSED, ids=map(_pair_id, REFUSED))
    def test_action_is_refused_from_every_other_state_and_writes_nothing(self, org, action, state):
        case = case_in(org, state)
        before = snapshot(case)

        with pytest.raises(CaseStateError) as refused:
            perform(action, org, case, actor=org.office_manager, now=later())

        assert refused.value.code == "bad_state"
        assert snapshot(case) == before

    @pytest.mark.parametrize("state", sorted(CITIZEN_RESPONSE.sources))
    def test_citizen_answer_returns_a_waiting_case_to_review(self, org, state):
        case = case_in(org, state)
        before = snapshot(case)
        now = later()

        record_citizen_response(case=case, body=" أرفقت الوصل ", now=now)

        assert reload(case).state == State.UNDER_REVIEW
        [event] = new_events(case, before)
        assert event.kind == EventKind.CITIZEN_RESPONDED
        assert (event.from_state, event.to_state) == (State.AWAITING_CITIZEN, State.UNDER_REVIEW)
        assert (event.actor, event.by_citizen, event.is_public) == (None, True, True)
        assert (event.at, event.body) == (now, "أرفقت الوصل")

    @pytest.mark.parametrize("state", sorted(set(State) - set(CITIZEN_RESPONSE.sources)))
    def test_citizen_answer_is_refused_when_nothing_was_asked(self, org, state):
        case = case_in(org, state)
        before = snapshot(case)
        with pytest.raises(CaseStateError) as refused:
            record_citizen_response(case=case, body="هذا ردي")
        assert refused.value.code == "bad_state"
        assert snapshot(case) == before

    def test_a_stale_case_object_is_judged_by_its_state_in_the_database(self, org, case_a):
        # The caller's copy still says "received"; the database says "closed".
        _to_closed(org, case_a)
        assert case_a.state == State.RECEIVED
        with pytest.raises(CaseStateError):
            acknowledge_case(case=case_a, actor=org.officer_a)
        assert reload(case_a).state == State.CLOSED

    def test_full_journey_leaves_one_event_per_step_in_order(self, org, case_a, media):
        case = acknowledge_case(case=case_a, actor=org.officer_a)
        case = assign_case(case=case, actor=org.officer_a, assignee=org.officer_a)
        case = request_information(case=case, actor=org.officer_a, question="أرسل الوصل")
        case = record_citizen_response(case=case, body="", files=[pdf()])
        case = add_note(case=case, actor=org.officer_a, body="الوصل سليم")
        case = decide_case(
            case=case, actor=org.officer_a, decision=Decision.ACCEPTED, reasons="مستوفٍ"
        )
        case = reply_to_citizen(case=case, actor=org.officer_a, body="قُبل طلبك")
        case = resolve_case(case=case, actor=org.officer_a, summary="سُلّم الكشف")
        case = close_case(case=case, actor=org.manager_college_a, closure_code=ClosureCode.REMEDIED)

        assert [e.kind for e in case.events.all()] == [
            EventKind.SUBMITTED,
            EventKind.ACKNOWLEDGED,
            EventKind.ASSIGNED,
            EventKind.INFO_REQUESTED,
            EventKind.CITIZEN_RESPONDED,
            EventKind.NOTE,
            EventKind.DECIDED,
            EventKind.REPLIED,
            EventKind.RESOLVED,
            EventKind.CLOSED,
        ]
        # The citizen's view of the same history: no note, no assignment.
        assert [e.kind for e in timeline(case, public_only=True)] == [
            EventKind.SUBMITTED,
            EventKind.ACKNOWLEDGED,
            EventKind.INFO_REQUESTED,
            EventKind.CITIZEN_RESPONDED,
            EventKind.DECIDED,
            EventKind.REPLIED,
            EventKind.RESOLVED,
            EventKind.CLOSED,
        ]
