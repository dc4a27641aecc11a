"""The one table of allowed transitions, read as the charter's rules."""

from collections import deque

import pytest

from mithaq.cases.states import (
    CITIZEN_RESPONSE,
    OPEN_STATES,
    STAFF_CHANNELS,
    TRANSITIONS,
    Action,
    Channel,
    State,
    allowed,
)

# The table as the charter states it, written out by hand so that a change to one is noticed.
EXPECTED_SOURCES = {
    Action.ACKNOWLEDGE: {State.RECEIVED, State.REOPENED},
    Action.ASSIGN: set(State) - {State.CLOSED},
    Action.REFER: {State.RECEIVED, State.UNDER_REVIEW, State.REFERRED, State.REOPENED},
    Action.REQUEST_INFO: {State.RECEIVED, State.UNDER_REVIEW, State.REFERRED, State.REOPENED},
    Action.REPLY: set(State) - {State.CLOSED},
    Action.NOTE: set(State),
    Action.DECIDE: {State.UNDER_REVIEW, State.REFERRED, State.REOPENED},
    Action.RESOLVE: {
        State.RECEIVED,
        State.UNDER_REVIEW,
        State.REFERRED,
        State.REOPENED,
        State.DECIDED,
    },
    Action.CLOSE: set(State) - {State.CLOSED},
    Action.REOPEN: {State.RESOLVED, State.CLOSED},
    # The workbench (mithaq.routing): referrals' acceptance and consultations.
    Action.ACCEPT_REFERRAL: {State.REFERRED},
    Action.RETURN_REFERRAL: {State.RECEIVED, State.REFERRED},
    Action.CONSULT: {
        State.RECEIVED,
        State.UNDER_REVIEW,
        State.REFERRED,
        State.REOPENED,
        State.DECIDED,
    },
    Action.GIVE_OPINION: set(State),
    # Duplicates (mithaq.citizens): an open case is merged away; any case may be linked.
    Action.MERGE: set(State) - {State.CLOSED},
    Action.LINK: set(State),
}
EXPECTED_TARGETS = {
    Action.ACKNOWLEDGE: State.UNDER_REVIEW,
    Action.ASSIGN: None,
    Action.REFER: State.REFERRED,
    Action.REQUEST_INFO: State.AWAITING_CITIZEN,
    Action.REPLY: None,
    Action.NOTE: None,
    Action.DECIDE: State.DECIDED,
    Action.RESOLVE: State.RESOLVED,
    Action.CLOSE: State.CLOSED,
    Action.REOPEN: State.REOPENED,
    Action.ACCEPT_REFERRAL: State.UNDER_REVIEW,
    Action.RETURN_REFERRAL: State.UNDER_REVIEW,
    Action.CONSULT: None,
    Action.GIVE_OPINION: None,
    Action.MERGE: State.CLOSED,
    Action.LINK: None,
}


def test_every_action_has_one_transition():
    assert set(TRANSITIONS) == set(Action)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("state", list(State))
def test_allowed_answers_from_the_table(action, state):
    assert allowed(action, state) is (state in EXPECTED_SOURCES[action])


@pytest.mark.parametrize("action", list(Action))
def test_each_action_leads_to_its_state(action):
    assert TRANSITIONS[action].target == EXPECTED_TARGETS[action]


def test_allowed_accepts_the_stored_string_value():
    # Case.state comes back from the database as a plain string.
    assert allowed(Action.ACKNOWLEDGE, "received")
    assert not allowed(Action.ACKNOWLEDGE, "closed")


def test_closed_is_the_only_state_that_is_not_open():
    assert set(State) - OPEN_STATES == {State.CLOSED}


def test_a_closed_case_only_takes_notes_and_reopening():
    # A unit asked for its opinion may still give it (an internal note, mithaq.routing).
    # Linking it to a related case (mithaq.citizens) records a note-like event on both.
    closed = {a for a in Action if allowed(a, State.CLOSED)} - {Action.GIVE_OPINION, Action.LINK}
    assert closed == {Action.NOTE, Action.REOPEN}


def test_while_waiting_for_the_citizen_staff_cannot_decide_or_ask_again():
    waiting = {a for a in Action if allowed(a, State.AWAITING_CITIZEN)} - {
        Action.GIVE_OPINION,
        Action.MERGE,
        Action.LINK,
    }
    assert waiting == {Action.ASSIGN, Action.REPLY, Action.NOTE, Action.CLOSE}


def test_a_case_must_be_acknowledged_before_it_is_decided():
    assert not allowed(Action.DECIDE, State.RECEIVED)
    assert allowed(Action.DECIDE, State.UNDER_REVIEW)


def test_a_decision_is_not_taken_twice():
    assert not allowed(Action.DECIDE, State.DECIDED)


def test_the_citizen_answers_only_when_asked_and_returns_the_case_to_review():
    assert set(CITIZEN_RESPONSE.sources) == {State.AWAITING_CITIZEN}
    assert CITIZEN_RESPONSE.target == State.UNDER_REVIEW


def _moves():
    for action, transition in TRANSITIONS.items():
        for source in transition.sources:
            yield action, source, transition.target or source
    for source in CITIZEN_RESPONSE.sources:
        yield "citizen", source, CITIZEN_RESPONSE.target


def _reachable(start):
    seen, todo = {start}, deque([start])
    while todo:
        here = todo.popleft()
        for _action, source, target in _moves():
            if source == here and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_every_state_is_reachable_from_received():
    assert _reachable(State.RECEIVED) == set(State)


@pytest.mark.parametrize("state", list(State))
def test_every_state_can_still_reach_closed(state):
    assert State.CLOSED in _reachable(state)


def test_every_target_is_a_state():
    for transition in [*TRANSITIONS.values(), CITIZEN_RESPONSE]:
        assert transition.target is None or transition.target in State
        assert set(transition.sources) <= set(State)


def test_staff_register_cases_on_every_channel_but_the_web_portal():
    assert set(STAFF_CHANNELS) == set(Channel) - {Channel.WEB}
