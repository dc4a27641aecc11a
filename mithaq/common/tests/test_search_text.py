"""The search document: what goes in, and how the writes keep it current."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from mithaq.cases import services
from mithaq.common.search_text import (
    SEP,
    build_search_text,
    case_search_text,
    split,
    strip_article,
    with_identity,
    with_text_added,
)
from mithaq.common.text import normalize_arabic
from mithaq.testing import make_case


def test_document_holds_identity_apart_from_content():
    text = build_search_text(
        code="ACDE-FGHJ",
        citizen_name="أحمد محمود",
        citizen_phone="+9647701234567",
        citizen_national_id="199012345678",
        subject="تأخّر إصدار كشف الدرجات",
        body="راجعتُ الأستاذة في القسم.",
        replies=["نعتذر عن التأخير"],
    )
    identity, content = split(text)
    # The phone and the ID are found by their keyed hash (mithaq.common.crypto), never here.
    assert identity.split() == ["احمد", "محمود"]
    assert "acde" in content.split() and "acdefghj" in content.split()
    # Diacritics gone, alef and ta marbuta folded, the article stripped alongside.
    assert "الاستاذه" in content.split() and "استاذه" in content.split()
    assert "تاخر" in content.split()
    assert "نعتذر" in content.split()
    assert "احمد" not in content and "9647701234567" not in content


def test_article_is_stripped_only_when_a_word_is_left():
    assert strip_article("والاستاذه") == "استاذه"
    assert strip_article("للطلبه") == "طلبه"
    assert strip_article("الله") == "الله"


def test_reply_and_new_identity_change_only_their_part():
    text = build_search_text(
        code="ACDE-FGHJ", citizen_name="سعاد", citizen_phone="+9647701234567",
        subject="قاعة", body="نص",
    )  # fmt: skip
    text = with_text_added(text, "تمت المعالجة")
    assert split(text)[1].endswith("تمت المعالجه معالجه")
    changed = with_identity(text, citizen_name="سعاد علي", citizen_phone="+9647809999999")
    assert split(changed)[0] == "سعاد علي" and "9647809999999" not in changed
    assert split(changed)[1] == split(text)[1]


@given(st.text(max_size=60))
def test_separator_never_survives_normalisation(value):
    assert SEP not in normalize_arabic(value)


@pytest.mark.django_db
def test_submission_writes_the_document_in_its_insert(org):
    with CaptureQueriesContext(connection) as ctx:
        case = make_case(org, subject="الأستاذة", citizen_national_id="199012345678")
    case.refresh_from_db()
    assert case.search_text == case_search_text(case)
    updates = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
    assert not any("search_text" in sql for sql in updates)


@pytest.mark.django_db
def test_public_reply_and_citizen_answer_are_added_but_not_notes(org, case_a):
    services.acknowledge_case(case=case_a, actor=org.officer_a)
    services.add_note(case=case_a, actor=org.officer_a, body="ملاحظة داخلية سرية")
    services.reply_to_citizen(case=case_a, actor=org.officer_a, body="أرسلنا الكشفَ بالبريد")
    services.request_information(case=case_a, actor=org.officer_a, question="رقم القيد؟")
    services.record_citizen_response(case=case_a, body="رقمي ٤٥٦٧٨")
    case_a.refresh_from_db()
    _identity, content = split(case_a.search_text)
    assert "سريه" not in content
    assert "ارسلنا" in content and "كشف" in content
    assert "45678" in content
    assert case_a.search_text == case_search_text(case_a, ["أرسلنا الكشفَ بالبريد", "رقمي ٤٥٦٧٨"])


@pytest.mark.django_db
def test_contact_change_keeps_no_phone_in_the_document(org, case_a):
    services.update_citizen_contact(case=case_a, phone="07809999999", email="")
    case_a.refresh_from_db()
    assert case_a.citizen_phone == "+9647809999999"
    assert "9647809999999" not in case_a.search_text and "9647701234567" not in case_a.search_text


@pytest.mark.django_db
def test_refused_reply_leaves_the_document_as_it_was(org, case_a):
    services.close_case(case=case_a, actor=org.office_manager, closure_code="answered")
    case_a.refresh_from_db()
    before = case_a.search_text
    with pytest.raises(services.CaseStateError):
        services.reply_to_citizen(case=case_a, actor=org.officer_a, body="جديد")
    case_a.refresh_from_db()
    assert case_a.search_text == before
