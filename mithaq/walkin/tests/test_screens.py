"""The hall's screens outlive the staff's session rules (issue 19): a window's rating tablet is
a device a supervisor enrols (a signed cookie, revocable, listed per hall), served without a
staff session; the wall display needs no session at all. Staff pages still expire."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from mithaq.accounts.sessions import SEEN_KEY, SIGNED_IN_KEY
from mithaq.walkin import services
from mithaq.walkin.kiosk import COOKIE
from mithaq.walkin.models import KioskDevice, Rating, Ticket
from mithaq.walkin.states import Outcome

MINUTE = 60


def tablet_url(hw, number=1):
    return reverse("walkin:tablet", args=[hw.hall.code, number])


def survey_tablet_url(hw, number=1):
    return reverse("surveys:tablet", args=[hw.hall.code, number])


def to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


def move_back(client, seconds):
    session = client.session
    session[SEEN_KEY] -= seconds
    session[SIGNED_IN_KEY] -= seconds
    session.save()


@pytest.fixture
def enrolled(hw, org, client):
    """The supervisor enrols the browser at window 1 as its tablet, and stays signed in."""
    client.force_login(org.manager_college_a)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("walkin:tablet_enrol", args=[hw.hall.code]), {"window": 1, "label": ""}
    )
    assert response.status_code == 302 and response["Location"] == tablet_url(hw)
    return KioskDevice.objects.get()


def served_visit(hw, org) -> Ticket:
    ticket = services.issue_ticket(hall=hw.hall, hall_service=hw.transcripts)
    services.open_counter(counter=hw.window_1, actor=org.officer_a)
    services.call_next_ticket(counter=hw.window_1, actor=org.officer_a)
    ticket.refresh_from_db()
    services.finish_ticket(ticket=ticket, actor=org.officer_a, outcome=Outcome.SERVED)
    return ticket


def test_the_supervisor_enrols_a_tablet_listed_with_its_window(enrolled, hw, org, client):
    assert (enrolled.counter, enrolled.enrolled_by, enrolled.label) == (
        hw.window_1,
        org.manager_college_a,
        "Rating tablet, window 1",
    )
    page = client.get(reverse("walkin:supervise", args=[hw.hall.code])).content.decode()
    assert 'id="tablet-devices"' in page and f'data-device="{enrolled.pk}"' in page
    # Listed as a tablet, not among the kiosks.
    kiosks = page.split('id="kiosk-devices"')[1:] or [""]
    assert f'data-device="{enrolled.pk}"' not in kiosks[0].split("</table>")[0]


def test_the_tablet_works_past_the_staff_idle_limit_while_staff_pages_expire(
    enrolled, hw, org, client
):
    ticket = served_visit(hw, org)
    move_back(client, 31 * MINUTE)
    # The supervisor's own session is over: a staff page sends to the sign-in page...
    assert to_login(client.get(reverse("walkin:supervise", args=[hw.hall.code])))
    # ...and the tablet goes on, a visitor rates, the survey tablet opens too.
    page = client.get(tablet_url(hw))
    assert page.status_code == 200 and ticket.code in page.content.decode()
    assert client.post(tablet_url(hw), {"face": "happy", "ticket": ticket.pk}).status_code == 302
    rating = Rating.objects.get()
    assert (rating.face, rating.on_tablet, rating.counter) == ("happy", True, hw.window_1)
    assert client.get(survey_tablet_url(hw)).status_code == 200
    assert to_login(client.get(reverse("walkin:counter", args=[hw.hall.code, 1])))


def test_the_tablet_works_past_twelve_hours(enrolled, hw, org, client):
    move_back(client, 13 * 60 * MINUTE)
    assert client.get(tablet_url(hw)).status_code == 200
    assert to_login(client.get(reverse("walkin:halls")))


def test_the_tablet_opens_its_own_window_only_and_takes_no_tickets(enrolled, hw, client):
    tablet = Client()
    tablet.cookies[COOKIE] = client.cookies[COOKIE].value
    assert tablet.get(tablet_url(hw)).status_code == 200
    assert tablet.get(survey_tablet_url(hw)).status_code == 200
    assert to_login(tablet.get(tablet_url(hw, 2)))
    assert to_login(tablet.get(survey_tablet_url(hw, 2)))
    assert to_login(tablet.get(reverse("walkin:hall", args=[hw.hall.code])))
    tap = {"service": hw.transcripts.pk, "token": str(uuid.uuid4())}
    assert tablet.post(reverse("walkin:kiosk", args=[hw.hall.code]), tap).status_code == 403
    assert not Ticket.objects.exists()


def test_a_revoked_tablet_stops(enrolled, hw, org, client):
    tablet = Client()
    tablet.cookies[COOKIE] = client.cookies[COOKIE].value
    assert tablet.get(tablet_url(hw)).status_code == 200
    client.force_login(org.manager_college_a)
    response = client.post(reverse("walkin:kiosk_revoke", args=[hw.hall.code, enrolled.pk]))
    assert response.status_code == 302
    assert to_login(tablet.get(tablet_url(hw)))
    assert to_login(tablet.get(survey_tablet_url(hw)))


def test_a_window_of_another_hall_or_nonsense_enrols_nothing(hw, org, login):
    client = login(org.manager_college_a)
    url = reverse("walkin:tablet_enrol", args=[hw.hall.code])
    for window in ("99", "abc", "\x00", "9223372036854775808"):
        response = client.post(url, {"window": window})
        assert response.status_code == 302
        assert response["Location"] == reverse("walkin:supervise", args=[hw.hall.code])
    assert not KioskDevice.objects.exists()


def test_an_officer_cannot_enrol_a_tablet(hw, org, login):
    response = login(org.officer_a).post(
        reverse("walkin:tablet_enrol", args=[hw.hall.code]), {"window": 1}
    )
    assert response.status_code == 404
    assert not KioskDevice.objects.exists()


def test_the_wall_display_needs_no_session(hw, org, client):
    client.force_login(org.officer_a)
    assert client.get(reverse("cases:inbox")).status_code == 200
    move_back(client, 13 * 60 * MINUTE)
    assert client.get(reverse("walkin:display", args=[hw.hall.code])).status_code == 200
    assert to_login(client.get(reverse("cases:inbox")))
    assert Client().get(reverse("walkin:display", args=[hw.hall.code])).status_code == 200
