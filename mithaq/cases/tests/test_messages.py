"""Messages composed in one place: every message a case event sends has its default files per
language; the office's row wins over the file and is checked by one validator, on its page and
in the admin; the escalation, late-notice, merge and digest messages are written by those
templates (expected texts written out here)."""

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from mithaq.cases import services
from mithaq.cases import tasks as case_tasks
from mithaq.cases.messages import CITIZEN_MESSAGES, STAFF_MESSAGES
from mithaq.cases.services import duplicates
from mithaq.cases.services.escalation import tick_clocks
from mithaq.cases.services.privacy import restrict_case
from mithaq.common.text import FSI, PDI
from mithaq.notifications.defaults import placeholders_for
from mithaq.notifications.forms import check_placeholders
from mithaq.notifications.models import Message, MessageTemplate
from mithaq.notifications.services import templates_changed
from mithaq.routing.models import CaseClock, Target
from mithaq.testing import make_case

pytestmark = pytest.mark.django_db

BAGHDAD = ZoneInfo("Asia/Baghdad")
FOLDER = (
    Path(__file__).resolve().parents[2]
    / "notifications"
    / "templates"
    / "notifications"
    / "messages"
)
# Written by hand, not read from the code: the citizen's messages (SMS, WhatsApp, email) and
# the staff's (email), and the files each is made of.
CITIZEN = [
    "received",
    "referred",
    "info_requested",
    "replied",
    "decided",
    "resolved",
    "closed",
    "merged",
    "late",
]
STAFF = ["assigned", "referred_to_unit", "citizen_responded", "reminder", "escalated"]
CITIZEN_PARTS = ["sms.txt", "whatsapp.txt", "subject.txt", "text.txt"]
STAFF_PARTS = ["subject.txt", "text.txt"]


# One date style per language (mithaq/formats): the month by name. Written out by hand.
AR_MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
             "أكتوبر", "نوفمبر", "ديسمبر"]  # fmt: skip
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]  # fmt: skip


def at(day, hour, minute=0):
    return datetime.datetime(2027, 1, day, hour, minute, tzinfo=BAGHDAD)


@pytest.fixture(autouse=True)
def site(settings):
    settings.MITHAQ_PUBLIC_URL = "https://mithaq.example"
    settings.MITHAQ_INSTITUTION_NAME = "جامعة ميثاق"


def test_the_table_names_the_messages_expected():
    assert sorted(CITIZEN_MESSAGES.values()) == sorted(CITIZEN)
    assert sorted(STAFF_MESSAGES.values()) == sorted(STAFF)


@pytest.mark.parametrize(
    "event_key,parts",
    [(e, CITIZEN_PARTS) for e in CITIZEN]
    + [(e, STAFF_PARTS) for e in STAFF]
    + [("daily_digest", [*STAFF_PARTS, "item.txt"]), ("turn_near", CITIZEN_PARTS)]
    + [("updates", CITIZEN_PARTS), ("low_satisfaction", STAFF_PARTS)]
    + [("interview_record_due", STAFF_PARTS)],
)
@pytest.mark.parametrize("language", ["ar", "en", "fr", "es"])
def test_every_message_has_its_default_files(event_key, parts, language):
    for part in parts:
        path = FOLDER / event_key / language / part
        assert path.is_file(), path
        text = path.read_text(encoding="utf-8")
        assert text.strip(), path
        # The defaults are written as the office writes: the same placeholders, one check.
        # (A digest's item is one case's line.)
        allowed = ("reference", "subject") if part == "item.txt" else placeholders_for(event_key)
        check_placeholders(text, allowed)


def test_every_language_says_what_the_english_says():
    """A French or Spanish citizen gets the same links and dates as an English one: each
    default file uses the placeholders of its English file (the case's link, the survey's,
    the grievance's last day), no fewer and no more."""
    placeholder = re.compile(r"{(\w+)}")
    for english in sorted(FOLDER.glob("*/en/*.txt")):
        wanted = set(placeholder.findall(english.read_text(encoding="utf-8")))
        for language in ("ar", "fr", "es"):
            other = english.parent.parent / language / english.name
            assert other.is_file(), other
            found = set(placeholder.findall(other.read_text(encoding="utf-8")))
            assert found == wanted, (other, sorted(wanted ^ found))


def test_a_new_database_has_no_rows_and_the_office_row_wins(org):
    assert not MessageTemplate.objects.exists()
    case = make_case(org, citizen_language="en", citizen_email="")
    day = case.due_at.astimezone(BAGHDAD)
    due = f"{day.day} {EN_MONTHS[day.month - 1]} {day.year}"
    [sms] = Message.objects.filter(case=case, event_key="received")
    url = re.search(r"http\S+/c/\S+/$", sms.body).group(0)  # the case's short link
    assert sms.body == (
        f"We received your case {case.code}. Expected reply by {due}. Follow it: {url}"
    )
    MessageTemplate.objects.create(
        event_key="replied", channel="sms", language="en", body="Answer on {reference}."
    )
    templates_changed()  # what every write path of the rows says
    services.reply_to_citizen(case=case, actor=org.officer_a, body="Done")
    [reply] = Message.objects.filter(case=case, event_key="replied")
    assert reply.body == f"Answer on {case.code}."


def test_the_office_page_writes_an_override_and_restores_the_default(org, login):
    client = login(org.office_manager)
    url = "/staff/messages/templates/replied/sms/en/"
    assert "There is a reply to your case {reference}." in client.get(url).content.decode()
    assert client.post(url, {"body": "Answer on {reference}."}).status_code == 302
    row = MessageTemplate.objects.get(event_key="replied", channel="sms", language="en")
    assert row.body == "Answer on {reference}." and row.updated_by == org.office_manager
    assert client.post(url + "default/").status_code == 302
    assert not MessageTemplate.objects.exists()
    case = make_case(org, citizen_language="en", citizen_email="")
    services.reply_to_citizen(case=case, actor=org.officer_a, body="Done")
    [reply] = Message.objects.filter(case=case, event_key="replied")
    url = re.search(r"http\S+/c/\S+/$", reply.body).group(0)  # the case's short link
    assert reply.body == f"There is a reply to your case {case.code}. Read it here: {url}"
    assert client.get("/staff/messages/templates/nothing/sms/en/").status_code == 404
    assert client.get("/staff/messages/templates/assigned/sms/en/").status_code == 404


def test_an_unknown_placeholder_is_refused_on_the_page_and_in_the_admin(org, login):
    office = login(org.office_manager)
    office.cookies["django_language"] = "en"
    response = office.post("/staff/messages/templates/late/sms/ar/", {"body": "{reference} {pin}"})
    assert response.status_code == 400
    assert "Unknown placeholders: {pin}." in response.content.decode()
    admin = login(org.admin)
    admin.cookies["django_language"] = "en"
    response = admin.post(
        reverse("admin:notifications_messagetemplate_add"),
        {"event_key": "late", "channel": "sms", "language": "ar", "body": "{reference} {pin}"},
    )
    assert response.status_code == 200
    assert "Unknown placeholders: {pin}." in response.content.decode()
    assert not MessageTemplate.objects.exists()


def test_the_escalation_alert_is_written_by_its_template(org):
    case = make_case(org, now=at(10, 9))
    services.assign_case(case=case, actor=org.officer_a, assignee=org.officer_a, now=at(10, 9, 5))
    tick_clocks(now=at(11, 14, 30))  # the acknowledgement was due at 14:00
    [alert] = Message.objects.filter(user=org.manager_college_a, event_key="escalated")
    code = f"{FSI}{case.code}{PDI}"
    assert alert.subject == f"تصعيد: تجاوزت المعاملة {code} موعدها"
    assert alert.body == (
        f"تصعيد: تجاوزت المعاملة {code} موعدها ({FSI}11 يناير 2027، 14:00{PDI}).\n"
        "تأخر إصدار كشف الدرجات\n"
        "الإشعار بالاستلام\n"
        f"{FSI}https://mithaq.example/staff/cases/{case.code}/{PDI}"
    )


def test_the_late_notice_is_written_by_its_template(org):
    case = make_case(org, now=at(10, 9), citizen_email="")
    services.assign_case(case=case, actor=org.officer_a, assignee=org.officer_a, now=at(10, 9, 5))
    services.acknowledge_case(case=case, actor=org.officer_a, now=at(10, 10))
    services.reply_to_citizen(case=case, actor=org.officer_a, body="نعمل عليه", now=at(10, 11))
    decision = CaseClock.objects.get(case=case, target=Target.DECISION)
    tick_clocks(now=decision.due_at + datetime.timedelta(minutes=5))
    decision.refresh_from_db()
    moment = decision.expected_at.astimezone(BAGHDAD)
    date = f"{moment.day} {AR_MONTHS[moment.month - 1]} {moment.year}، {moment:%H:%M}"
    [late] = Message.objects.filter(case=case, event_key="late")
    assert late.body == (
        f"نعتذر عن تأخر الرد على طلبكم {FSI}{case.code}{PDI}. "
        f"الموعد الجديد المتوقع {FSI}{date}{PDI}."
    )


def test_the_merge_is_told_by_its_own_template(org):
    survivor = make_case(org)
    duplicate = make_case(org, citizen_phone="+9647809876543", citizen_email="suad@example.com")
    duplicates.merge_cases(case=duplicate, survivor=survivor, actor=org.officer_a)
    told = {m.channel: m for m in Message.objects.filter(case=duplicate, event_key="merged")}
    code = f"{FSI}{duplicate.code}{PDI}"
    assert told["sms"].body == f"أغلق طلبكم {code}. يحق لكم التظلم خلال المدة المحددة."
    assert told["email"].subject == f"أغلق طلبكم {code}"
    assert told["email"].body == (
        f"أغلق طلبكم {code}.\n"
        "ضُمّ إلى معاملة أخرى في الموضوع نفسه: ستصلكم ردودها على هذا الرقم المرجعي.\n\n"
        "يحق لكم التظلم خلال المدة المحددة.\n"
        "جامعة ميثاق"
    )


def test_the_daily_digest_leaves_out_a_restricted_case_its_assignee_is_not_named_on(org):
    case = make_case(org, subject="شهادة التخرج")
    services.assign_case(case=case, actor=org.office_manager, assignee=org.officer_a)
    type(case).objects.filter(pk=case.pk).update(due_at=case.created_at)
    restrict_case(
        case=case, actor=org.office_manager, people=[org.office_manager], now=case.created_at
    )
    assert case_tasks.send_daily_digests.call() == 0
    assert not Message.objects.filter(event_key="daily_digest").exists()
    # Named on it, the assignee hears of it again.
    restrict_case(
        case=case,
        actor=org.office_manager,
        people=[org.office_manager, org.officer_a],
        now=case.created_at,
    )
    assert case_tasks.send_daily_digests.call() == 1


def test_the_daily_digest_lists_its_cases_by_its_item_template(org):
    case = make_case(org, subject="شهادة التخرج")
    services.assign_case(case=case, actor=org.office_manager, assignee=org.officer_a)
    type(case).objects.filter(pk=case.pk).update(due_at=case.created_at)
    assert case_tasks.send_daily_digests.call() == 1
    digest = Message.objects.get(event_key="daily_digest")
    assert digest.subject == "ما يستحق اليوم: 1"
    assert digest.body == (
        f"{org.officer_a}، هذه المعاملات المستحقة أو المتأخرة لديك (1):\n\n"
        f"- {case.code}: شهادة التخرج\n\n"
        f"{FSI}https://mithaq.example/staff/{PDI}"
    )
