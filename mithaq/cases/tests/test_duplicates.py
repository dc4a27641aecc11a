"""Possible duplicates: the same person within 30 days, or close text; only what the viewer
may see."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mithaq.cases.services import duplicates
from mithaq.testing import make_case

pytestmark = pytest.mark.django_db


def codes(suggestions):
    return {s.case.code for s in suggestions}


def test_the_same_person_within_30_days_is_suggested(org):
    now = timezone.now()
    case = make_case(org, now=now)
    again = make_case(org, subject="موضوع مختلف تماماً", body="نص آخر لا يشبه", now=now)
    old = make_case(org, subject="قديم", body="قديم جداً", now=now - datetime.timedelta(days=45))
    found = duplicates.possible_duplicates(case, org.officer_a)
    assert again.code in codes(found)
    assert old.code not in codes(found)
    assert next(s for s in found if s.case == again).same_person


def test_the_same_national_id_with_another_phone_registered_by_reception_is_the_same_person(
    org,
):
    case = make_case(org, citizen_national_id="19901234567")
    other = make_case(
        org,
        citizen_national_id="19901234567",
        citizen_phone="+9647811111111",
        subject="شيء آخر",
        body="مختلف",
        channel="walk_in",
        received_by=org.reception,
    )
    [suggestion] = duplicates.possible_duplicates(case, org.officer_a)
    assert suggestion.case == other
    assert suggestion.same_person and not suggestion.identity_clash


def test_a_web_case_giving_someones_national_id_with_another_phone_is_flagged(org, login):
    case = make_case(org, citizen_national_id="19901234567")
    other = make_case(
        org,
        citizen_national_id="19901234567",
        citizen_phone="+9647811111111",
        subject="شيء آخر",
        body="مختلف",
    )
    assert other.citizen_id != case.citizen_id
    for one, two in ((case, other), (other, case)):
        [suggestion] = duplicates.possible_duplicates(one, org.officer_a)
        assert suggestion.case == two
        assert suggestion.identity_clash and not suggestion.same_person
    body = (
        login(org.officer_a)
        .get(reverse("citizens:duplicates", args=[case.code]), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert 'class="badge badge-clash"' in body and "badge-same" not in body


def test_close_text_from_another_person_is_suggested(org):
    case = make_case(org)
    close = make_case(
        org,
        citizen_phone="+9647809876543",
        subject="تاخر اصدار كشف الدرجات",
        body="قدمت طلب كشف درجات منذ شهر ولم استلمه حتى الان",
    )
    unrelated = make_case(
        org,
        citizen_phone="+9647801212121",
        subject="مشكلة في موقف السيارات",
        body="الموقف مزدحم دائماً ولا توجد أماكن للزوار.",
    )
    found = duplicates.possible_duplicates(case, org.officer_a)
    assert close.code in codes(found)
    assert unrelated.code not in codes(found)
    suggestion = next(s for s in found if s.case == close)
    assert not suggestion.same_person and suggestion.similarity >= duplicates.TEXT_THRESHOLD


def test_suggestions_respect_access(org):
    case = make_case(org)
    elsewhere = make_case(org, unit=org.dept_b)  # same person, another unit
    assert elsewhere.code not in codes(duplicates.possible_duplicates(case, org.officer_a))
    assert elsewhere.code in codes(duplicates.possible_duplicates(case, org.office_manager))


def test_a_confidential_case_is_not_matched_by_person_for_who_may_not_know_it(org):
    case = make_case(org)
    hidden = make_case(org, identity_confidential=True, subject="آخر", body="مختلف كلياً")
    # Reception sees every case, but not a confidential citizen: no "same person" match.
    assert hidden.code not in codes(duplicates.possible_duplicates(case, org.reception))
    assert hidden.code in codes(duplicates.possible_duplicates(case, org.office_manager))


def test_merged_cases_are_not_suggested(org):
    case = make_case(org)
    survivor = make_case(org, subject="أ")
    dup = make_case(org, subject="ب")
    duplicates.merge_cases(case=dup, survivor=survivor, actor=org.officer_a)
    found = codes(duplicates.possible_duplicates(case, org.officer_a))
    assert survivor.code in found and dup.code not in found


def test_python_similarity_is_pg_trgm_like():
    assert duplicates.similarity("كشف الدرجات", "كشف الدرجات") == 1.0
    assert duplicates.similarity("", "كشف") == 0.0
    # Alef and ta marbuta variants read alike.
    assert duplicates.similarity("إصدار الشهادة", "اصدار الشهاده") == 1.0
