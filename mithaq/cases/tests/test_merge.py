"""Merging a duplicate into its survivor, and linking related cases."""

import pytest
from django.core.exceptions import ValidationError

from mithaq.cases import services as case_services
from mithaq.cases.services import duplicates
from mithaq.cases.states import ClosureCode, EventKind, State
from mithaq.citizens.models import CaseLink
from mithaq.notifications.models import Message
from mithaq.testing import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(org):
    survivor = make_case(org)
    duplicate = make_case(
        org,
        citizen_name="سعاد كريم",
        citizen_phone="+9647809876543",
        citizen_email="suad@example.com",
    )
    return survivor, duplicate


def test_merge_closes_the_duplicate_and_keeps_both_timelines(org, pair):
    survivor, duplicate = pair
    merged = duplicates.merge_cases(
        case=duplicate, survivor=survivor, actor=org.officer_a, note="نفس الشكوى"
    )
    assert merged.state == State.CLOSED
    assert merged.closure_code == ClosureCode.DUPLICATE
    assert merged.merged_into == survivor
    assert merged.closed_at is not None
    event = merged.events.get(kind=EventKind.MERGED)
    assert survivor.code in event.body and "نفس الشكوى" in event.body
    assert event.from_state == State.RECEIVED and event.to_state == State.CLOSED
    # The event keeps the closure it gave, and the staff timeline shows it.
    assert event.closure_code == ClosureCode.DUPLICATE
    from django.utils import translation

    from mithaq.cases.timeline import render_timeline

    with translation.override("en"):
        assert 'class="ev-outcome outcome-duplicate"><strong>Duplicate</strong>' in str(
            render_timeline(merged)
        )
    # The duplicate's own history stays with it.
    assert merged.events.filter(kind=EventKind.SUBMITTED).exists()
    absorbed = survivor.events.get(kind=EventKind.ABSORBED)
    assert duplicate.code in absorbed.body
    survivor.refresh_from_db()
    assert survivor.state == State.RECEIVED


def test_another_persons_duplicate_makes_the_survivor_collective(org, pair):
    survivor, duplicate = pair
    duplicates.merge_cases(case=duplicate, survivor=survivor, actor=org.officer_a)
    survivor.refresh_from_db()
    assert survivor.is_collective and survivor.head_count == 2


def test_the_same_persons_duplicate_does_not_count_twice(org):
    survivor = make_case(org)
    duplicate = make_case(org, subject="مرة أخرى")
    duplicates.merge_cases(case=duplicate, survivor=survivor, actor=org.officer_a)
    survivor.refresh_from_db()
    assert not survivor.is_collective and survivor.head_count == 1


def test_a_collective_duplicate_brings_its_people(org, pair):
    survivor, _ = pair
    group = make_case(
        org, citizen_phone="+9647801111111", is_collective=True, head_count=5, subject="جماعية"
    )
    duplicates.merge_cases(case=group, survivor=survivor, actor=org.officer_a)
    survivor.refresh_from_db()
    assert survivor.is_collective and survivor.head_count == 6


def test_the_merged_citizen_hears_the_survivors_public_replies(org, pair):
    survivor, duplicate = pair
    duplicates.merge_cases(case=duplicate, survivor=survivor, actor=org.officer_a)
    # They were told of the merge, on their own reference.
    told = Message.objects.filter(case=duplicate, event_key="merged")
    assert told.exists()
    case_services.reply_to_citizen(case=survivor, actor=org.officer_a, body="سيصدر الكشف غداً")
    case_services.add_note(case=survivor, actor=org.officer_a, body="ملاحظة داخلية")
    replies = Message.objects.filter(case=duplicate, event_key="replied")
    assert replies.count() == len(Message.objects.filter(case=survivor, event_key="replied"))
    assert replies.exists()
    # On their own reference (the SMS sends them to its tracking page), with the text by email.
    assert all(duplicate.code in m.body for m in replies)
    assert "سيصدر الكشف غداً" in replies.get(channel="email").body
    assert not Message.objects.filter(case=duplicate, body__contains="ملاحظة داخلية").exists()


def test_the_follower_keeps_hearing_after_changing_their_phone(org, pair):
    from mithaq.notifications.dispatch import resolve_address

    survivor, duplicate = pair
    duplicates.merge_cases(case=duplicate, survivor=survivor, actor=org.officer_a)
    case_services.update_citizen_contact(case=duplicate, phone="07812345678")
    case_services.reply_to_citizen(case=survivor, actor=org.officer_a, body="رد")
    sms = Message.objects.get(case=duplicate, event_key="replied", channel="sms")
    assert resolve_address(sms) == "+9647812345678"


def test_chains_resolve_to_the_final_survivor(org, pair):
    survivor, duplicate = pair
    final = make_case(org, citizen_phone="+9647802222222", subject="الأصل")
    duplicates.merge_cases(case=duplicate, survivor=survivor, actor=org.officer_a)
    duplicates.merge_cases(case=survivor, survivor=final, actor=org.officer_a)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == final
    final.refresh_from_db()
    # Three people now: the survivor had counted the duplicate's citizen.
    assert final.head_count == 3
    case_services.reply_to_citizen(case=final, actor=org.officer_a, body="الجواب")
    assert Message.objects.filter(case=duplicate, event_key="replied").exists()
    assert Message.objects.filter(case=survivor, event_key="replied").exists()


def test_merge_refusals(org, pair):
    survivor, duplicate = pair
    with pytest.raises(ValidationError) as err:
        duplicates.merge_cases(case=survivor, survivor=survivor, actor=org.officer_a)
    assert err.value.code == "self"
    duplicates.merge_cases(case=duplicate, survivor=survivor, actor=org.officer_a)
    third = make_case(org, citizen_phone="+9647803333333")
    with pytest.raises(ValidationError) as err:
        duplicates.merge_cases(case=third, survivor=duplicate, actor=org.officer_a)
    assert err.value.code == "merged_target"
    assert survivor.code in err.value.messages[0]
    case_services.close_case(case=survivor, actor=org.office_manager, closure_code="answered")
    with pytest.raises(ValidationError) as err:
        duplicates.merge_cases(case=third, survivor=survivor, actor=org.officer_a)
    assert err.value.code == "closed_survivor"
    third.refresh_from_db()
    assert third.state == State.RECEIVED and third.merged_into is None
    assert not third.events.filter(kind=EventKind.MERGED).exists()


def test_no_merge_across_a_case_the_officer_cannot_act_on(org, pair):
    survivor, _ = pair
    other_unit = make_case(org, unit=org.dept_b, citizen_phone="+9647804444444")
    with pytest.raises(ValidationError) as err:
        duplicates.merge_cases(case=other_unit, survivor=survivor, actor=org.officer_a)
    assert err.value.code == "access"
    with pytest.raises(ValidationError):
        duplicates.merge_cases(case=survivor, survivor=other_unit, actor=org.officer_a)
    # Reception may note, not merge; the auditor may do nothing.
    with pytest.raises(ValidationError):
        duplicates.merge_cases(case=other_unit, survivor=survivor, actor=org.reception)
    # The office manager acts everywhere.
    duplicates.merge_cases(case=other_unit, survivor=survivor, actor=org.office_manager)


def test_link_and_unlink_write_both_timelines(org, pair):
    survivor, duplicate = pair
    duplicates.link_cases(case=duplicate, other=survivor, actor=org.officer_a)
    assert CaseLink.objects.of(survivor).count() == 1
    for case, other in ((survivor, duplicate), (duplicate, survivor)):
        assert case.events.get(kind=EventKind.LINKED).body == other.code
    with pytest.raises(ValidationError):
        duplicates.link_cases(case=survivor, other=duplicate, actor=org.officer_a)
    with pytest.raises(ValidationError):
        duplicates.link_cases(case=survivor, other=survivor, actor=org.officer_a)
    duplicates.unlink_cases(case=survivor, other=duplicate, actor=org.officer_a)
    assert not CaseLink.objects.exists()
    assert survivor.events.filter(kind=EventKind.UNLINKED).count() == 1
    assert duplicate.events.filter(kind=EventKind.UNLINKED).count() == 1
    with pytest.raises(ValidationError):
        duplicates.unlink_cases(case=survivor, other=duplicate, actor=org.officer_a)


def test_link_needs_both_cases(org, pair):
    survivor, _ = pair
    other_unit = make_case(org, unit=org.dept_b)
    with pytest.raises(ValidationError):
        duplicates.link_cases(case=survivor, other=other_unit, actor=org.officer_a)
    assert not CaseLink.objects.exists()


def test_relations_read_ids_then_only_the_cases_there_are(org, pair, django_assert_num_queries):
    survivor, duplicate = pair
    with django_assert_num_queries(1):
        assert duplicates.relations(survivor) == {"survivor": None, "absorbed": [], "linked": []}
    linked = make_case(org, citizen_phone="+9647805555555")
    duplicates.merge_cases(case=duplicate, survivor=survivor, actor=org.officer_a)
    duplicates.link_cases(case=survivor, other=linked, actor=org.officer_a)
    with django_assert_num_queries(2):
        found = duplicates.relations(survivor)
    assert found["survivor"] is None
    assert found["absorbed"] == [duplicate]
    assert found["linked"] == [linked]
    duplicate.refresh_from_db()
    assert duplicates.relations(duplicate)["survivor"] == survivor


def test_a_case_read_for_its_page_says_whether_it_has_relations(
    org, pair, django_assert_num_queries
):
    from mithaq.cases.access import get_case_for_user

    survivor, duplicate = pair
    read = get_case_for_user(org.office_manager, survivor.code)
    assert read.has_relations is False
    with django_assert_num_queries(0):
        assert duplicates.relations(read) == {"survivor": None, "absorbed": [], "linked": []}
    linked = make_case(org, citizen_phone="+9647805555555")
    duplicates.link_cases(case=linked, other=survivor, actor=org.officer_a)
    assert get_case_for_user(org.office_manager, survivor.code).has_relations is True
    duplicates.unlink_cases(case=survivor, other=linked, actor=org.officer_a)
    duplicates.merge_cases(case=duplicate, survivor=survivor, actor=org.officer_a)
    read = get_case_for_user(org.office_manager, survivor.code)
    assert read.has_relations is True and duplicates.relations(read)["absorbed"] == [duplicate]
    # The merged case has none of its own but names its survivor.
    merged = get_case_for_user(org.office_manager, duplicate.code)
    assert duplicates.relations(merged)["survivor"] == survivor
