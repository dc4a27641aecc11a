"""Codes, dates and addresses inside Arabic messages are isolated (FSI...PDI in text, <bdi>
in the email's HTML) so they keep their order; English messages get no marks and stay GSM-7;
SMS parts are counted on the text as it is sent."""

import pytest

from mithaq.cases import services as cases
from mithaq.common.text import FSI, PDI, isolate
from mithaq.notifications import services
from mithaq.notifications.models import Message, MessageTemplate
from mithaq.notifications.rendering import count_sms, render_html
from mithaq.testing import make_case

pytestmark = pytest.mark.django_db


def received(case, channel):
    return Message.objects.get(case=case, event_key="received", channel=channel)


def test_an_arabic_sms_isolates_the_reference_and_the_date(org):
    case = make_case(org)
    sms = received(case, "sms")
    assert f"{FSI}{case.code}{PDI}" in sms.body
    date = sms.body.split("بحلول ")[1]
    assert date.startswith(FSI) and date.rstrip(".").endswith(PDI)
    assert count_sms(sms.body).encoding == "UCS-2"


def test_an_arabic_email_isolates_the_reference_url_in_text_and_in_bdi(org):
    case = make_case(org)
    email = received(case, "email")
    assert f"{FSI}{case.code}{PDI}" in email.subject
    assert f"{FSI}http" in email.body
    assert f"<bdi>{FSI}{case.code}{PDI}</bdi>" in email.html
    assert email.html.count("<bdi>") == email.html.count("</bdi>") == email.body.count(FSI)


def test_an_arabic_staff_email_isolates_the_reference_the_date_and_the_address(org):
    case = make_case(org)
    org.officer_a.language = "ar"
    org.officer_a.save(update_fields=["language"])
    cases.assign_case(case=case, actor=org.office_manager, assignee=org.officer_a)
    email = Message.objects.get(case=case, recipient_kind="staff", user=org.officer_a)
    assert f"{FSI}{case.code}{PDI}" in email.subject
    assert f"{FSI}http" in email.body and f"/staff/cases/{case.code}/{PDI}" in email.body
    assert email.html.count("<bdi>") == email.body.count(FSI) >= 2
    # In English, no marks.
    org.officer_b.language = "en"
    org.officer_b.save(update_fields=["language"])
    english = services.notify_staff(
        user=org.officer_b, event_key=email.event_key, case=case, context={}
    )
    assert FSI not in english.subject + english.body + english.html
    assert f"/staff/cases/{case.code}/" in english.body


def test_an_english_sms_has_no_marks_and_stays_gsm7(org):
    case = make_case(org, citizen_language="en")
    for message in Message.objects.filter(case=case, recipient_kind="citizen"):
        assert FSI not in message.body + message.subject + message.html
        assert PDI not in message.body + message.subject + message.html
    sms = received(case, "sms")
    assert case.code in sms.body
    assert count_sms(sms.body).encoding == "GSM-7"


def test_a_date_given_by_the_caller_is_isolated_too(org):
    case = make_case(org, citizen_email="")
    (late,) = services.notify_citizen(
        case=case, event_key="late", context={"expected_date": "15/01/2027"}
    )
    assert f"{FSI}15/01/2027{PDI}" in late.body
    # Already isolated by the caller: not wrapped twice.
    (again,) = services.notify_citizen(
        case=case, event_key="late", context={"expected_date": isolate("16/01/2027")}
    )
    assert f"{FSI}16/01/2027{PDI}" in again.body and FSI * 2 not in again.body


def test_the_sms_part_count_is_computed_on_the_final_text(org):
    case = make_case(org, citizen_email="")
    # An office template that fills one part exactly before the marks are added.
    template = MessageTemplate(event_key="replied", channel="sms", language="ar")
    services.save_template(
        template=template,
        subject="",
        body="ر" * (70 - len(case.code)) + "{reference}",
        actor=org.office_manager,
    )
    cases.reply_to_citizen(case=case, actor=org.officer_a, body="جواب")
    sms = Message.objects.get(case=case, event_key="replied", channel="sms")
    without_marks = sms.body.replace(FSI, "").replace(PDI, "")
    assert count_sms(without_marks).parts == 1
    count = count_sms(sms.body)
    assert (count.encoding, count.units, count.parts) == ("UCS-2", 72, 2)


def test_the_walk_in_ticket_is_isolated_in_arabic_only(db):
    arabic = services.notify_phone(
        phone="+201001234567",
        language="ar",
        event_key="turn_near",
        context={"ticket": "A-12", "counter": "3، 4"},
    )
    assert f"{FSI}A-12{PDI}" in arabic.body and f"{FSI}3" not in arabic.body
    english = services.notify_phone(
        phone="+201001234567",
        language="en",
        event_key="turn_near",
        context={"ticket": "A-12", "counter": "3"},
    )
    assert FSI not in english.body and count_sms(english.body).encoding == "GSM-7"


def test_html_puts_balanced_isolates_in_bdi_and_still_escapes():
    html = render_html(f"رقم {FSI}<b>AB-12</b>{PDI} و{FSI}بلا نهاية\nسطر {PDI}", language="ar")
    assert f"<bdi>{FSI}&lt;b&gt;AB-12&lt;/b&gt;{PDI}</bdi>" in html
    # An isolate that runs across a line break is left as text, never a broken tag.
    assert html.count("<bdi>") == 1 and html.count("</bdi>") == 1


def test_isolate_leaves_empty_and_isolated_values_alone():
    assert isolate("") == ""
    assert isolate("AB-12") == f"{FSI}AB-12{PDI}"
    assert isolate(isolate("AB-12")) == f"{FSI}AB-12{PDI}"
