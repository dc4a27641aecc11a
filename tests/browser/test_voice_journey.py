"""The citizen's voice in a real browser (issue 15): a case is decided and closed; the
citizen opens the survey link from the closing SMS in the outbox, answers the three
questions, then files a grievance on the tracking page; the case reopens for a reviewer
other than who decided it. Then the office manager reads the satisfaction figures. In
Arabic (right to left) and English."""

import re

import pytest
from django.core.exceptions import ValidationError

from mithaq.cases import services
from mithaq.cases.states import ClosureCode, Decision, State
from mithaq.notifications.models import Message
from mithaq.surveys import services as surveys
from mithaq.surveys.models import SurveyAnswer
from mithaq.surveys.services import Answer
from mithaq.testing import make_case
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def decided_and_closed(org, language):
    case = make_case(org, citizen_language=language, service=org.service_a)
    services.assign_case(case=case, actor=org.office_manager, assignee=org.officer_a)
    services.acknowledge_case(case=case, actor=org.officer_a)
    services.decide_case(
        case=case, actor=org.officer_a, decision=Decision.REJECTED, reasons="لا يستوفي الشروط"
    )
    return services.close_case(
        case=case, actor=org.office_manager, closure_code=ClosureCode.REJECTED
    )


def link_in_the_outbox(case) -> str:
    sms = Message.objects.get(case=case, channel="sms", event_key="decided")
    # The SMS tells the decision and the closing at once (they came within the window).
    assert [p["event"] for p in sms.parts] == ["decided", "closed"]
    found = re.search(r"(/survey/c/[A-Za-z0-9._-]+/)", sms.body)
    assert found, sms.body
    return found.group(1)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_citizen_answers_the_survey_and_files_a_grievance(new_page, org, screenshot, language):
    case = decided_and_closed(org, language)
    page = new_page(locale=language)
    page.goto(link_in_the_outbox(case))
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert case.code in page.locator("main").inner_text()
    screenshot(page, f"voice-01-survey-{language}")
    page.check("input[name=satisfaction][value='2']")
    page.check("input[name=effort][value='3']")
    page.check("input[name=resolved][value='no']")
    page.fill("#id_comment", "لم يُشرح سبب الرفض" if language == "ar" else "The reason was unclear")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("h1")
    screenshot(page, f"voice-02-survey-thanks-{language}")
    answer = SurveyAnswer.objects.get(case=case)
    assert (answer.satisfaction, answer.effort, answer.resolved) == (2, 3, "no")
    assert hasattr(answer, "follow_up")

    page.goto("/track/")
    page.fill("#id_code", case.code)
    page.fill("#id_contact", case.citizen_phone)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/track/{case.code}/")
    grievance = page.locator("#grievance")
    assert grievance.is_visible()
    screenshot(page, f"voice-03-tracking-closed-{language}")
    page.fill(
        "#id_grounds",
        "المستندات المرفقة تستوفي الشروط"
        if language == "ar"
        else "My documents meet the conditions",
    )
    grievance.locator("button[type=submit]").click()
    page.wait_for_url(f"**/track/{case.code}/")
    screenshot(page, f"voice-04-grievance-filed-{language}")
    case.refresh_from_db()
    assert case.state == State.REOPENED and case.assignee_id is None
    with pytest.raises(ValidationError):
        services.assign_case(case=case, actor=org.office_manager, assignee=org.officer_a)
    services.assign_case(case=case, actor=org.office_manager, assignee=org.office_manager)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_office_manager_reads_the_figures(new_page, org, screenshot, language):
    scores = [(5, 5, "yes"), (4, 3, "yes"), (3, 4, "partly"), (2, 2, "no"), (5, 4, "yes")]
    for satisfaction, effort, resolved in scores:
        case = services.close_case(
            case=make_case(org, service=org.service_a),
            actor=org.office_manager,
            closure_code=ClosureCode.ANSWERED,
        )
        surveys.answer_case_survey(
            case=case,
            answer=Answer(
                satisfaction=satisfaction, effort=effort, resolved=resolved, comment="تعليق"
            ),
        )
    page = new_page(locale=language)
    sign_in(page, org.office_manager)
    page.goto("/staff/satisfaction/")
    main = page.locator("main").inner_text()
    assert "60%" in main and "3.6" in main
    screenshot(page, f"voice-05-satisfaction-{language}")
    page.goto("/staff/satisfaction/follow-up/")
    screenshot(page, f"voice-06-follow-up-{language}")
    page.goto("/staff/satisfaction/comments/")
    screenshot(page, f"voice-07-comments-{language}")


def test_a_suggestion_followed_to_the_public_page(new_page, org, screenshot):
    """The office records adopted, in progress and implemented on an accepted suggestion
    (in Arabic); the public page "you said, we did" shows it in Arabic and English."""
    idea = make_case(
        org, kind="suggestion", subject="اقتراح: مظلة لموقف الحافلات", citizen_name="سعاد"
    )
    services.acknowledge_case(case=idea, actor=org.officer_a)
    services.decide_case(case=idea, actor=org.officer_a, decision=Decision.ACCEPTED, reasons="مفيد")
    page = new_page(locale="ar")
    sign_in(page, org.office_manager)
    page.goto("/staff/satisfaction/suggestions/")
    screenshot(page, "voice-08-suggestions-ar")
    page.locator(f"#suggestion-{idea.code} a").last.click()
    page.fill("#id_said_ar", "مظلة تقي المنتظرين الشمس في موقف الحافلات")
    page.fill("#id_said_en", "A shade over the bus stop")
    page.fill("#id_note_ar", "اعتمدت رئاسة الجامعة المقترح.")
    page.fill("#id_note_en", "The presidency adopted it.")
    screenshot(page, "voice-09-suggestion-form-ar")
    page.locator("main form button[type=submit]").click()
    for note_ar, note_en in (("بدأ التركيب.", "Work began."), ("رُكّبت المظلة.", "The shade is up.")):
        page.fill("#id_note_ar", note_ar)
        page.fill("#id_note_en", note_en)
        page.locator("main form button[type=submit]").click()
    assert "رُكّبت المظلة." in page.locator("main").inner_text()
    screenshot(page, "voice-10-suggestion-done-ar")
    for language, said, note in (
        ("ar", "مظلة تقي المنتظرين الشمس", "رُكّبت المظلة."),
        ("en", "A shade over the bus stop", "The shade is up."),
    ):
        public = new_page(locale=language)
        public.goto("/charter/")
        public.locator("a[href='/you-said-we-did/']").click()
        text = public.locator("main").inner_text()
        assert said in text and note in text and "سعاد" not in text
        screenshot(public, f"voice-11-you-said-we-did-{language}")
