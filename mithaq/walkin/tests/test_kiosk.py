"""Only the hall's kiosks take tickets (issue 19, finding 3): a browser a supervisor enrolled
(a signed, revocable cookie) or a device on the hall's kiosk networks. A tap from anywhere
else is refused with a page that says where to take a number, and nothing is queued."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mithaq.walkin.kiosk import COOKIE
from mithaq.walkin.models import KioskDevice, Ticket
from mithaq.walkin.testing import enrol_kiosk, make_hall

pytestmark = pytest.mark.django_db


@pytest.fixture
def hw(org):
    return make_hall(org)


def _sign_out(client):
    """Signs out as a browser does: the test client's logout() would drop every cookie, the
    kiosk's too."""
    kept = client.cookies.get(COOKIE)
    client.logout()
    if kept is not None:
        client.cookies[COOKIE] = kept.value


def _tap(client, hw, **extra):
    data = {"service": hw.transcripts.pk, "token": str(uuid.uuid4())}
    return client.post(reverse("walkin:kiosk", args=[hw.hall.code]), data, **extra)


def test_a_tap_from_a_browser_not_enrolled_is_refused_and_queues_nothing(client, hw):
    response = _tap(client, hw)
    assert response.status_code == 403
    page = response.content.decode()
    assert "Please take your number at the kiosk by the hall's door" in page
    assert Ticket.objects.count() == 0


def test_a_tap_from_an_enrolled_browser_takes_a_ticket(client, hw):
    enrol_kiosk(client, hw.hall)
    assert _tap(client, hw).status_code == 302
    assert Ticket.objects.count() == 1


def test_a_revoked_kiosk_is_refused(client, hw, org):
    device = enrol_kiosk(client, hw.hall)
    client.force_login(org.office_manager)
    revoke = reverse("walkin:kiosk_revoke", args=[hw.hall.code, device.pk])
    assert client.post(revoke).status_code == 302
    _sign_out(client)
    assert _tap(client, hw).status_code == 403
    device.refresh_from_db()
    assert device.revoked_at is not None and device.revoked_by == org.office_manager


def test_a_forged_or_foreign_cookie_is_refused(client, hw):
    device = enrol_kiosk(client, hw.hall)
    client.cookies[COOKIE] = client.cookies[COOKIE].value[:-2] + "xx"
    assert _tap(client, hw).status_code == 403
    # The key alone, unsigned, is not a device either.
    client.cookies[COOKIE] = device.key
    assert _tap(client, hw).status_code == 403


def test_a_kiosk_of_another_hall_is_refused(client, hw, org):
    from mithaq.walkin.models import Hall

    other = Hall.objects.create(unit=org.dept_a, code="other-hall", name_ar="ق", name_en="O")
    enrol_kiosk(client, other)
    assert _tap(client, hw).status_code == 403


def test_the_halls_kiosk_networks_take_tickets_without_enrolment(client, hw):
    hw.hall.kiosk_networks = "10.20.30.0/24\n192.0.2.7"
    hw.hall.save()
    assert _tap(client, hw, REMOTE_ADDR="10.20.30.44").status_code == 302
    assert _tap(client, hw, REMOTE_ADDR="192.0.2.7").status_code == 302
    assert _tap(client, hw, REMOTE_ADDR="10.20.31.1").status_code == 403
    # A header the client wrote is not its address.
    outside = _tap(
        client, hw, REMOTE_ADDR="198.51.100.9", headers={"X-Forwarded-For": "10.20.30.44"}
    )
    assert outside.status_code == 403
    assert Ticket.objects.count() == 2


def test_kiosk_networks_must_be_address_ranges(hw):
    hw.hall.kiosk_networks = "10.20.30.0/24\nthe lobby"
    with pytest.raises(ValidationError):
        hw.hall.full_clean()


def test_an_enrolled_kiosk_has_a_limit_per_minute(client, hw, settings):
    settings.MITHAQ_KIOSK_TAPS_PER_MINUTE = 3
    enrol_kiosk(client, hw.hall)
    assert [_tap(client, hw).status_code for _ in range(4)] == [302, 302, 302, 429]
    assert Ticket.objects.count() == 3


def test_a_supervisor_enrols_this_browser_and_sees_it_listed(client, hw, org):
    client.force_login(org.office_manager)
    response = client.post(
        reverse("walkin:kiosk_enrol", args=[hw.hall.code]), {"label": "By the door"}
    )
    assert response.status_code == 302
    device = KioskDevice.objects.get()
    assert (device.hall, device.label, device.enrolled_by) == (
        hw.hall,
        "By the door",
        org.office_manager,
    )
    page = client.get(reverse("walkin:supervise", args=[hw.hall.code])).content.decode()
    assert "By the door" in page and f'data-device="{device.pk}"' in page
    _sign_out(client)
    assert _tap(client, hw).status_code == 302


@pytest.mark.parametrize("label", ["nul\x00byte", "x" * 101])
def test_a_bad_kiosk_name_enrols_nothing_and_says_why(client, hw, org, label):
    client.force_login(org.office_manager)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("walkin:kiosk_enrol", args=[hw.hall.code]), {"label": label}, follow=True
    )
    assert response.status_code == 200
    assert not KioskDevice.objects.exists()
    page = response.content.decode()
    assert "Null characters are not allowed." in page or "at most 100 characters" in page


def test_an_officer_of_the_hall_may_not_enrol_a_kiosk(client, hw, org):
    client.force_login(org.officer_a)
    response = client.post(reverse("walkin:kiosk_enrol", args=[hw.hall.code]))
    assert response.status_code == 404
    assert COOKIE not in response.cookies and KioskDevice.objects.count() == 0


def test_the_demo_link_enrols_once_and_only_under_the_development_settings(client, hw, settings):
    device = KioskDevice.objects.create(hall=hw.hall, label="Demo", enrol_token="t0ken")
    link = reverse("walkin:kiosk_enrol_link", args=[hw.hall.code, "t0ken"])
    settings.MITHAQ_KIOSK_ENROL_LINKS = False
    assert client.get(link).status_code == 404
    settings.MITHAQ_KIOSK_ENROL_LINKS = True
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("walkin:kiosk", args=[hw.hall.code])
    assert _tap(client, hw).status_code == 302
    # Spent: a second browser opening it is not enrolled.
    other = client.__class__()
    assert other.get(link).status_code == 404
    device.refresh_from_db()
    assert device.enrol_token == ""
