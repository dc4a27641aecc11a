"""The hall's pages through HTTP, in personas: the kiosk, the ticket, the window, the case
from a visit, the tablet and the supervisor."""

import re
import uuid

import pytest
from django.urls import reverse

from mithaq.cases.models import Case
from mithaq.walkin import services
from mithaq.walkin.models import Rating, Ticket
from mithaq.walkin.states import HallEventKind, Outcome, TicketState
from mithaq.walkin.testing import enrol_kiosk


@pytest.fixture
def called(hw, org):
    """A ticket at window 1, opened by officer A."""
    ticket = services.issue_ticket(hall=hw.hall, hall_service=hw.transcripts, phone="07701234567")
    services.open_counter(counter=hw.window_1, actor=org.officer_a)
    services.call_next_ticket(counter=hw.window_1, actor=org.officer_a)
    ticket.refresh_from_db()
    return ticket


def kiosk_url(hw):
    return reverse("walkin:kiosk", args=[hw.hall.code])


def act_url(hw, action, number=1):
    return reverse("walkin:counter_act", args=[hw.hall.code, number, action])


# -- the kiosk and the ticket ---------------------------------------------------------------


def test_the_kiosk_shows_every_service_in_both_languages(client, hw):
    body = client.get(kiosk_url(hw)).content.decode()
    assert "كشف الدرجات" in body and "Transcript" in body
    assert "تأييد تخرج" in body and "Graduation letter" in body


def test_a_tap_on_the_kiosk_issues_a_ticket_and_shows_it_for_print(client, hw):
    enrol_kiosk(client, hw.hall)
    token = str(uuid.uuid4())
    data = {"service": hw.transcripts.pk, "phone": "٠٧٧٠١٢٣٤٥٦٧", "token": token}
    response = client.post(kiosk_url(hw), data)
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("walkin:ticket_print", args=[ticket.token]) + "?kiosk=1"
    assert ticket.phone == "+9647701234567" and ticket.issued_via == "kiosk"
    page = client.get(response["Location"]).content.decode()
    assert "A001" in page and "<svg" in page
    assert reverse("walkin:ticket", args=[ticket.token]) in page  # the QR's address, shown


def test_a_double_tap_on_the_kiosk_prints_one_ticket(client, hw):
    enrol_kiosk(client, hw.hall)
    data = {"service": hw.transcripts.pk, "token": str(uuid.uuid4())}
    first = client.post(kiosk_url(hw), data)
    second = client.post(kiosk_url(hw), data)
    assert first["Location"] == second["Location"]
    assert Ticket.objects.count() == 1


def test_the_elderly_option_makes_a_priority_ticket(client, hw):
    enrol_kiosk(client, hw.hall)
    client.post(
        kiosk_url(hw),
        {"service": hw.certificates.pk, "is_priority": "on", "token": str(uuid.uuid4())},
    )
    assert Ticket.objects.get().is_priority


def test_a_wrong_phone_on_the_kiosk_is_refused(client, hw):
    enrol_kiosk(client, hw.hall)
    response = client.post(
        kiosk_url(hw), {"service": hw.transcripts.pk, "phone": "123", "token": str(uuid.uuid4())}
    )
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_an_unknown_hall_has_no_kiosk(client, db):
    assert client.get(reverse("walkin:kiosk", args=["nowhere"])).status_code == 404


def test_the_ticket_page_shows_the_place_in_line(client, hw):
    services.issue_ticket(hall=hw.hall, hall_service=hw.transcripts)
    second = services.issue_ticket(hall=hw.hall, hall_service=hw.transcripts)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("walkin:ticket", args=[second.token])).content.decode()
    assert "1 person ahead of you" in body
    assert 'hx-trigger="every 5s"' in body


def test_the_ticket_page_shows_the_window_when_called(client, called):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("walkin:ticket", args=[called.token]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Please go to window 1" in body
    assert "<html" not in body  # the poll gets the state alone


def test_the_ticket_page_holds_no_personal_data(client, called):
    body = client.get(reverse("walkin:ticket", args=[called.token])).content.decode()
    assert "7701234567" not in body


def test_an_unknown_ticket_is_404(client, db):
    assert client.get(reverse("walkin:ticket", args=["x" * 24])).status_code == 404


def test_the_visitor_rates_once_by_the_ticket_link(client, called, org):
    services.finish_ticket(ticket=called, actor=org.officer_a, outcome=Outcome.SERVED)
    url = reverse("walkin:ticket_rate", args=[called.token])
    assert client.post(url, {"face": "happy"}).status_code == 302
    assert client.post(url, {"face": "unhappy"}).status_code == 302
    rating = Rating.objects.get()
    assert rating.face == "happy" and not rating.on_tablet


# -- the window -----------------------------------------------------------------------------


def test_an_officer_opens_the_window_and_calls_next(login, hw, org):
    services.issue_ticket(hall=hw.hall, hall_service=hw.transcripts)
    client = login(org.officer_a)
    client.post(act_url(hw, "open"))
    response = client.post(act_url(hw, "call"))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.state == TicketState.CALLED and ticket.counter == hw.window_1
    page = client.get(reverse("walkin:counter", args=[hw.hall.code, 1])).content.decode()
    assert "A001" in page


def test_the_window_actions_go_through_the_services(login, called, hw, org):
    client = login(org.officer_a)
    client.post(act_url(hw, "recall"))
    client.post(act_url(hw, "recall"))
    called.refresh_from_db()
    assert called.recall_count == 2
    client.post(act_url(hw, "no_show"))
    called.refresh_from_db()
    assert called.state == TicketState.NO_SHOW


def test_transfer_from_the_window(login, called, hw, org):
    client = login(org.officer_a)
    client.post(act_url(hw, "transfer"), {"to_service": hw.certificates.pk})
    called.refresh_from_db()
    assert (called.state, called.hall_service) == (TicketState.WAITING, hw.certificates)


def test_a_transfer_without_a_target_shows_the_form_again(login, called, hw, org):
    response = login(org.officer_a).post(act_url(hw, "transfer"), {})
    assert response.status_code == 400


def test_park_resume_and_finish_from_the_window(login, called, hw, org):
    client = login(org.officer_a)
    client.post(act_url(hw, "park"))
    called.refresh_from_db()
    assert called.state == TicketState.PARKED
    client.post(act_url(hw, "resume"), {"ticket": called.pk})
    client.post(act_url(hw, "finish"), {"outcome": "served"})
    called.refresh_from_db()
    assert (called.state, called.outcome) == (TicketState.DONE, "served")


def test_someone_elses_open_window_takes_no_action(login, called, hw, org):
    response = login(org.manager_college_a).post(act_url(hw, "finish"), {"outcome": "served"})
    assert response.status_code == 302
    called.refresh_from_db()
    assert called.state == TicketState.CALLED


def test_officer_of_other_unit_gets_404_at_the_window(login, hw, org):
    client = login(org.officer_b)
    assert client.get(reverse("walkin:counter", args=[hw.hall.code, 1])).status_code == 404
    assert client.post(act_url(hw, "open")).status_code == 404


def test_an_unknown_window_is_404(login, hw, org):
    client = login(org.officer_a)
    assert client.get(reverse("walkin:counter", args=[hw.hall.code, 9])).status_code == 404


def test_an_unknown_action_is_404(login, hw, org):
    assert login(org.officer_a).post(act_url(hw, "explode")).status_code == 404


# -- the case from a visit ------------------------------------------------------------------


def test_the_case_form_is_prefilled_with_the_visit(login, called, hw, org):
    client = login(org.officer_a)
    url = reverse("walkin:ticket_case", args=[hw.hall.code, called.pk])
    form = client.get(url).context["form"]
    assert form.initial["service"] == org.service_a.pk
    assert form.initial["channel"] == "walk_in"
    assert form.initial["citizen_phone"] == "+9647701234567"


def test_an_officer_opens_a_case_from_the_visit(login, called, hw, org):
    client = login(org.officer_a)
    url = reverse("walkin:ticket_case", args=[hw.hall.code, called.pk])
    token = client.get(url).context["form"].initial["token"]
    response = client.post(
        url,
        {
            "kind": "service_request",
            "channel": "walk_in",
            "unit": org.dept_a.pk,
            "service": org.service_a.pk,
            "subject": "طلب كشف درجات",
            "body": "حضر المراجع لطلب كشف الدرجات.",
            "citizen_name": "حسن علي",
            "citizen_phone": "07701234567",
            "citizen_group": "community",
            "citizen_language": "ar",
            "token": token,
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{case.code}/")
    called.refresh_from_db()
    assert called.case == case and case.channel == "walk_in"


def test_attaching_the_visit_to_a_case_checks_access(login, called, hw, org):
    from mithaq.testing import make_case

    own = make_case(org)
    other = make_case(org, unit=org.dept_b)
    client = login(org.officer_a)
    assert client.post(act_url(hw, "attach"), {"code": other.code}).status_code == 400
    called.refresh_from_db()
    assert called.case is None
    client.post(act_url(hw, "attach"), {"code": own.code.lower()})
    called.refresh_from_db()
    assert called.case == own
    assert called.events.filter(kind=HallEventKind.CASE_ATTACHED).exists()


# -- the tablet and the supervisor ----------------------------------------------------------


def test_the_tablet_asks_the_visitor_just_served(login, called, hw, org):
    services.finish_ticket(ticket=called, actor=org.officer_a, outcome=Outcome.SERVED)
    client = login(org.officer_a)
    url = reverse("walkin:tablet", args=[hw.hall.code, 1])
    assert "A001" in client.get(url).content.decode()
    client.post(url, {"face": "neutral", "ticket": called.pk})
    rating = Rating.objects.get()
    assert (rating.face, rating.on_tablet, rating.counter) == ("neutral", True, hw.window_1)
    assert "A001" not in client.get(url).content.decode()


def test_the_supervisor_sees_the_live_view_and_the_figures(login, called, hw, org):
    services.finish_ticket(ticket=called, actor=org.officer_a, outcome=Outcome.SERVED)
    client = login(org.manager_college_a)
    response = client.get(reverse("walkin:supervise", args=[hw.hall.code]))
    assert response.status_code == 200
    assert response.context["overview"]["served_today"] == 1
    partial = client.get(
        reverse("walkin:supervise", args=[hw.hall.code]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert re.search(r'id="live"', partial) and "<html" not in partial


def test_an_officer_is_not_a_supervisor(login, hw, org):
    response = login(org.officer_a).get(reverse("walkin:supervise", args=[hw.hall.code]))
    assert response.status_code == 404


def test_reception_issues_a_ticket_at_the_desk(login, hw, org):
    client = login(org.reception)
    url = reverse("walkin:issue", args=[hw.hall.code])
    token = client.get(url).context["form"].initial["token"]
    client.post(url, {"service": hw.certificates.pk, "token": token})
    ticket = Ticket.objects.get()
    assert (ticket.issued_via, ticket.issued_by, ticket.code) == (
        "reception",
        org.reception,
        "B001",
    )


def test_tickets_that_text_a_number_are_limited_per_number_and_day(client, hw, settings):
    enrol_kiosk(client, hw.hall)
    settings.MITHAQ_TICKETS_PER_PHONE_PER_DAY = 2
    for _ in range(2):
        data = {"service": hw.transcripts.pk, "phone": "07701234567", "token": str(uuid.uuid4())}
        assert client.post(kiosk_url(hw), data).status_code == 302
    data = {"service": hw.transcripts.pk, "phone": "07701234567", "token": str(uuid.uuid4())}
    refused = client.post(kiosk_url(hw), data)
    assert refused.status_code == 400 and refused.context["form"].errors["phone"]
    # Without a phone the visitor is still served.
    data = {"service": hw.transcripts.pk, "token": str(uuid.uuid4())}
    assert client.post(kiosk_url(hw), data).status_code == 302
    assert Ticket.objects.count() == 3
