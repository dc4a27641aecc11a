"""The citizen's grievance (تظلم): its window in working days per kind, from the closing or
the decision; refused after it or before an answer, with the date; the case reopens with
clocks of its own and goes to someone other than who answered it. Service and HTTP."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from mithaq.cases import services
from mithaq.cases.grievances import grievance_deadline
from mithaq.cases.models import Attachment
from mithaq.cases.states import ClosureCode, Decision, EventKind, State
from mithaq.notifications.models import Message
from mithaq.routing.models import CaseClock
from mithaq.testing import PDF, make_case

UTC = datetime.UTC
# Sunday 10 January 2027, 10:00 in Baghdad (UTC+3); the default week is Sunday to Thursday,
# 8:00-14:00, with no holiday in these weeks.
CLOSED_AT = datetime.datetime(2027, 1, 10, 7, 0, tzinfo=UTC)
# By hand: Sunday 10 January is day 0; 11-14 (4), 17-21 (9), 24-28 (14), the 15th working
# day is Sunday 31 January, whose close (14:00 in Baghdad) is 11:00 UTC.
LAST_MOMENT_15 = datetime.datetime(2027, 1, 31, 11, 0, tzinfo=UTC)
# With 3 working days for suggestions: Monday 11, Tuesday 12, Wednesday 13 January.
LAST_MOMENT_3 = datetime.datetime(2027, 1, 13, 11, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def decided_and_closed(org, *, at=CLOSED_AT, **fields):
    case = make_case(org, now=at - datetime.timedelta(days=2), **fields)
    services.assign_case(case=case, actor=org.office_manager, assignee=org.officer_a, now=at)
    services.acknowledge_case(case=case, actor=org.officer_a, now=at)
    services.decide_case(
        case=case, actor=org.officer_a, decision=Decision.REJECTED, reasons="لا وجه", now=at
    )
    return services.close_case(
        case=case, actor=org.office_manager, closure_code=ClosureCode.REJECTED, now=at
    )


def test_the_window_is_15_working_days_from_the_closing(org):
    case = decided_and_closed(org)
    assert grievance_deadline(case) == LAST_MOMENT_15


def test_the_window_is_set_per_kind(org, settings):
    settings.MITHAQ_GRIEVANCE_DAYS_BY_KIND = {"suggestion": 3}
    assert grievance_deadline(decided_and_closed(org, kind="suggestion")) == LAST_MOMENT_3
    assert grievance_deadline(decided_and_closed(org)) == LAST_MOMENT_15


def test_an_open_case_has_no_window_and_refuses_a_grievance(org):
    case = make_case(org)
    assert grievance_deadline(case) is None
    with pytest.raises(services.GrievanceClosed) as caught:
        services.file_grievance(case=case, grounds="أعترض")
    assert caught.value.until is None


def test_on_the_last_moment_it_is_taken_and_a_minute_later_refused_with_the_date(org):
    late = decided_and_closed(org)
    with pytest.raises(services.GrievanceClosed) as caught:
        services.file_grievance(
            case=late, grounds="أعترض", now=LAST_MOMENT_15 + datetime.timedelta(minutes=1)
        )
    assert caught.value.until == LAST_MOMENT_15
    assert "31" in caught.value.messages[0] and "2027" in caught.value.messages[0]
    late.refresh_from_db()
    assert late.state == State.CLOSED
    on_time = decided_and_closed(org)
    reopened = services.file_grievance(case=on_time, grounds="أعترض", now=LAST_MOMENT_15)
    assert reopened.state == State.REOPENED


def test_a_grievance_reopens_for_another_reviewer_with_clocks_of_its_own(org):
    case = decided_and_closed(org)
    filed_at = CLOSED_AT + datetime.timedelta(days=2)
    reopened = services.file_grievance(case=case, grounds="القرار لم يراعِ المستندات", now=filed_at)
    assert (reopened.state, reopened.assignee_id, reopened.closed_at, reopened.decision) == (
        State.REOPENED,
        None,
        None,
        "",
    )
    event = reopened.events.get(kind=EventKind.GRIEVANCE)
    assert event.by_citizen and event.is_public and event.from_state == State.CLOSED
    assert set(CaseClock.objects.filter(case=case).values_list("round", flat=True)) == {1, 2}
    assert CaseClock.objects.filter(case=case, round=2).first().started_at == filed_at
    with pytest.raises(ValidationError) as refused:
        services.assign_case(case=reopened, actor=org.office_manager, assignee=org.officer_a)
    assert refused.value.code == "same_reviewer"
    services.assign_case(case=reopened, actor=org.office_manager, assignee=org.office_manager)


def test_the_closing_message_names_the_last_day(org):
    decided_and_closed(org)
    sms = Message.objects.get(event_key="closed", channel="sms")
    # The citizen's language is Arabic: one date style, the day, the month's name, the year.
    assert "31 يناير 2027" in sms.body, sms.body


def track(client, case):
    client.post(reverse("portal:track"), {"code": case.code, "contact": case.citizen_phone})


def test_the_tracking_page_offers_the_grievance_and_it_reopens_the_case(
    client, org, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case = decided_and_closed(org, at=timezone.now() - datetime.timedelta(days=1))
    track(client, case)
    page = client.get(reverse("portal:track_case", args=[case.code])).content.decode()
    assert reverse("portal:grievance", args=[case.code]) in page
    response = client.post(
        reverse("portal:grievance", args=[case.code]),
        {
            "grounds": "لم تُراعَ الوثائق المرفقة",
            "attachments": SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.REOPENED
    assert Attachment.objects.get(case=case).by_citizen


def test_after_the_window_the_page_says_until_when_and_a_post_is_refused(client, org):
    case = decided_and_closed(org, at=timezone.now() - datetime.timedelta(days=60))
    until = grievance_deadline(case)
    track(client, case)
    page = client.get(reverse("portal:track_case", args=[case.code])).content.decode()
    assert "was possible until" in page
    assert reverse("portal:grievance", args=[case.code]) not in page
    response = client.post(
        reverse("portal:grievance", args=[case.code]), {"grounds": "أعترض"}, follow=True
    )
    assert f"{timezone.localtime(until).day}" in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.CLOSED


def test_empty_grounds_are_refused_and_nothing_written(client, org):
    case = decided_and_closed(org, at=timezone.now() - datetime.timedelta(days=1))
    track(client, case)
    response = client.post(reverse("portal:grievance", args=[case.code]), {"grounds": " "})
    assert response.status_code == 400
    assert "Give the grounds of your grievance." in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.CLOSED


def test_grievances_are_limited_per_address(client, org, settings):
    settings.MITHAQ_GRIEVANCES_PER_HOUR = 1
    case = decided_and_closed(org, at=timezone.now() - datetime.timedelta(days=1))
    track(client, case)
    url = reverse("portal:grievance", args=[case.code])
    assert client.post(url, {"grounds": ""}).status_code == 400
    assert client.post(url, {"grounds": "أعترض"}).status_code == 429
    case.refresh_from_db()
    assert case.state == State.CLOSED


def test_an_unverified_session_cannot_file(client, org):
    case = decided_and_closed(org, at=timezone.now() - datetime.timedelta(days=1))
    response = client.post(reverse("portal:grievance", args=[case.code]), {"grounds": "أعترض"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.CLOSED
