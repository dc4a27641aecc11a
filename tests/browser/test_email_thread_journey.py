"""A case that came by email shows its thread on the staff case page, in Arabic and in
English: the first email as the case, the citizen's reply (In-Reply-To) in its history."""

from email.message import EmailMessage

import pytest
from django.urls import reverse

from mithaq.cases.models import Case
from mithaq.intake import mail
from mithaq.intake.models import Mailbox
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _email(subject, body, message_id, in_reply_to=""):
    msg = EmailMessage()
    msg["From"] = "Sara Ali <sara@example.com>"
    msg["To"] = "office@university.example"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    msg.set_content(body)
    return msg.as_bytes()


@pytest.mark.parametrize(("locale", "direction"), [("ar", "rtl"), ("en", "ltr")])
def test_email_case_shows_its_thread(new_page, org, screenshot, locale, direction):
    mailbox = Mailbox.objects.create(
        name="Office",
        host="127.0.0.1",
        username="office",
        password_env="UNUSED",
        received_by=org.reception,
    )
    mail.process_message(
        mailbox,
        _email(
            "Transcript not issued",
            "My transcript is late. Call me on +9647701234567.",
            "<first@example.com>",
        ),
    )
    mail.process_message(
        mailbox,
        _email(
            "Re: Transcript not issued",
            "Any news about my transcript?",
            "<second@example.com>",
            in_reply_to="<first@example.com>",
        ),
    )
    case = Case.objects.get()
    page = new_page(locale=locale)
    sign_in(page, org.office_manager)
    page.goto(reverse("cases:detail", args=[case.code]))
    assert page.locator("html").get_attribute("dir") == direction
    content = page.locator("main").inner_text()
    assert "My transcript is late." in content
    assert "Any news about my transcript?" in content
    screenshot(page, f"intake-email-thread-{locale}")
