"""The template editor (office managers only) and the case page's messages block."""

import pytest

from mithaq.notifications.models import MessageTemplate
from mithaq.testing import make_case

pytestmark = pytest.mark.django_db


EDIT = "/staff/messages/templates/received/sms/ar/"


def sms_template():
    """The office's override of the received SMS in Arabic, as an older database has it
    (a row saying what the default file says)."""
    from mithaq.notifications.defaults import default_template

    _subject, body = default_template("received", "sms", "ar")
    template, _made = MessageTemplate.objects.get_or_create(
        event_key="received", channel="sms", language="ar", defaults={"body": body}
    )
    return template


@pytest.mark.parametrize("persona", ["officer_a", "manager_college_a", "auditor", "reception"])
def test_only_office_managers_see_the_editor(org, login, persona):
    client = login(getattr(org, persona))
    assert client.get("/staff/messages/templates/").status_code == 404
    assert client.get(EDIT).status_code == 404


def test_editor_shows_the_sms_counter_and_saves(org, login):
    client = login(org.office_manager)
    assert not MessageTemplate.objects.exists()  # the default file speaks until then
    page = client.get(EDIT).content.decode()
    assert "UCS-2" in page and 'hx-post="/staff/messages/templates/count/"' in page
    response = client.post(EDIT, {"body": "طلبكم {reference} وصل"})
    assert response.status_code == 302
    template = MessageTemplate.objects.get(event_key="received", channel="sms", language="ar")
    assert template.body == "طلبكم {reference} وصل" and template.updated_by == org.office_manager


def test_unknown_placeholder_is_refused(org, login):
    client = login(org.office_manager)
    template = sms_template()
    response = client.post(EDIT, {"body": "{reference.__class__} {secret}"})
    assert response.status_code == 400
    template.refresh_from_db()
    assert "secret" not in template.body


def test_live_counter(org, login):
    client = login(org.office_manager)
    response = client.post("/staff/messages/templates/count/", {"body": "ب" * 71})
    text = response.content.decode()
    assert "UCS-2" in text and "71" in text and "2" in text


def test_the_counter_counts_the_marks_an_arabic_message_carries(org, login):
    """59 letters and {reference}, 70 characters: as sent in Arabic, the reference comes
    between two marks (FSI...PDI), which take the message past one part; in English, none."""
    from mithaq.common.text import FSI, PDI
    from mithaq.notifications.rendering import count_sms

    client = login(org.office_manager)
    body = "ب" * 59 + "{reference}"
    assert count_sms(body).parts == 1  # the template as typed fits one part...
    arabic = client.post("/staff/messages/templates/count/", {"body": body, "language": "ar"})
    assert count_sms(f"{'ب' * 59}{FSI}{{reference}}{PDI}").units == 72
    assert "72" in arabic.content.decode()  # ...as sent it does not
    english = client.post("/staff/messages/templates/count/", {"body": body, "language": "en"})
    assert "70" in english.content.decode()
    page = client.get(EDIT).content.decode()
    assert 'hx-vals=\'{"language": "ar"}\'' in page


def test_case_page_shows_messages_and_hides_a_confidential_address(org, login, sms_gateway):
    from mithaq.notifications import dispatch

    case = make_case(org, identity_confidential=True, citizen_email="")
    dispatch.dispatch_due()
    page = login(org.officer_a).get(f"/staff/cases/{case.code}/").content.decode()
    assert 'id="messages"' in page and "message-sent" in page
    assert "+9647701234567" not in page


# --- Django's admin checks a template's placeholders as the office's editor does -------------


def _admin_template_post(client, template, **changes):
    from django.urls import reverse

    data = {
        "event_key": template.event_key,
        "channel": template.channel,
        "language": template.language,
        "subject": template.subject,
        "body": template.body,
        "updated_at_0": "",
        "updated_at_1": "",
        "updated_by": "",
        "_save": "Save",
    } | changes
    return client.post(
        reverse("admin:notifications_messagetemplate_change", args=[template.pk]), data
    )


def test_the_admin_refuses_a_placeholder_the_event_does_not_offer(org, login):
    client = login(org.admin)
    client.cookies["django_language"] = "en"
    template = sms_template()
    before = template.body
    response = _admin_template_post(client, template, body="{reference} {secret}")
    assert response.status_code == 200
    assert "Unknown placeholders: {secret}." in response.content.decode()
    template.refresh_from_db()
    assert template.body == before
    response = _admin_template_post(client, template, body="{reference")
    assert response.status_code == 200
    assert "A brace is not closed" in response.content.decode()


def test_the_admin_saves_a_template_with_the_events_placeholders(org, login):
    template = sms_template()
    response = _admin_template_post(login(org.admin), template, body="وصل طلبكم {reference}")
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.body == "وصل طلبكم {reference}"
