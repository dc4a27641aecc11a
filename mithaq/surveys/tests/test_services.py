"""The survey's rules at the service: one answer per case or ticket, changeable for 24
hours; only after closing or service; a low answer goes on the follow-up list and its unit
manager hears of it, once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mithaq.cases import services as case_services
from mithaq.cases.states import ClosureCode
from mithaq.notifications.models import Message
from mithaq.surveys import services
from mithaq.surveys.models import FollowUp, SurveyAnswer
from mithaq.surveys.services import Answer, SurveyError
from mithaq.testing import make_case
from mithaq.walkin import services as hall
from mithaq.walkin.testing import make_hall

HOUR = datetime.timedelta(hours=1)


def closed_case(org, **fields):
    case = make_case(org, **fields)
    case_services.assign_case(case=case, actor=org.office_manager, assignee=org.officer_a)
    return case_services.close_case(
        case=case, actor=org.office_manager, closure_code=ClosureCode.ANSWERED
    )


GOOD = Answer(satisfaction=5, effort=4, resolved="yes", comment="شكراً")


def test_an_answer_on_a_closed_case_keeps_where_it_belongs_and_no_personal_data(org):
    case = closed_case(org, service=org.service_a)
    row = services.answer_case_survey(case=case, answer=GOOD)
    row.refresh_from_db()
    assert (row.unit_id, row.service_id, row.channel, row.kind, row.person_id) == (
        org.dept_a.pk,
        org.service_a.pk,
        "web",
        "complaint",
        org.officer_a.pk,
    )
    kept = " ".join(str(v) for v in SurveyAnswer.objects.values().get(pk=row.pk).values())
    assert case.citizen_name not in kept and case.citizen_phone not in kept


def test_an_open_case_cannot_be_answered(org):
    case = make_case(org)
    with pytest.raises(SurveyError) as caught:
        services.answer_case_survey(case=case, answer=GOOD)
    assert caught.value.code == "not_closed"
    assert not SurveyAnswer.objects.exists()


def test_a_second_answer_within_24_hours_replaces_the_first(org):
    case = closed_case(org)
    t0 = timezone.now()
    services.answer_case_survey(case=case, answer=GOOD, now=t0)
    services.answer_case_survey(
        case=case, answer=Answer(satisfaction=3, effort=3, resolved="partly"), now=t0 + 23 * HOUR
    )
    row = SurveyAnswer.objects.get()
    assert (row.satisfaction, row.effort, row.resolved, row.comment) == (3, 3, "partly", "")
    assert row.answered_at == t0


def test_after_24_hours_the_answer_is_kept_as_it_was(org):
    case = closed_case(org)
    t0 = timezone.now()
    services.answer_case_survey(case=case, answer=GOOD, now=t0)
    with pytest.raises(SurveyError) as caught:
        services.answer_case_survey(
            case=case, answer=Answer(satisfaction=1, effort=1, resolved="no"), now=t0 + 25 * HOUR
        )
    assert caught.value.code == "answered"
    assert SurveyAnswer.objects.get().satisfaction == 5


@pytest.mark.parametrize(
    ("satisfaction", "effort", "resolved"),
    [(0, 3, "yes"), (6, 3, "yes"), (3, 0, "yes"), (3, 3, "maybe")],
)
def test_out_of_range_answers_are_refused(org, satisfaction, effort, resolved):
    case = closed_case(org)
    with pytest.raises(ValidationError):
        services.answer_case_survey(
            case=case, answer=Answer(satisfaction=satisfaction, effort=effort, resolved=resolved)
        )
    assert not SurveyAnswer.objects.exists()


@pytest.mark.parametrize(
    ("satisfaction", "resolved", "low"),
    [
        (1, "yes", True),
        (2, "partly", True),
        (5, "no", True),
        (3, "partly", False),
        (4, "yes", False),
    ],
)
def test_a_score_of_1_or_2_or_not_resolved_goes_on_the_follow_up_list(
    org, satisfaction, resolved, low
):
    case = closed_case(org)
    services.answer_case_survey(
        case=case, answer=Answer(satisfaction=satisfaction, effort=3, resolved=resolved)
    )
    assert FollowUp.objects.filter(answer__case=case).exists() is low


def test_the_unit_manager_above_hears_of_a_low_answer_once(org):
    # Civil engineering has no manager of its own: the college's (manager_college_a) hears.
    case = closed_case(org)
    low = Answer(satisfaction=1, effort=2, resolved="no")
    t0 = timezone.now()
    services.answer_case_survey(case=case, answer=low, now=t0)
    services.answer_case_survey(case=case, answer=low, now=t0 + HOUR)
    told = Message.objects.filter(event_key="low_satisfaction")
    assert [m.user_id for m in told] == [org.manager_college_a.pk]
    assert case.code in told.get().body
    assert FollowUp.objects.count() == 1


def test_a_good_answer_tells_nobody(org):
    services.answer_case_survey(case=closed_case(org), answer=GOOD)
    assert not Message.objects.filter(event_key="low_satisfaction").exists()


def test_a_served_ticket_is_answered_once_and_a_waiting_one_not(org):
    world = make_hall(org)
    ticket = hall.issue_ticket(hall=world.hall, hall_service=world.transcripts)
    with pytest.raises(SurveyError):
        services.answer_ticket_survey(ticket=ticket, answer=GOOD)
    hall.open_counter(counter=world.window_1, actor=org.officer_a)
    called = hall.call_next_ticket(counter=world.window_1, actor=org.officer_a)
    assert called == ticket
    hall.finish_ticket(ticket=ticket, actor=org.officer_a, outcome="served")
    row = services.answer_ticket_survey(ticket=ticket, answer=GOOD)
    assert (row.unit_id, row.channel, row.kind, row.person_id) == (org.dept_a.pk, "hall", "", None)
    t_late = row.answered_at + 25 * HOUR
    with pytest.raises(SurveyError):
        services.answer_ticket_survey(ticket=ticket, answer=GOOD, now=t_late)


def test_moderation_hides_and_marks_acted_on(org):
    row = services.answer_case_survey(case=closed_case(org), answer=GOOD)
    services.hide_comment(answer=row)
    services.mark_acted_on(answer=row, actor=org.office_manager)
    row.refresh_from_db()
    assert row.comment_hidden and row.acted_on_by == org.office_manager
