"""Writing ready answers: texts per language, the normalised search column, editing rights,
what fits a case, and the demo's ready answers."""

import pytest
from django.core.exceptions import ValidationError

from mithaq.accounts.access import may_edit_ready_answers
from mithaq.demo import knowledge as demo
from mithaq.knowledge import selectors
from mithaq.knowledge.models import CannedReply, CannedReplyText, FaqEntry
from mithaq.knowledge.services import save_canned_reply, save_faq_entry, set_canned_reply_active
from mithaq.testing import make_case


def reply(org, *, unit=None, service=None, title="رد", body="نص الرد", en=None, actor=None):
    texts = {"ar": (title, body)}
    if en:
        texts["en"] = en
    return save_canned_reply(
        actor=actor or org.office_manager, unit=unit, service=service, texts=texts
    )


def test_a_reply_keeps_a_text_per_language_and_a_normalised_search_column(org):
    saved = reply(
        org,
        unit=org.dept_a,
        title="إستمارة الـتـسجيل",
        body="أُرسِلَت الاستمارة مكتملةً",
        en=("Registration form", "The form was sent"),
    )
    assert {t.language: t.title for t in saved.texts.all()} == {
        "ar": "إستمارة الـتـسجيل",
        "en": "Registration form",
    }
    assert "استماره التسجيل" in saved.search_text
    assert "registration form" in saved.search_text
    assert saved.created_by == saved.updated_by == org.office_manager

    # Blanking a language removes it; the search column follows.
    save_canned_reply(
        actor=org.office_manager,
        reply=saved,
        unit=org.dept_a,
        texts={"ar": ("استمارة", "نص"), "en": ("", "")},
    )
    saved.refresh_from_db()
    assert list(saved.texts.values_list("language", flat=True)) == ["ar"]
    assert "registration" not in saved.search_text


@pytest.mark.parametrize(
    "typed",
    ["الاستماره", "الإستمارة", "الأستمارة", "اَلْاِسْتِمَارَة", "الاستمـــارة", "مكتمله", "مُكْتَمَلَة"],
)
def test_arabic_search_finds_a_reply_by_any_spelling(org, typed):
    wanted = reply(org, title="استمارة التسجيل", body="أُرسلت الإستمارة مكتملةً إلى القسم")
    reply(org, title="كشف الدرجات", body="صدر الكشف")
    found = list(selectors.replies_for_list(query=typed))
    assert found == [wanted]


def test_search_needs_every_word(org):
    wanted = reply(org, title="كشف الدرجات جاهز", body="استلمه من الشباك")
    reply(org, title="كشف الحضور", body="راجع القسم")
    assert list(selectors.replies_for_list(query="كشف الشباك")) == [wanted]
    assert len(selectors.replies_for_list(query="كشف")) == 2


def test_arabic_is_required_and_a_half_language_is_refused(org):
    with pytest.raises(ValidationError):
        save_canned_reply(actor=org.office_manager, texts={"en": ("Title", "Body")})
    with pytest.raises(ValidationError):
        save_canned_reply(
            actor=org.office_manager, texts={"ar": ("عنوان", "نص"), "en": ("Title", "")}
        )
    assert not CannedReply.objects.exists()
    assert not CannedReplyText.objects.exists()


def test_unit_manager_edits_only_the_subtree(org):
    manager = org.manager_college_a
    assert may_edit_ready_answers(manager, org.college_a)
    assert may_edit_ready_answers(manager, org.dept_a2)
    assert not may_edit_ready_answers(manager, org.dept_b)
    assert not may_edit_ready_answers(manager, org.root)
    assert not may_edit_ready_answers(manager, None)
    assert may_edit_ready_answers(org.office_manager, None)
    assert not may_edit_ready_answers(org.officer_a, org.dept_a)

    mine = reply(org, unit=org.dept_a, actor=manager)
    assert mine.created_by == manager
    with pytest.raises(ValidationError):
        reply(org, unit=org.dept_b, actor=manager)
    with pytest.raises(ValidationError):
        reply(org, actor=manager)  # institution-wide
    with pytest.raises(ValidationError):
        reply(org, service=org.service_b, actor=manager)
    # Nor may a manager move their reply out of their subtree, or change another unit's.
    with pytest.raises(ValidationError):
        save_canned_reply(actor=manager, reply=mine, unit=org.dept_b, texts={"ar": ("رد", "نص")})
    theirs = reply(org, unit=org.dept_b)
    with pytest.raises(ValidationError):
        set_canned_reply_active(reply=theirs, actor=manager, active=False)
    theirs.refresh_from_db()
    assert theirs.is_active
    mine.refresh_from_db()
    assert mine.unit == org.dept_a


def test_a_service_must_belong_to_the_chosen_unit(org):
    with pytest.raises(ValidationError):
        reply(org, unit=org.dept_a, service=org.service_b)
    assert reply(org, unit=org.college_a, service=org.service_a).service == org.service_a


def test_officers_may_not_write(org):
    with pytest.raises(ValidationError):
        reply(org, unit=org.dept_a, actor=org.officer_a)


def test_replies_fitting_a_case(org):
    case = make_case(org, service=org.service_a, citizen_language="en")
    everywhere = reply(org, title="عام", en=("General", "text"))
    college = reply(org, unit=org.college_a, title="الكلية")
    dept = reply(org, unit=org.dept_a, title="القسم")
    service = reply(org, service=org.service_a, title="الخدمة")
    both = reply(org, unit=org.dept_a, service=org.service_a, title="القسم والخدمة")
    reply(org, unit=org.dept_a2, title="قسم آخر")
    other_unit = reply(org, unit=org.dept_b, title="كلية أخرى")
    reply(org, service=org.service_b, title="خدمة أخرى")
    put_away = reply(org, unit=org.dept_a, title="قديم")
    set_canned_reply_active(reply=put_away, actor=org.office_manager, active=False)

    fitting = set(CannedReply.objects.active().fitting(case))
    assert fitting == {everywhere, college, dept, service, both}

    texts = selectors.fitting_texts(case, first_language="en")
    # The citizen's language first, then the most specific.
    assert texts[0].language == "en"
    assert [t.title for t in texts[1:3]] == ["القسم والخدمة", "الخدمة"]
    assert texts[-1].title == "عام"

    other = make_case(org, unit=org.dept_b)
    assert set(CannedReply.objects.active().fitting(other)) == {everywhere, other_unit}


def test_faq_entries_are_kept_per_service_by_their_units_managers(org):
    entry = save_faq_entry(
        actor=org.manager_college_a,
        service=org.service_a,
        is_published=True,
        texts={"ar": ("سؤال", "جواب"), "en": ("Question", "Answer")},
    )
    assert entry.text("en").question == "Question"
    with pytest.raises(ValidationError):
        save_faq_entry(
            actor=org.manager_college_a, service=org.service_b, texts={"ar": ("سؤال", "جواب")}
        )
    with pytest.raises(ValidationError):
        save_faq_entry(actor=org.officer_a, service=org.service_a, texts={"ar": ("س", "ج")})
    assert FaqEntry.objects.count() == 1


def test_published_faq_hides_drafts_and_inactive_services(org):
    draft = save_faq_entry(
        actor=org.office_manager, service=org.service_a, texts={"ar": ("س١", "ج")}
    )
    shown = save_faq_entry(
        actor=org.office_manager,
        service=org.service_a,
        is_published=True,
        texts={"ar": ("س٢", "ج")},
    )
    assert selectors.published_faq(org.service_a) == [shown]
    assert draft not in FaqEntry.objects.published()
    org.service_a.is_active = False
    org.service_a.save()
    assert selectors.published_faq(org.service_a) == []


def test_demo_ready_answers_load_once(db):
    from django.core.management import call_command

    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    replies, entries = CannedReply.objects.count(), FaqEntry.objects.count()
    assert replies == len(demo.REPLIES)
    assert entries == len(demo.QUESTIONS)
    assert FaqEntry.objects.published().count() == entries
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (CannedReply.objects.count(), FaqEntry.objects.count()) == (replies, entries)
