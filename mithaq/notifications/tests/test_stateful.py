"""Over 1,000 random sequences of case changes through the real case services, some rolled
back: exactly one message per committed citizen-facing event per channel, none for the
rolled-back ones.

What the citizen should hear is this file's own table (CITIZEN_MESSAGE below), written from
the charter, not read from the map under test: a wrong or missing entry there fails here."""

import random
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from mithaq.cases import services as cases
from mithaq.cases.models import Case
from mithaq.cases.services import consultations, duplicates, referrals
from mithaq.cases.states import TRANSITIONS, Action, State
from mithaq.notifications.models import Message
from mithaq.testing import make_case

SEQUENCES = 1000
SEED = 20261123

# The oracle. Which action tells the case's citizen, and with which message (the event key of
# the citizen's templates the office edits): every stage of the case the citizen is to know of
# (SPEC 5, "notifications at every stage"; SPEC 1: "internal notes are separate from replies
# the citizen sees"). None: the citizen is not written to; the work is internal to the
# institution (an assignment, a note, a unit's acceptance or return of a referral, a
# consultation, a link between cases), or a step with no message of its own (acknowledgement,
# reopening), followed on the tracking page.
SUBMITTED = "received"  # every new case: its reference and the expected date
CITIZEN_ANSWERED = None  # the citizen's own answer to a question: nothing to tell them
CITIZEN_MESSAGE = {
    Action.ACKNOWLEDGE: None,
    Action.ASSIGN: None,
    Action.REFER: "referred",
    Action.REQUEST_INFO: "info_requested",
    Action.REPLY: "replied",
    Action.NOTE: None,
    Action.DECIDE: "decided",
    Action.RESOLVE: "resolved",
    Action.CLOSE: "closed",
    Action.REOPEN: None,
    Action.ACCEPT_REFERRAL: None,
    Action.RETURN_REFERRAL: None,
    Action.CONSULT: None,
    Action.GIVE_OPINION: None,
    Action.LINK: None,
}


def channels_for(fields: dict) -> list[str]:
    """The channels of the cases made here (web cases, each with a phone, for a citizen whose
    registry record keeps its defaults): SMS, since they did not come by WhatsApp, and an
    email copy when they gave an email, as the institution asks (MITHAQ_CITIZEN_EMAIL_COPY,
    set in the test)."""
    return ["sms"] + (["email"] if fields["citizen_email"] else [])


class Rollback(Exception):
    pass


def act(rng, org, case, action):
    """Call the real service for `action`."""
    manager = org.office_manager
    match action:
        case Action.ACKNOWLEDGE:
            cases.acknowledge_case(case=case, actor=manager)
        case Action.ASSIGN:
            cases.assign_case(
                case=case, actor=manager, assignee=rng.choice([manager, org.officer_a])
            )
        case Action.REFER:
            units = [org.dept_a, org.dept_a2, org.dept_b]
            to = rng.choice([u for u in units if u.pk != case.unit_id])
            cases.refer_case(case=case, actor=manager, to_unit=to, reason="اختصاص")
        case Action.REQUEST_INFO:
            cases.request_information(case=case, actor=manager, question="الهوية؟")
        case Action.REPLY:
            cases.reply_to_citizen(case=case, actor=manager, body="جواب")
        case Action.NOTE:
            cases.add_note(case=case, actor=manager, body="ملاحظة")
        case Action.DECIDE:
            cases.decide_case(case=case, actor=manager, decision="accepted", reasons="مقبول")
        case Action.RESOLVE:
            cases.resolve_case(case=case, actor=manager, summary="تم")
        case Action.CLOSE:
            cases.close_case(case=case, actor=manager, closure_code="answered")
        case Action.REOPEN:
            cases.reopen_case(case=case, actor=manager, reason="تظلم")
        case Action.ACCEPT_REFERRAL:
            referrals.accept_referral(case=case, actor=manager)
        case Action.RETURN_REFERRAL:
            referrals.return_referral(case=case, actor=manager, reason="ليس من اختصاصنا")
        case Action.CONSULT:
            units = [u for u in (org.dept_a2, org.dept_b) if u.pk != case.unit_id]
            consultations.ask_units(case=case, actor=manager, units=units, question="رأيكم؟")
        case Action.GIVE_OPINION:
            consultations.answer(case=case, actor=org.officer_b, opinion="لا مانع")
        case Action.LINK:
            other = Case.objects.exclude(pk=case.pk).order_by("-pk").first()
            duplicates.link_cases(case=case, other=other, actor=manager)
        case _:
            raise AssertionError(action)


# Merging messages the merged case's citizen about the survivor's later answers: events of
# one case reaching another's citizen, counted in mithaq/citizens/tests instead.
NOT_HERE = {Action.MERGE}


def test_the_oracle_says_what_every_action_tells_the_citizen():
    # A new action must be given a row here before the random sequences may pick it.
    assert set(CITIZEN_MESSAGE) == set(Action) - NOT_HERE


@pytest.mark.django_db
def test_one_message_per_committed_event_per_channel(org, settings):
    settings.MITHAQ_CITIZEN_EMAIL_COPY = True
    rng = random.Random(SEED)
    expected: Counter = Counter()
    rolled_back = 0
    for _ in range(SEQUENCES):
        fields = {
            "citizen_language": rng.choice(["ar", "en"]),
            "citizen_email": rng.choice(["", "c@example.com"]),
        }
        if rng.random() < 0.1:
            with pytest.raises(Rollback), transaction.atomic():
                make_case(org, **fields)
                raise Rollback
            rolled_back += 1
            continue
        case = make_case(org, **fields)
        channels = channels_for(fields)
        for channel in channels:
            expected[(case.pk, SUBMITTED, channel)] += 1
        for _step in range(rng.randint(0, 6)):
            case = Case.objects.select_related("unit").get(pk=case.pk)
            if case.state == State.AWAITING_CITIZEN and rng.random() < 0.5:
                action, call = (
                    None,
                    lambda c=case: cases.record_citizen_response(case=c, body="هذه"),
                )
            else:
                options = [
                    a for a in Action if case.state in TRANSITIONS[a].sources and a not in NOT_HERE
                ]
                action = rng.choice(options)
                call = lambda c=case, a=action: act(rng, org, c, a)  # noqa: E731
            try:
                if rng.random() < 0.25:
                    with pytest.raises(Rollback), transaction.atomic():
                        call()
                        raise Rollback
                    rolled_back += 1
                    continue
                call()
            except ValidationError:
                continue  # e.g. a reopened case's earlier reviewer: no event, no message
            event_key = CITIZEN_MESSAGE[action] if action is not None else CITIZEN_ANSWERED
            if event_key is not None:
                for channel in channels:
                    expected[(case.pk, event_key, channel)] += 1
    actual = Counter(
        Message.objects.filter(recipient_kind="citizen").values_list(
            "case_id", "event_key", "channel"
        )
    )
    assert rolled_back > 100
    assert sum(expected.values()) > 2000
    assert actual == expected
    # And each one traces back to exactly one committed event.
    keys = Message.objects.filter(recipient_kind="citizen").values_list("dedupe_key", flat=True)
    assert len(set(keys)) == len(keys)
