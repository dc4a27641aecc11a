"""Suggestions followed to the end (issue 15): the office records adopted → in progress →
implemented with public notes; "you said, we did" lists the implemented ones, in public
words only, linked from the charter page and the portal's home."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from mithaq.cases import services as case_services
from mithaq.cases.states import Decision, Kind
from mithaq.surveys import outcomes
from mithaq.surveys.models import OutcomeStep, SuggestionOutcome
from mithaq.testing import make_case

SUBJECT = "اقتراح من سعاد الحسيني: مظلة لموقف الحافلات"
SAID = "مظلة تقي المنتظرين الشمس في موقف الحافلات"


def suggestion(org, decision=Decision.ACCEPTED, kind=Kind.SUGGESTION):
    case = make_case(org, kind=kind, subject=SUBJECT, citizen_name="سعاد الحسيني")
    case_services.acknowledge_case(case=case, actor=org.officer_a)
    return case_services.decide_case(
        case=case, actor=org.officer_a, decision=decision, reasons="مفيد"
    )


def carry_out(org, case):
    record = outcomes.record_stage
    record(case=case, actor=org.office_manager, stage="adopted", note_ar="اعتُمد", said_ar=SAID)
    record(case=case, actor=org.office_manager, stage="in_progress", note_ar="بدأ العمل")
    return record(
        case=case,
        actor=org.office_manager,
        stage="implemented",
        note_ar="رُكّبت المظلة",
        note_en="The shade is up",
    )


def test_the_stages_go_in_order_each_with_its_note(org):
    case = suggestion(org)
    outcome = carry_out(org, case)
    assert outcome.stage == "implemented"
    assert list(outcome.steps.values_list("stage", "note_ar")) == [
        ("adopted", "اعتُمد"),
        ("in_progress", "بدأ العمل"),
        ("implemented", "رُكّبت المظلة"),
    ]
    with pytest.raises(ValidationError) as caught:
        outcomes.record_stage(
            case=case, actor=org.office_manager, stage="implemented", note_ar="مرة أخرى"
        )
    assert caught.value.code == "order"
    assert outcome.steps.count() == 3


def test_a_stage_out_of_order_is_refused_and_nothing_written(org):
    case = suggestion(org)
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        outcomes.record_stage(
            case=case, actor=org.office_manager, stage="implemented", note_ar="تم", said_ar=SAID
        )
    assert caught.value.messages == ["The next stage of this suggestion is: Adopted."]
    assert not SuggestionOutcome.objects.exists()
    assert not OutcomeStep.objects.exists()


@pytest.mark.parametrize(
    "decision, kind", [(Decision.REJECTED, Kind.SUGGESTION), (Decision.ACCEPTED, Kind.COMPLAINT)]
)
def test_only_an_accepted_suggestion_has_an_outcome(org, decision, kind):
    case = suggestion(org, decision=decision, kind=kind)
    with pytest.raises(ValidationError) as caught:
        outcomes.record_stage(
            case=case, actor=org.office_manager, stage="adopted", note_ar="تم", said_ar=SAID
        )
    assert caught.value.code == "not_accepted"
    assert not SuggestionOutcome.objects.exists()


def test_the_public_words_and_note_are_required(org):
    case = suggestion(org)
    with pytest.raises(ValidationError) as caught:
        outcomes.record_stage(
            case=case, actor=org.office_manager, stage="adopted", note_ar="تم", said_ar="  "
        )
    assert "said_ar" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        outcomes.record_stage(
            case=case, actor=org.office_manager, stage="adopted", note_ar="", said_ar=SAID
        )
    assert "note_ar" in caught.value.error_dict
    assert not SuggestionOutcome.objects.exists()


def test_the_public_page_lists_implemented_ones_without_personal_data(client, org):
    carry_out(org, suggestion(org))
    outcomes.record_stage(
        case=suggestion(org),
        actor=org.office_manager,
        stage="adopted",
        note_ar="قيد الدراسة",
        said_ar="فكرة لم تُنفّذ بعد",
    )
    client.cookies["django_language"] = "ar"
    page = client.get("/you-said-we-did/").content.decode()
    assert SAID in page and "رُكّبت المظلة" in page and "اعتُمد" in page
    assert "فكرة لم تُنفّذ بعد" not in page  # adopted only: not on the page yet
    for personal in ("سعاد الحسيني", SUBJECT, "+9647701234567", "ahmed@example.com"):
        assert personal not in page
    # In English the English note where there is one, else the Arabic.
    client.cookies["django_language"] = "en"
    page = client.get("/you-said-we-did/").content.decode()
    assert "You said, we did" in page
    assert "The shade is up" in page and SAID in page


def test_an_empty_page_says_so(client, org):
    client.cookies["django_language"] = "en"
    page = client.get("/you-said-we-did/").content.decode()
    assert "No suggestion has been carried out yet" in page


def test_the_charter_page_and_the_home_page_link_to_it(client, org):
    for path in (reverse("charter:index"), reverse("portal:home")):
        assert 'href="/you-said-we-did/"' in client.get(path).content.decode(), path


def test_the_office_records_a_stage_on_its_page(login, org):
    case = suggestion(org)
    office = login(org.office_manager)
    listing = office.get(reverse("satisfaction:suggestions")).content.decode()
    assert case.code in listing
    url = reverse("satisfaction:suggestion", args=[case.code])
    response = office.post(url, {"said_ar": SAID, "note_ar": "اعتُمد", "note_en": "Adopted"})
    assert response.status_code == 302
    assert SuggestionOutcome.objects.get(case=case).stage == "adopted"
    # A missing note: the form says so and nothing more is written.
    response = office.post(url, {"note_ar": ""})
    assert response.status_code == 400
    assert OutcomeStep.objects.filter(outcome__case=case).count() == 1


def test_others_get_404(login, org):
    case = suggestion(org)
    url = reverse("satisfaction:suggestion", args=[case.code])
    for persona in (org.officer_a, org.reception, org.manager_college_a):
        assert login(persona).get(url).status_code == 404
        assert login(persona).get(reverse("satisfaction:suggestions")).status_code == 404
    # A complaint's reference is not an accepted suggestion: 404 for the office too.
    other = make_case(org)
    office = login(org.office_manager)
    assert office.get(reverse("satisfaction:suggestion", args=[other.code])).status_code == 404
