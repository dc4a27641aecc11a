"""A staff session ends after 30 minutes without activity and 12 hours after sign-in; activity
extends it; a citizen's session keeps Django's own rules (issue 19, finding 4). The clocks
are moved back in the stored session, no test waits."""

import time

import pytest
from django.urls import reverse

from mithaq.accounts.sessions import SEEN_KEY, SIGNED_IN_KEY

pytestmark = pytest.mark.django_db

MINUTE = 60
HOUR = 3600


def _signed_in(client, user):
    # In English: the tests read the sign-in page's message.
    client.cookies["django_language"] = "en"
    client.force_login(user)
    assert client.get(reverse("cases:inbox")).status_code == 200
    return client


def _move_back(client, **seconds):
    """Moves the session's clocks back: seen=..., signed_in=... seconds."""
    session = client.session
    if "seen" in seconds:
        session[SEEN_KEY] -= seconds["seen"]
    if "signed_in" in seconds:
        session[SIGNED_IN_KEY] -= seconds["signed_in"]
    session.save()


def _inbox_is_open(client) -> bool:
    response = client.get(reverse("cases:inbox"))
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login"))
        return False
    assert response.status_code == 200
    return True


def test_a_session_idle_for_31_minutes_is_signed_out(org, client):
    _signed_in(client, org.officer_a)
    _move_back(client, seen=31 * MINUTE, signed_in=31 * MINUTE)
    assert not _inbox_is_open(client)
    # Signed out for good: the next request is anonymous too, and the sign-in page says why.
    page = client.get(reverse("accounts:login"))
    assert "without activity" in page.content.decode()
    assert not _inbox_is_open(client)


def test_a_session_idle_for_29_minutes_goes_on(org, client):
    _signed_in(client, org.officer_a)
    _move_back(client, seen=29 * MINUTE, signed_in=29 * MINUTE)
    assert _inbox_is_open(client)


def test_activity_extends_the_session(org, client):
    _signed_in(client, org.officer_a)
    # Active every 20 minutes for two hours: never idle for 30.
    for _step in range(6):
        _move_back(client, seen=20 * MINUTE, signed_in=20 * MINUTE)
        assert _inbox_is_open(client)
    assert time.time() - client.session[SEEN_KEY] < MINUTE


def test_twelve_hours_after_sign_in_the_session_ends_however_active(org, client):
    _signed_in(client, org.officer_a)
    _move_back(client, signed_in=11 * HOUR + 59 * MINUTE)
    assert _inbox_is_open(client)
    _move_back(client, signed_in=2 * MINUTE)
    assert not _inbox_is_open(client)
    assert "sign in again" in client.get(reverse("accounts:login")).content.decode()


def test_the_limits_are_settings(org, client, settings):
    settings.MITHAQ_STAFF_IDLE_MINUTES = 5
    settings.MITHAQ_STAFF_SESSION_HOURS = 1
    _signed_in(client, org.officer_a)
    _move_back(client, seen=6 * MINUTE)
    assert not _inbox_is_open(client)
    _signed_in(client, org.officer_a)
    _move_back(client, signed_in=61 * MINUTE)
    assert not _inbox_is_open(client)


def test_a_page_polling_by_itself_is_not_activity(org, client):
    _signed_in(client, org.officer_a)
    _move_back(client, seen=20 * MINUTE)
    client.get(reverse("cases:inbox"), headers={"X-Mithaq-Poll": "1"})
    _move_back(client, seen=11 * MINUTE)
    assert not _inbox_is_open(client)


def test_stay_signed_in_counts_as_activity(org, client):
    _signed_in(client, org.officer_a)
    _move_back(client, seen=28 * MINUTE)
    assert client.post(reverse("accounts:keep_session")).status_code == 204
    _move_back(client, seen=28 * MINUTE)
    assert _inbox_is_open(client)


def test_stay_signed_in_after_the_end_is_refused(org, client):
    _signed_in(client, org.officer_a)
    _move_back(client, seen=31 * MINUTE)
    response = client.post(reverse("accounts:keep_session"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_page_with_a_form_carries_the_idle_warning(org, client):
    _signed_in(client, org.officer_a)
    page = client.get(reverse("cases:inbox")).content.decode()
    assert 'id="idle-warning"' in page
    assert 'data-idle-seconds="1800"' in page
    assert "accounts/idle.js" in page


def test_a_citizen_session_keeps_its_own_rules(client, db, settings):
    """A tracking visitor is nobody signed in: their session lasts SESSION_COOKIE_AGE."""
    client.get(reverse("portal:track"))
    session = client.session
    session["kept"] = "yes"
    session.save()
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert SEEN_KEY not in client.session and SIGNED_IN_KEY not in client.session
