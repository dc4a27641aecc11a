"""Government systems and the ministry: a case entered in an external system while open, the
lists of cases still to enter or still without the external closure code, their CSV in the
system's field order, and the letters exchanged with a requesting body."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mithaq.cases import services
from mithaq.cases.models import Case, CaseEvent
from mithaq.cases.states import ClosureCode, EventKind, ExternalSystem, State
from mithaq.intake import government
from mithaq.intake.models import Letter
from mithaq.testing import make_case


def _close(case, org, **external):
    services.acknowledge_case(case=case, actor=org.office_manager)
    services.resolve_case(case=case, actor=org.office_manager, summary="تم إصدار الكشف")
    return services.close_case(
        case=case, actor=org.office_manager, closure_code=ClosureCode.ANSWERED, **external
    )


# ------------------------------------------------------------------ the service


def test_open_case_is_entered_in_an_external_system_and_stays_open(case_a, org):
    services.record_external_entry(
        case=case_a,
        actor=org.office_manager,
        system=ExternalSystem.IQ_ECITIZEN,
        reference="EC-2027-00481",
        status="قيد المعالجة",
    )
    case = Case.objects.get(pk=case_a.pk)
    assert case.state == State.RECEIVED
    assert (case.external_system, case.external_reference, case.external_status) == (
        "iq_ecitizen",
        "EC-2027-00481",
        "قيد المعالجة",
    )
    assert case.external_updated_at is not None
    event = case.events.get(kind=EventKind.EXTERNAL_RECORDED)
    assert (event.actor, event.external_reference, event.is_public) == (
        org.office_manager,
        "EC-2027-00481",
        False,
    )
    # The inbox's search finds the case by the external reference.
    assert "00481" in case.search_text.split()


def test_same_entry_again_writes_no_second_event(case_a, org):
    for _ in range(2):
        services.record_external_entry(
            case=case_a, actor=org.office_manager, system="eg_unified", reference="123456"
        )
    assert case_a.events.filter(kind=EventKind.EXTERNAL_RECORDED).count() == 1


@pytest.mark.parametrize(
    ("system", "reference"),
    [("unknown_system", "123"), ("eg_unified", "   "), ("eg_unified", "x" * 81)],
)
def test_bad_entry_is_refused_and_writes_nothing(case_a, org, system, reference):
    events = case_a.events.count()
    with pytest.raises(ValidationError):
        services.record_external_entry(
            case=case_a, actor=org.office_manager, system=system, reference=reference
        )
    case = Case.objects.get(pk=case_a.pk)
    assert (case.external_system, case.external_reference) == ("", "")
    assert case.events.count() == events


def test_closure_code_from_the_external_system_is_recorded_after_closing(case_a, org):
    _close(case_a, org, external_system="eg_unified", external_reference="778899")
    services.record_external_entry(
        case=case_a,
        actor=org.office_manager,
        system="eg_unified",
        reference="778899",
        status="مغلقة",
        closure_code="CL-55",
    )
    case = Case.objects.get(pk=case_a.pk)
    assert (case.state, case.external_closure_code) == (State.CLOSED, "CL-55")


# ------------------------------------------------------------------ the lists and the CSV


def test_lists_of_cases_to_enter_and_to_close(org):
    waiting = make_case(org, subject="لم تدخل بعد")
    entered = make_case(org, subject="أدخلت")
    services.record_external_entry(
        case=entered, actor=org.office_manager, system="iq_ecitizen", reference="EC-1"
    )
    closed_without_code = make_case(org, subject="أغلقت بلا رمز")
    _close(closed_without_code, org, external_system="iq_ecitizen", external_reference="EC-2")
    closed_with_code = make_case(org, subject="أغلقت برمز")
    _close(closed_with_code, org, external_system="iq_ecitizen", external_reference="EC-3")
    services.record_external_entry(
        case=closed_with_code,
        actor=org.office_manager,
        system="iq_ecitizen",
        reference="EC-3",
        closure_code="99",
    )
    closed_never_entered = make_case(org, subject="أغلقت ولم تدخل")
    _close(closed_never_entered, org)

    assert list(government.reentry_cases(government.TO_ENTER)) == [waiting]
    assert list(government.reentry_cases(government.TO_CLOSE)) == [closed_without_code]


def test_csv_is_in_the_systems_field_order_and_starts_no_formula(org):
    make_case(
        org,
        subject='=HYPERLINK("http://evil.example","x")',
        body="@SUM(A1:A9)",
        citizen_name="+سارة",
        citizen_national_id="-123",
        citizen_phone="+9647701234567",
    )
    text = government.reentry_csv(government.reentry_cases(government.TO_ENTER), "iq_ecitizen")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == [
        "رقم الطلب في المنظومة",
        "اسم المواطن",
        "رقم الهوية",
        "رقم الهاتف",
        "نوع الطلب",
        "الجهة المعنية",
        "موضوع الطلب",
        "تفاصيل الطلب",
        "تاريخ الطلب",
        "الرقم المرجعي",
    ]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["موضوع الطلب"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["تفاصيل الطلب"] == "'@SUM(A1:A9)"
    assert row["اسم المواطن"] == "'+سارة"
    assert row["رقم الهوية"] == "'-123"
    # The national form, as the citizen writes it: no + to quote.
    assert row["رقم الهاتف"] == "07701234567"
    for cell in rows[1]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


# ------------------------------------------------------------------ the pages


def test_office_records_an_entry_from_the_list(login, org, case_a):
    client = login(org.office_manager)
    page = client.get(reverse("government:reentry"))
    assert page.status_code == 200
    assert case_a.code in page.content.decode()
    url = reverse("government:external_entry", args=[case_a.code])
    answer = client.post(url, {"system": "eg_unified", "reference": "ABC-77", "status": "جديدة"})
    assert answer.status_code == 302
    assert Case.objects.get(pk=case_a.pk).external_reference == "ABC-77"
    page = client.get(reverse("government:reentry"))
    assert case_a.code not in page.content.decode()


def test_entry_without_reference_shows_the_form_again(login, org, case_a):
    client = login(org.office_manager)
    url = reverse("government:external_entry", args=[case_a.code])
    answer = client.post(url, {"system": "eg_unified", "reference": ""})
    assert answer.status_code == 200
    assert Case.objects.get(pk=case_a.pk).external_reference == ""
    assert not CaseEvent.objects.filter(kind=EventKind.EXTERNAL_RECORDED).exists()


def test_csv_download_is_an_attachment(login, org, case_a):
    client = login(org.office_manager)
    answer = client.get(reverse("government:reentry_csv") + "?list=to_enter&system=eg_unified")
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment;")
    assert case_a.code in answer.content.decode("utf-8-sig")


def test_auditor_reads_the_list_but_may_not_record(login, org, case_a):
    client = login(org.auditor)
    assert client.get(reverse("government:reentry")).status_code == 200
    url = reverse("government:external_entry", args=[case_a.code])
    assert client.post(url, {"system": "eg_unified", "reference": "X"}).status_code == 404
    assert client.post(reverse("government:letters"), {}).status_code == 404
    assert Case.objects.get(pk=case_a.pk).external_reference == ""


def test_officer_of_a_unit_gets_404(login, org, case_a):
    client = login(org.officer_a)
    assert client.get(reverse("government:reentry")).status_code == 404
    assert client.get(reverse("government:letters")).status_code == 404


def _letter(**overrides):
    return {
        "case_code": "",
        "direction": "received",
        "body_name": "وزارة التعليم العالي والبحث العلمي",
        "number": "ت/4512",
        "date": "2027-02-14",
        "summary": "طلب بيان الإجراءات المتخذة",
    } | overrides


def test_ministry_letter_and_answer_are_recorded_and_searchable(login, org, case_a):
    client = login(org.office_manager)
    url = reverse("government:letters")
    assert client.post(url, _letter(case_code=case_a.code.lower())).status_code == 302
    answer = _letter(case_code=case_a.code, direction="sent", number="ج/918", date="2027-02-20")
    assert client.post(url, answer).status_code == 302
    letters = Letter.objects.order_by("id")
    assert [(x.direction, x.number, x.date) for x in letters] == [
        ("received", "ت/4512", datetime.date(2027, 2, 14)),
        ("sent", "ج/918", datetime.date(2027, 2, 20)),
    ]
    kinds = list(case_a.events.filter(kind__startswith="letter_").values_list("kind", "body"))
    assert kinds == [
        ("letter_received", "ت/4512 · 2027-02-14 · وزارة التعليم العالي والبحث العلمي\n"
         "طلب بيان الإجراءات المتخذة"),
        ("letter_sent", "ج/918 · 2027-02-20 · وزارة التعليم العالي والبحث العلمي\n"
         "طلب بيان الإجراءات المتخذة"),
    ]  # fmt: skip
    found = client.get(url, {"q": "918"}).content.decode()
    assert "ج/918" in found
    assert "ت/4512" not in found
    assert "ت/4512" in client.get(url, {"q": case_a.code}).content.decode()


def test_letter_for_an_unknown_case_writes_nothing(login, org, case_a):
    client = login(org.office_manager)
    client.cookies["django_language"] = "en"  # the message read in English
    answer = client.post(reverse("government:letters"), _letter(case_code="AAAA-AAAA"))
    assert answer.status_code == 200
    assert "No case you may see has this reference." in answer.content.decode()
    assert not Letter.objects.exists()
    assert not CaseEvent.objects.filter(kind__startswith="letter_").exists()


def test_case_page_history_shows_the_external_entry(login, org, case_a):
    services.record_external_entry(
        case=case_a,
        actor=org.office_manager,
        system="eg_unified",
        reference="EG-55-901",
        status="قيد الفحص",
    )
    page = login(org.office_manager).get(reverse("cases:detail", args=[case_a.code]))
    html = page.content.decode()
    assert "<bdi>EG-55-901</bdi>" in html
    assert "قيد الفحص" in html
