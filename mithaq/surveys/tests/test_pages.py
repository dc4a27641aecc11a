"""The survey's pages through HTTP: the link from the closing message, forged, expired and
used links, the rate limit, the tracking and ticket pages' links, and the results' rule of
at least five answers on every figure."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from mithaq.cases import services as case_services
from mithaq.cases.states import ClosureCode
from mithaq.common import links
from mithaq.notifications.models import Message
from mithaq.surveys import services
from mithaq.surveys.models import SurveyAnswer
from mithaq.surveys.services import Answer
from mithaq.testing import make_case
from mithaq.walkin import services as hall
from mithaq.walkin.testing import make_hall

from .test_services import closed_case

ANSWER = {"satisfaction": "4", "effort": "5", "resolved": "yes", "comment": "خدمة جيدة"}


def survey_link_in(message: Message) -> str:
    found = re.search(r"https?://\S+?(/survey/c/[^\s\u2069]+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_the_closing_sms_and_email_carry_a_link_that_opens_the_survey(client, org):
    case = closed_case(org)
    sms = Message.objects.get(case=case, event_key="closed", channel="sms")
    email = Message.objects.get(case=case, event_key="closed", channel="email")
    path = survey_link_in(sms)
    assert survey_link_in(email) == path
    page = client.get(path)
    assert page.status_code == 200
    assert case.code in page.content.decode()
    assert case.citizen_name not in page.content.decode()
    answered = client.post(path, ANSWER)
    assert answered.status_code == 200
    row = SurveyAnswer.objects.get(case=case)
    assert (row.satisfaction, row.effort, row.resolved) == (4, 5, "yes")


def test_the_same_link_changes_the_answer_within_24_hours(client, org):
    case = closed_case(org)
    path = links.survey_path("c", case.pk)
    client.post(path, ANSWER)
    again = client.get(path)
    assert again.status_code == 200
    assert re.search(r'name="satisfaction" value="4"[^>]*checked', again.content.decode())
    client.post(path, ANSWER | {"satisfaction": "2"})
    assert SurveyAnswer.objects.get(case=case).satisfaction == 2


def test_a_forged_link_gets_a_clear_404_page(client, org):
    case = closed_case(org)
    token = links.make_token("survey-case", case.pk)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    page = client.get(reverse("surveys:answer", args=["c", forged]))
    assert page.status_code == 404
    assert "This survey link is not valid" in page.content.decode()
    assert client.post(reverse("surveys:answer", args=["c", forged]), ANSWER).status_code == 404
    assert not SurveyAnswer.objects.exists()


def test_a_link_cannot_be_turned_into_another_persons_case(client, org):
    mine = closed_case(org)
    theirs = closed_case(org, citizen_name="ليلى", citizen_phone="+9647709998877")
    token = links.make_token("survey-case", mine.pk)
    turned = links.make_token("survey-case", theirs.pk).split(".")[0] + token[token.index(".") :]
    page = client.get(reverse("surveys:answer", args=["c", turned]))
    assert page.status_code == 404
    assert theirs.code not in page.content.decode()


def test_a_ticket_link_does_not_open_a_case(client, org):
    case = closed_case(org)
    token = links.make_token("survey-ticket", case.pk)
    assert client.get(reverse("surveys:answer", args=["c", token])).status_code == 404
    assert client.get(reverse("surveys:answer", args=["x", token])).status_code == 404


def test_an_expired_link_says_until_when_it_worked(client, org, settings):
    settings.MITHAQ_SURVEY_LINK_DAYS = 7
    case = closed_case(org)
    made = timezone.now() - datetime.timedelta(days=8)
    page = client.get(links.survey_path("c", case.pk, now=made))
    assert page.status_code == 410
    text = page.content.decode()
    assert "This survey link has expired" in text
    assert case.code not in text


def test_a_used_link_after_24_hours_says_it_is_answered(client, org):
    case = closed_case(org)
    services.answer_case_survey(
        case=case,
        answer=Answer(satisfaction=5, effort=5, resolved="yes"),
        now=timezone.now() - datetime.timedelta(hours=25),
    )
    path = links.survey_path("c", case.pk)
    assert client.get(path).status_code == 410
    refused = client.post(path, ANSWER | {"satisfaction": "1"})
    assert refused.status_code == 410
    assert "This survey is answered" in refused.content.decode()
    assert SurveyAnswer.objects.get().satisfaction == 5


def test_an_open_case_link_waits_for_the_closing(client, org):
    case = make_case(org)
    page = client.get(links.survey_path("c", case.pk))
    assert page.status_code == 409
    assert "not open yet" in page.content.decode()


def test_a_missing_answer_is_shown_and_nothing_written(client, org):
    case = closed_case(org)
    page = client.post(links.survey_path("c", case.pk), {"satisfaction": "4"})
    assert page.status_code == 400
    assert "Say whether your request was resolved." in page.content.decode()
    assert not SurveyAnswer.objects.exists()


def test_posts_are_limited_per_address(client, org, settings):
    settings.MITHAQ_SURVEY_POSTS_PER_HOUR = 2
    case = closed_case(org)
    path = links.survey_path("c", case.pk)
    assert client.post(path, ANSWER).status_code == 200
    assert client.post(path, ANSWER).status_code == 200
    blocked = client.post(path, ANSWER | {"satisfaction": "1"})
    assert blocked.status_code == 429
    assert SurveyAnswer.objects.get().satisfaction == 4


def test_the_tracking_page_of_a_closed_case_offers_the_survey(client, org):
    case = closed_case(org)
    client.post(reverse("portal:track"), {"code": case.code, "contact": case.citizen_phone})
    page = client.get(reverse("portal:track_case", args=[case.code])).content.decode()
    found = re.search(r'href="(/survey/c/[^"]+/)"', page)
    assert found
    assert client.get(found.group(1)).status_code == 200


def test_an_open_case_tracking_page_has_no_survey(client, org):
    case = make_case(org)
    client.post(reverse("portal:track"), {"code": case.code, "contact": case.citizen_phone})
    page = client.get(reverse("portal:track_case", args=[case.code])).content.decode()
    assert "/survey/c/" not in page


def served_ticket(org):
    world = make_hall(org)
    ticket = hall.issue_ticket(hall=world.hall, hall_service=world.transcripts)
    hall.open_counter(counter=world.window_1, actor=org.officer_a)
    hall.call_next_ticket(counter=world.window_1, actor=org.officer_a)
    hall.finish_ticket(ticket=ticket, actor=org.officer_a, outcome="served")
    return world, ticket


def test_the_ticket_page_after_service_links_to_the_survey(client, org):
    _world, ticket = served_ticket(org)
    page = client.get(reverse("walkin:ticket", args=[ticket.token])).content.decode()
    found = re.search(r'href="(/survey/t/[^"]+/)"', page)
    assert found
    assert client.post(found.group(1), ANSWER).status_code == 200
    assert SurveyAnswer.objects.get().ticket == ticket


def test_the_tablet_asks_the_visitor_just_served_once(login, org):
    world, ticket = served_ticket(org)
    client = login(org.officer_a)
    url = reverse("surveys:tablet", args=[world.hall.code, 1])
    page = client.get(url)
    assert page.status_code == 200 and ticket.code in page.content.decode()
    assert client.post(url, ANSWER | {"ticket": ticket.pk}).status_code == 302
    row = SurveyAnswer.objects.get()
    assert (row.ticket, row.via) == (ticket, "tablet")
    assert ticket.code not in client.get(url).content.decode()


# The results: at least five answers for every figure ---------------------------------------


def answer_cases(org, scores, *, unit=None, assignee=None):
    """One closed case of `unit` per (satisfaction, effort, resolved) in `scores`."""
    for satisfaction, effort, resolved in scores:
        case = make_case(org, unit=unit or org.dept_a)
        if assignee is not None:
            case_services.assign_case(case=case, actor=org.office_manager, assignee=assignee)
        case = case_services.close_case(
            case=case, actor=org.office_manager, closure_code=ClosureCode.ANSWERED
        )
        services.answer_case_survey(
            case=case,
            answer=Answer(satisfaction=satisfaction, effort=effort, resolved=resolved),
        )


FIVE = [(5, 5, "yes"), (4, 3, "yes"), (3, 4, "partly"), (2, 2, "no"), (5, 4, "yes")]
# By hand: satisfied 3 of 5 = 60%; ease (5+3+4+2+4)/5 = 3.6; resolved "yes" 3 of 5 = 60%.


def test_four_answers_show_counts_but_no_figure(login, org):
    answer_cases(org, FIVE[:4])
    page = login(org.office_manager).get(reverse("satisfaction:results")).content.decode()
    assert "Fewer than 5 answers: not shown" in page
    assert "%" not in re.sub(r"<style.*?</style>", "", page, flags=re.S)


def test_five_answers_show_the_figures_computed_by_hand(login, org):
    answer_cases(org, FIVE)
    page = login(org.office_manager).get(reverse("satisfaction:results")).content.decode()
    assert "60%" in page and "3.6" in page


def test_a_unit_manager_sees_the_figures_of_their_units_only(login, org):
    answer_cases(org, FIVE, unit=org.dept_b)
    page = login(org.manager_college_a).get(reverse("satisfaction:results")).content.decode()
    assert "60%" not in page
    assert org.dept_b.name_en not in page and "قسم الجراحة" not in page


def test_own_figures_need_five_answers_and_are_shown_to_that_person_alone(login, org, client):
    answer_cases(org, FIVE[:4], unit=org.dept_a2, assignee=org.officer_a2)
    url = reverse("satisfaction:results")
    assert "Fewer than 5 answers" in login(org.officer_a2).get(url).content.decode()
    answer_cases(org, FIVE[4:], unit=org.dept_a2, assignee=org.officer_a2)
    own = login(org.officer_a2).get(url).content.decode()
    assert "60%" in own and "3.6" in own
    # Another officer of the same college sees no one's figures but their own (none).
    other = login(org.officer_a).get(url).content.decode()
    assert "60%" not in other
    # The office manager sees the units' figures, never a table of people.
    manager = login(org.office_manager).get(url).content.decode()
    assert str(org.officer_a2) not in manager and "هدى الكهربائية" not in manager


def test_comments_hide_for_others_once_a_moderator_hides_them(login, org):
    answer_cases(org, [(1, 1, "no")])
    row = SurveyAnswer.objects.get()
    SurveyAnswer.objects.filter(pk=row.pk).update(comment="كلام مسيء")
    leader = login(org.leader)
    assert "كلام مسيء" in leader.get(reverse("satisfaction:comments")).content.decode()
    # The leader reads, the office manager moderates.
    assert leader.post(reverse("satisfaction:comment_hide", args=[row.pk])).status_code == 404
    manager = login(org.office_manager)
    manager.post(reverse("satisfaction:comment_hide", args=[row.pk]))
    assert (
        "كلام مسيء" not in login(org.leader).get(reverse("satisfaction:comments")).content.decode()
    )


def test_the_follow_up_list_shows_a_low_answer_until_done(login, org):
    answer_cases(org, [(1, 1, "no")])
    case = SurveyAnswer.objects.get().case
    manager = login(org.manager_college_a)
    assert case.code in manager.get(reverse("satisfaction:follow_up")).content.decode()
    follow_up = SurveyAnswer.objects.get().follow_up
    manager.post(reverse("satisfaction:follow_up_done", args=[follow_up.pk]))
    assert case.code not in manager.get(reverse("satisfaction:follow_up")).content.decode()


@pytest.mark.parametrize("persona", ["officer_a", "reception"])
def test_officers_and_reception_have_no_comments_or_follow_up(login, org, persona):
    client = login(getattr(org, persona))
    assert client.get(reverse("satisfaction:comments")).status_code == 404
    assert client.get(reverse("satisfaction:follow_up")).status_code == 404


SPANISH_MONTHS = (
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
)


def test_a_spanish_reader_sees_dates_with_de(client, org):
    client.cookies["django_language"] = "es"
    case = closed_case(org)
    text = client.post(links.survey_path("c", case.pk), ANSWER).content.decode()
    # "6 de diciembre de 2026", never "6 diciembre 2026"
    assert re.search(rf"\b\d{{1,2}} de ({SPANISH_MONTHS}) de \d{{4}}\b", text), text
    assert not re.search(rf"\b\d{{1,2}} ({SPANISH_MONTHS}) \d{{4}}\b", text)
