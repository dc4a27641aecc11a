"""A second-factor enrolment code sent to the staff member's own email (issue 19, finding
11): the administrator never sees it, it is in the message's body only, never in a log, and
it works once, until it expires."""

import datetime
import logging
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mithaq.accounts.models import EnrolmentCode
from mithaq.notifications import dispatch
from mithaq.notifications.models import Message
from mithaq.notifications.states import MessageStatus, StaffEvent
from mithaq.testing import PASSWORD

SEND = reverse("notifications:send_enrolment_code")
PAGE = reverse("accounts:enrolment_codes")
ENROL = reverse("accounts:enroll")
CODE = re.compile(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b")


def signed_in(user) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def send(login, admin, person, django_capture_on_commit_callbacks):
    client = login(admin)
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(SEND, {"user": person.pk}, follow=True)
    return response


def test_the_code_goes_to_the_persons_email_body_only_and_works_once(
    org, login, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.DEBUG)
    org.officer_a.email = "officer.a@example.org"
    org.officer_a.save(update_fields=["email"])
    response = send(login, org.administrator, org.officer_a, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    html = response.content.decode()
    assert "A new enrolment code was sent to the email address of" in html
    message = Message.objects.get(event_key=StaffEvent.ENROLMENT_CODE)
    assert (message.user, message.channel, message.status) == (
        org.officer_a,
        "email",
        MessageStatus.QUEUED,
    )
    (code,) = set(CODE.findall(message.body))
    # In the body; not in the subject, nor on the administrator's page.
    assert code not in message.subject and code.replace("-", "") not in message.subject
    assert code not in html
    assert EnrolmentCode.objects.get(user=org.officer_a).issued_by == org.administrator
    # Sent (the console transport: the messages file), and never in a log record.
    dispatch.dispatch_due(now=timezone.now())
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert not [r for r in caplog.records if code in r.getMessage()]
    # Once sent, the outbox no longer holds it (the body is what the office's log shows).
    assert code not in message.body and code not in message.html
    assert message.body == dispatch.SECRET_SENT_BODY
    # The person uses it once.
    client = signed_in(org.officer_a)
    assert client.post(ENROL, {"enrolment_code": code}).status_code == 302
    client = signed_in(org.officer_a)
    assert client.post(ENROL, {"enrolment_code": code}).status_code == 400


def test_an_emailed_code_expires(org, login, django_capture_on_commit_callbacks):
    org.officer_a.email = "officer.a@example.org"
    org.officer_a.save(update_fields=["email"])
    send(login, org.administrator, org.officer_a, django_capture_on_commit_callbacks)
    (code,) = set(CODE.findall(Message.objects.get().body))
    EnrolmentCode.objects.filter(user=org.officer_a).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert signed_in(org.officer_a).post(ENROL, {"enrolment_code": code}).status_code == 400


def test_a_person_without_an_email_address_gets_no_code(
    org, login, django_capture_on_commit_callbacks
):
    org.officer_a.email = ""
    org.officer_a.save(update_fields=["email"])
    response = send(login, org.administrator, org.officer_a, django_capture_on_commit_callbacks)
    assert "has no email address" in response.content.decode()
    assert not Message.objects.exists()
    assert not EnrolmentCode.objects.exists()


@pytest.mark.parametrize("persona", ["officer_a", "auditor", "reception"])
def test_other_staff_cannot_send_codes(org, login, persona):
    org.officer_b.email = "officer.b@example.org"
    org.officer_b.save(update_fields=["email"])
    response = login(getattr(org, persona)).post(SEND, {"user": org.officer_b.pk})
    assert response.status_code == 404
    assert not Message.objects.exists()
    assert not EnrolmentCode.objects.exists()


def test_the_page_offers_sending_by_email(org, login):
    html = login(org.administrator).get(PAGE).content.decode()
    assert f'formaction="{SEND}"' in html
