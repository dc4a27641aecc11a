"""The interviews' pages in personas: a citizen asks on the portal and follows the request,
the office books it, an official sees only their own requests, others get 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mithaq.accounts.models import Membership, Role
from mithaq.interviews import services
from mithaq.interviews.models import InterviewRequest
from mithaq.interviews.states import RequestState
from mithaq.interviews.testing import REQUEST, make_official
from mithaq.scheduling import services as slots
from mithaq.testing import make_user


@pytest.fixture
def official(org):
    return make_official(org)


def _form(official_membership, **over):
    return {
        "official": official_membership.pk,
        "subject": REQUEST["subject"],
        "summary": REQUEST["summary"],
        "earlier_references": "",
        "preferred_days": "الثلاثاء",
        "citizen_name": REQUEST["citizen_name"],
        "citizen_phone": "07709876543",
        "citizen_email": REQUEST["citizen_email"],
    } | over


def test_a_citizen_asks_in_arabic_and_follows_the_request(client, official):
    membership = Membership.objects.get(user=official, role=Role.OFFICIAL)
    client.cookies["django_language"] = "ar"
    response = client.post(reverse("interviews:request"), _form(membership))
    row = InterviewRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("interviews:track_request", args=[row.code])
    assert (row.citizen_phone, row.channel, row.citizen_language) == ("+9647709876543", "web", "ar")
    page = client.get(response["Location"]).content.decode()
    assert row.code in page and '<html lang="ar" dir="rtl">' in page


def test_a_request_form_with_a_bad_phone_writes_nothing(client, official):
    membership = Membership.objects.get(user=official, role=Role.OFFICIAL)
    response = client.post(reverse("interviews:request"), _form(membership, citizen_phone="12"))
    assert response.status_code == 400
    assert not InterviewRequest.objects.exists()


def test_tracking_needs_the_phone_or_email_given(client, org, official):
    row = services.submit_request(official=official, unit=org.root, **REQUEST)
    wrong = client.post(reverse("interviews:track"), {"code": row.code, "contact": "x@y.z"})
    assert wrong.status_code == 400
    assert client.get(reverse("interviews:track_request", args=[row.code])).status_code == 302
    right = client.post(
        reverse("interviews:track"), {"code": row.code.replace("-", ""), "contact": "07709876543"}
    )
    assert right["Location"] == reverse("interviews:track_request", args=[row.code])


def test_the_office_books_a_free_slot_and_the_citizen_gets_the_ics(client, org, official):
    row = services.submit_request(official=official, unit=org.root, **REQUEST)
    first = slots.free_slots(schedule=slots.schedule_for(official.pk))[0]
    client.force_login(org.office_manager)
    page = client.get(reverse("interview_office:detail", args=[row.code]))
    assert first.starts_at.isoformat() in page.content.decode()
    done = client.post(
        reverse("interview_office:act", args=[row.code, "schedule"]),
        {"starts_at": first.starts_at.isoformat()},
    )
    assert done.status_code == 302
    row.refresh_from_db()
    assert row.state == RequestState.SCHEDULED
    assert row.booking.starts_at == first.starts_at
    client.logout()
    client.post(
        reverse("interviews:track"), {"code": row.code, "contact": REQUEST["citizen_email"]}
    )
    ics = client.get(reverse("interviews:ics", args=[row.code]))
    assert ics["Content-Type"].startswith("text/calendar")
    start = first.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in ics.content.decode()


def test_booking_a_time_not_offered_is_refused_with_its_form(client, org, official):
    row = services.submit_request(official=official, unit=org.root, **REQUEST)
    client.force_login(org.office_manager)
    odd = (timezone.now() + datetime.timedelta(days=2)).replace(microsecond=0).isoformat()
    response = client.post(
        reverse("interview_office:act", args=[row.code, "schedule"]), {"starts_at": odd}
    )
    assert response.status_code == 400
    row.refresh_from_db()
    assert row.state == RequestState.REQUESTED


def test_an_official_sees_their_own_requests_only(client, org, official):
    other = make_official(org, username="dean", unit=org.college_a, name="عميد")
    mine = services.submit_request(official=official, unit=org.root, **REQUEST)
    theirs = services.submit_request(official=other, unit=org.college_a, **REQUEST)
    client.force_login(official)
    listing = client.get(reverse("interview_office:list") + "?state=").content.decode()
    assert mine.code in listing and theirs.code not in listing
    assert client.get(reverse("interview_office:detail", args=[theirs.code])).status_code == 404
    assert client.get(reverse("interview_office:detail", args=[mine.code])).status_code == 200
    # Reading is not screening: an official's post is refused like a stranger's.
    refused = client.post(reverse("interview_office:act", args=[mine.code, "no_show"]))
    assert refused.status_code == 404


def test_someone_without_a_right_gets_404(client, org, official):
    row = services.submit_request(official=official, unit=org.root, **REQUEST)
    client.force_login(make_user("stranger", "غريب"))
    assert client.get(reverse("interview_office:detail", args=[row.code])).status_code == 404
    client.force_login(org.officer_b)
    assert client.get(reverse("interview_office:list")).status_code == 404
