"""Erasure end to end: on request (filed, approved by a second person) and by the retention
job. The oracles: the month's report figures are the same before and after, and the person's
name, phone, email and words are found in no column of any table afterwards."""

import datetime
import json

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from mithaq.accounts.access import access_for
from mithaq.cases import services
from mithaq.cases.models import Attachment, Case
from mithaq.cases.search import search
from mithaq.cases.states import ClosureCode
from mithaq.citizens.models import Citizen
from mithaq.common import crypto
from mithaq.privacy import services as privacy
from mithaq.privacy.models import DataRequest, RequestState
from mithaq.reports import figures
from mithaq.reports.periods import monthly
from mithaq.reports.tests import fixture
from mithaq.surveys.services import Answer, answer_case_survey
from mithaq.testing import PDF, make_case

NOW = datetime.datetime(2026, 12, 6, 9, tzinfo=fixture.BAGHDAD)
# make_case's person, the fixture's confidential one, and what was said and sent.
SECRETS = [
    "أحمد محمود",
    "احمد محمود",  # as the search document spells it
    fixture.CONFIDENTIAL_NAME,
    "7701234567",  # the phone, in any of its forms (decrypted: see _readable_back)
    "ahmed@example.com",
    "قدمت طلب كشف الدرجات",
    "الرد على أحمد بخصوص الكشف",
    "كشف-أحمد.pdf",
    "تعليق أحمد على الاستبيان",
]


def _columns_holding(texts: list[str]) -> dict[str, list[str]]:
    """For each of `texts`, every column of every table, read as text, that holds it (JSON
    may keep non-ASCII as \\u escapes: that spelling is looked for too). One read a table."""
    needles = {text: (text, json.dumps(text)[1:-1]) for text in texts}
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            selected = ", ".join(f"CAST({connection.ops.quote_name(c)} AS TEXT)" for c in columns)
            cursor.execute(f"SELECT {selected} FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from the schema
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    for text, spellings in needles.items():
                        if any(s in value for s in spellings):
                            found.setdefault(text, []).append(f"{table}.{column}")
    return found


def _readable_back(text: str) -> list[str]:
    """Every encrypted column (mithaq.common.crypto) whose value, decrypted with the keys,
    holds `text`: raw SQL sees only ciphertext there, so the plain scan cannot tell."""
    found = []
    for model in apps.get_models():
        for field in crypto.encrypted_fields(model):
            values = model._base_manager.values_list(field.name, flat=True)
            found += [f"{model._meta.db_table}.{field.column}" for v in values if text in v]
    return found


def _columns_holding_or_readable(texts: list[str]) -> dict[str, list[str]]:
    found = _columns_holding(texts)
    for text in texts:
        found.setdefault(text, []).extend(_readable_back(text))
    return {text: where for text, where in found.items() if where}


def _figures() -> dict:
    pack = figures.pack_figures(monthly(2026, 11), None, now=NOW)
    pack.pop("computed_at")
    return pack


@pytest.fixture
def month(org):
    codes = {key: Case.objects.get(code=code) for key, code in fixture.build(org).items()}
    a = codes["A"]
    services.reply_to_citizen(
        case=a,
        actor=org.office_manager,
        body="الرد على أحمد بخصوص الكشف",
        files=[SimpleUploadedFile("كشف-أحمد.pdf", PDF, content_type="application/pdf")],
        now=fixture.at(11, 20, 10),
    )
    answer_case_survey(
        case=codes["C"],
        answer=Answer(satisfaction=2, effort=3, resolved="no", comment="تعليق أحمد على الاستبيان"),
        now=fixture.at(11, 21, 10),
    )
    return codes


def test_an_approved_erasure_leaves_the_reports_and_nothing_of_the_person(org, login, month):
    before = _figures()
    # The oracle finds what is there.
    assert set(_columns_holding_or_readable(SECRETS)) == set(SECRETS)
    # Encrypted at rest: raw SQL never sees the phone.
    assert "7701234567" not in _columns_holding(SECRETS)
    files = list(Attachment.objects.values_list("file", flat=True))
    assert files and all(default_storage.exists(f) for f in files)
    citizen = month["A"].citizen

    # Reception hears the person and files the request; the office manager approves it.
    desk = login(org.reception)
    response = desk.post(reverse("privacy:request_erasure", args=[citizen.pk]))
    assert response.status_code == 302
    row = DataRequest.objects.get(citizen=citizen)
    assert row.state == RequestState.REQUESTED
    assert desk.get(reverse("privacy:erasures")).status_code == 404
    assert (
        desk.post(reverse("privacy:decide", args=[row.pk]), {"decision": "approve"}).status_code
        == 404
    )
    office = login(org.office_manager)
    page = office.get(reverse("privacy:erasures"))
    assert "أحمد محمود" in page.content.decode()
    with django_capture_on_commit():
        office.post(reverse("privacy:decide", args=[row.pk]), {"decision": "approve"})
    row.refresh_from_db()
    assert row.state == RequestState.DONE and row.decided_by == org.office_manager
    assert row.cases_erased == Case.objects.filter(citizen=citizen).count() > 1

    # Anyone else in the month (the fixture's confidential person) by the same path.
    for other in [c for c in Citizen.objects.all() if not c.national_id.startswith("erased-")]:
        privacy.erase_person(citizen=other, actor=org.office_manager, now=NOW)

    assert _figures() == before
    assert _columns_holding_or_readable(SECRETS) == {}
    assert not Attachment.objects.exists()
    assert not any(default_storage.exists(f) for f in files)
    # Found by reference only.
    everything, access = Case.objects.all(), access_for(org.office_manager)
    assert not search(everything, "أحمد", access=access).exists()
    assert list(search(everything, month["A"].code, access=access)) == [month["A"]]
    # The case's page still opens, with nothing of the person.
    page = office.get(reverse("cases:detail", args=[month["A"].code])).content.decode()
    assert "أحمد" not in page and "7701234567" not in page


def django_capture_on_commit():
    # The test runs in one transaction: the files' removal after commit is run at once.
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_who_filed_the_request_may_not_approve_it(org, login, case_a):
    office = login(org.office_manager)
    office.cookies["django_language"] = "en"  # the message read in English
    office.post(reverse("privacy:request_erasure", args=[case_a.citizen_id]))
    row = DataRequest.objects.get()
    response = office.post(
        reverse("privacy:decide", args=[row.pk]), {"decision": "approve"}, follow=True
    )
    row.refresh_from_db()
    assert row.state == RequestState.REQUESTED
    assert "A second person approves an erasure" in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.citizen_name == "أحمد محمود" and case_a.anonymised_at is None


def test_a_second_request_while_one_waits_is_refused(org, login, case_a):
    desk = login(org.reception)
    desk.cookies["django_language"] = "en"  # the message read in English
    url = reverse("privacy:request_erasure", args=[case_a.citizen_id])
    desk.post(url)
    response = desk.post(url, follow=True)
    assert "already awaiting approval" in response.content.decode()
    assert DataRequest.objects.count() == 1


def test_a_refused_request_erases_nothing(org, login, case_a):
    login(org.reception).post(reverse("privacy:request_erasure", args=[case_a.citizen_id]))
    row = DataRequest.objects.get()
    login(org.office_manager).post(reverse("privacy:decide", args=[row.pk]), {"decision": "refuse"})
    row.refresh_from_db()
    assert row.state == RequestState.REFUSED
    case_a.refresh_from_db()
    assert case_a.anonymised_at is None and case_a.citizen_name == "أحمد محمود"


def _closed(org, at: datetime.datetime, **fields) -> Case:
    case = make_case(org, now=at - datetime.timedelta(days=1), **fields)
    services.acknowledge_case(case=case, actor=org.office_manager, now=at)
    services.decide_case(
        case=case, actor=org.office_manager, decision="accepted", reasons="مستحق", now=at
    )
    return services.close_case(
        case=case, actor=org.office_manager, closure_code=ClosureCode.ANSWERED, now=at
    )


@override_settings(MITHAQ_RETENTION_DAYS={"complaint": 30})
def test_the_daily_job_erases_closed_cases_past_their_kind_retention(org):
    closed = datetime.datetime(2026, 1, 10, 10, tzinfo=datetime.UTC)
    old = _closed(org, closed, citizen_name="سعاد القديمة", citizen_phone="+9647701111111")
    recent = _closed(
        org,
        closed + datetime.timedelta(days=5),
        citizen_name="سعاد القديمة",
        citizen_phone="+9647701111111",
    )
    inquiry = _closed(org, closed, kind="inquiry", citizen_phone="+9647702222222")
    still_open = make_case(org, now=closed, citizen_phone="+9647703333333")
    now = closed + datetime.timedelta(days=31)

    assert privacy.apply_retention(now=now) == 1
    old.refresh_from_db()
    assert old.anonymised_at == now and old.citizen_name == "—" and old.body == ""
    for kept in (recent, inquiry, still_open):
        kept.refresh_from_db()
        assert kept.anonymised_at is None and kept.body
    # The person still has a case that is kept: their record too.
    assert Citizen.objects.get(pk=old.citizen_id).name == "سعاد القديمة"
    assert privacy.apply_retention(now=now) == 0  # idempotent

    assert privacy.apply_retention(now=now + datetime.timedelta(days=5)) == 1
    person = Citizen.objects.get(pk=old.citizen_id)
    assert person.name == "—" and person.phone == "" and person.email == ""
