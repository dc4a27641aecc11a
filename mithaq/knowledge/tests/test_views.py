"""Ready answers through HTTP: the staff list and editor, the picker on a case, the public
FAQ and the portal's answers before an inquiry."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from mithaq.cases.models import Case, ConfidentialRead
from mithaq.cases.states import CitizenGroup, EventKind
from mithaq.knowledge.models import CannedReply, FaqEntry
from mithaq.knowledge.services import save_canned_reply, save_faq_entry
from mithaq.testing import make_case

HX = {"HTTP_HX_REQUEST": "true"}


def reply(org, *, unit=None, service=None, title="رد", body="نص", en=None, actor=None):
    texts = {"ar": (title, body)}
    if en:
        texts["en"] = en
    return save_canned_reply(
        actor=actor or org.office_manager, unit=unit, service=service, texts=texts
    )


def faq(org, service, question, *, published=True, en=None, position=10):
    texts = {"ar": (question, f"جواب {question}")}
    if en:
        texts["en"] = en
    return save_faq_entry(
        actor=org.office_manager,
        service=service,
        texts=texts,
        is_published=published,
        position=position,
    )


def editor_data(**overrides):
    data = {
        "unit": "",
        "service": "",
        "is_active": "on",
        "title_ar": "كشف الدرجات جاهز",
        "body_ar": "السيد {الاسم}، كشفك ذو الرقم {المرجع} جاهز.",
        "title_en": "",
        "body_en": "",
    }
    data.update(overrides)
    return data


# The list and the editor -------------------------------------------------------------------


def test_list_searches_arabic_by_spelling_variants(login, org, django_assert_max_num_queries):
    reply(org, unit=org.dept_a, title="إستمارة التأجيل", body="أُرسلت الاستمارة")
    reply(org, unit=org.dept_a, title="كشف الدرجات", body="صدر الكشف")
    for n in range(5):
        reply(org, unit=org.dept_b, service=org.service_b, title=f"الاستمارة رقم {n}")
    client = login(org.officer_a)
    # Posted, never in the address: the answer goes to the address of its key.
    posted = client.post(reverse("knowledge:replies"), {"q": "الأستماره"})
    assert posted.status_code == 303 and "?s=" in posted["Location"]
    assert "q=" not in posted["Location"] and "%D8" not in posted["Location"]
    # Sign-in, second factor and session: 8; the page: 6, whatever the number of rows.
    with django_assert_max_num_queries(14):
        response = client.get(posted["Location"])
    assert response.status_code == 200
    body = response.content.decode().split('id="reply-results"')[1]
    assert "إستمارة التأجيل" in body and "الاستمارة رقم 4" in body
    assert "كشف الدرجات" not in body


def test_list_filters_by_language_and_htmx_gets_the_results_only(login, org):
    reply(org, unit=org.dept_a, title="عربي فقط")
    reply(org, unit=org.dept_a, title="بلغتين", en=("Both", "Text"))
    client = login(org.officer_a)
    response = client.get(
        reverse("knowledge:replies"), {"language": "en"}, HTTP_HX_TARGET="reply-results", **HX
    )
    body = response.content.decode()
    assert "<h1" not in body
    assert "بلغتين" in body and "عربي فقط" not in body
    # Typed into the box: the results at once, the address of the search's key pushed.
    typed = client.post(
        reverse("knowledge:replies"),
        {"q": "بلغتين", "language": "en"},
        HTTP_HX_TARGET="reply-results",
        **HX,
    )
    assert typed.status_code == 200 and "بلغتين" in typed.content.decode()
    pushed = typed["HX-Push-Url"]
    assert "s=" in pushed and "language=en" in pushed and "q=" not in pushed
    assert "بلغتين" in client.get(pushed).content.decode()


def test_officer_reads_but_may_not_edit(login, org):
    saved = reply(org, unit=org.dept_a, title="رد القسم")
    client = login(org.officer_a)
    body = client.get(reverse("knowledge:replies")).content.decode()
    assert "رد القسم" in body
    assert reverse("knowledge:reply_edit", args=[saved.pk]) not in body
    assert reverse("knowledge:reply_new") not in body
    assert client.get(reverse("knowledge:reply_new")).status_code == 404
    assert client.get(reverse("knowledge:reply_edit", args=[saved.pk])).status_code == 404
    response = client.post(reverse("knowledge:reply_active", args=[saved.pk]))
    assert response.status_code == 404
    saved.refresh_from_db()
    assert saved.is_active


def test_unit_manager_creates_for_the_subtree_only(login, org):
    client = login(org.manager_college_a)
    page = client.get(reverse("knowledge:reply_new")).content.decode()
    assert f'value="{org.dept_a.pk}"' in page
    assert f'value="{org.dept_b.pk}"' not in page

    # Another unit, or nothing (the whole institution): refused, nothing written.
    response = client.post(reverse("knowledge:reply_new"), editor_data(unit=org.dept_b.pk))
    assert response.status_code == 400
    assert "unit" in response.context["form"].errors
    response = client.post(reverse("knowledge:reply_new"), editor_data())
    assert response.status_code == 400
    assert not CannedReply.objects.exists()

    response = client.post(reverse("knowledge:reply_new"), editor_data(unit=org.dept_a.pk))
    saved = CannedReply.objects.get()
    assert response.status_code == 302
    assert saved.unit == org.dept_a and saved.created_by == org.manager_college_a


def test_another_units_reply_is_not_editable(login, org):
    theirs = reply(org, unit=org.dept_b, title="رد الجراحة")
    client = login(org.manager_college_a)
    assert client.get(reverse("knowledge:reply_edit", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("knowledge:reply_edit", args=[theirs.pk]), editor_data(unit=org.dept_a.pk)
    )
    assert response.status_code == 404
    assert client.get(reverse("knowledge:reply_edit", args=[999999])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.unit == org.dept_b


def test_editor_flags_unknown_placeholders(login, org):
    client = login(org.office_manager)
    response = client.post(
        reverse("knowledge:reply_new"),
        editor_data(body_ar="السيد {الاسم}، هاتفك {الهاتف}"),
        follow=True,
    )
    body = response.content.decode()
    assert "{الهاتف}" in body
    assert "unknown-placeholders" in body
    assert CannedReply.objects.get().texts.get().body.endswith("{الهاتف}")


def test_editor_requires_arabic_and_both_parts_of_a_language(login, org):
    client = login(org.office_manager)
    response = client.post(
        reverse("knowledge:reply_new"),
        editor_data(title_ar="", body_ar="", title_en="Only English", body_en="Text"),
    )
    assert response.status_code == 400
    assert "title_ar" in response.context["form"].errors
    response = client.post(reverse("knowledge:reply_new"), editor_data(title_en="Half"))
    assert response.status_code == 400
    assert "body_en" in response.context["form"].errors
    assert not CannedReply.objects.exists()


def test_putting_a_reply_away_and_back(login, org):
    saved = reply(org, unit=org.dept_a)
    client = login(org.manager_college_a)
    client.post(reverse("knowledge:reply_active", args=[saved.pk]), {"active": "0"})
    saved.refresh_from_db()
    assert not saved.is_active and saved.updated_by == org.manager_college_a
    client.post(reverse("knowledge:reply_active", args=[saved.pk]), {"active": "1"})
    saved.refresh_from_db()
    assert saved.is_active


# The picker on a case -------------------------------------------------------------------------


def test_picker_offers_only_replies_that_fit_the_case(login, org, django_assert_max_num_queries):
    case = make_case(org, service=org.service_a, citizen_language="en")
    reply(org, title="رد عام", en=("General reply", "Dear {name}"))
    reply(org, unit=org.college_a, title="رد الكلية")
    reply(org, service=org.service_a, title="رد الخدمة")
    reply(org, unit=org.dept_a2, title="رد قسم آخر")
    reply(org, unit=org.dept_b, title="رد الجراحة")
    client = login(org.officer_a)
    url = reverse("knowledge:picker", args=[case.code, "reply"])
    with django_assert_max_num_queries(12):
        response = client.get(url, **HX)
    body = response.content.decode()
    assert "<h1" not in body
    for title in ("رد عام", "رد الكلية", "رد الخدمة"):
        assert title in body
    assert "رد قسم آخر" not in body and "رد الجراحة" not in body
    # The citizen's language first.
    assert body.index("General reply") < body.index("رد الخدمة")
    assert "Dear \u2068أحمد محمود\u2069" in body

    # Searching, by a variant spelling.
    response = client.post(url, {"q": "الكليه"}, HTTP_HX_TARGET="canned-results-reply", **HX)
    body = response.content.decode()
    assert "رد الكلية" in body and "رد الخدمة" not in body
    # Never from an address: a ?q= is sent away, without it.
    sent_away = client.get(url, {"q": "الكليه"})
    assert sent_away.status_code == 303 and "q=" not in sent_away["Location"]

    # Without JavaScript: a page of its own.
    page = client.get(url)
    assert page.status_code == 200 and b"<h1" in page.content


def test_picker_answers_404_for_a_case_the_officer_cannot_see(login, org):
    case = make_case(org)
    saved = reply(org, title="رد عام")
    client = login(org.officer_b)
    assert client.get(reverse("knowledge:picker", args=[case.code, "reply"])).status_code == 404
    url = reverse("knowledge:insert", args=[case.code, "reply", saved.texts.get().pk])
    assert client.post(url).status_code == 404
    # Only the reply and request-for-information forms have one.
    client = login(org.officer_a)
    assert client.get(reverse("knowledge:picker", args=[case.code, "note"])).status_code == 404
    assert client.get(reverse("knowledge:picker", args=["NOPE-NOPE", "reply"])).status_code == 404


def test_insert_adds_the_rendered_reply_to_the_officers_text(login, org):
    case = make_case(org)
    saved = reply(org, unit=org.dept_a, body="السيد {الاسم}، طلبكم {المرجع} قيد الدراسة. {غريب}")
    client = login(org.officer_a)
    url = reverse("knowledge:insert", args=[case.code, "reply", saved.texts.get().pk])
    response = client.post(url, {"reply-body": "تحية طيبة"}, **HX)
    body = response.content.decode()
    assert (
        body.startswith("<textarea")
        and 'name="reply-body"' in body
        and 'id="id_reply-body"' in body
    )
    assert (
        "تحية طيبة\n\nالسيد أحمد محمود، طلبكم \u2068" + case.code + "\u2069 قيد الدراسة. {غريب}"
        in body
    )

    question = reverse("knowledge:insert", args=[case.code, "request_info", saved.texts.get().pk])
    assert 'name="request_info-question"' in client.post(question).content.decode()
    # Nothing is written to the case: the officer edits and sends it.
    assert not case.events.filter(kind=EventKind.REPLIED).exists()


def test_a_reply_is_filled_in_the_language_it_is_written_in(login, org):
    saved = reply(
        org,
        body="وصل طلبكم إلى {الجهة} بخصوص {الخدمة}",
        en=("Received", "Your request reached {unit} about {service} on {received_date}."),
    )
    arabic, english = saved.texts.get(language="ar"), saved.texts.get(language="en")
    client = login(org.officer_a)

    def inserted(case, text):
        url = reverse("knowledge:insert", args=[case.code, "reply", text.pk])
        return client.post(url, **HX).content.decode()

    for citizen_language in ("ar", "en"):
        case = make_case(org, service=org.service_a, citizen_language=citizen_language)
        with translation.override("en"):
            day = formats.date_format(timezone.localtime(case.created_at), "DATE_FORMAT")
        body = inserted(case, english)
        assert f"Your request reached Civil Engineering about Transcript on {day}." in body
        assert "قسم الهندسة المدنية" not in body and "كشف الدرجات" not in body
        body = inserted(case, arabic)
        assert "وصل طلبكم إلى قسم الهندسة المدنية بخصوص كشف الدرجات" in body
        assert "Civil Engineering" not in body
        # The picker's previews are filled the same way.
        picker = client.get(reverse("knowledge:picker", args=[case.code, "reply"]), **HX)
        page = picker.content.decode()
        assert "Your request reached Civil Engineering about Transcript" in page
        assert "وصل طلبكم إلى قسم الهندسة المدنية بخصوص كشف الدرجات" in page


def test_insert_refuses_a_reply_that_does_not_fit_or_is_put_away(login, org):
    case = make_case(org)
    theirs = reply(org, unit=org.dept_b)
    client = login(org.officer_a)
    url = reverse("knowledge:insert", args=[case.code, "reply", theirs.texts.get().pk])
    assert client.post(url).status_code == 404
    mine = reply(org, unit=org.dept_a)
    CannedReply.objects.filter(pk=mine.pk).update(is_active=False)
    url = reverse("knowledge:insert", args=[case.code, "reply", mine.texts.get().pk])
    assert client.post(url).status_code == 404


def test_confidential_name_is_inserted_only_for_who_may_see_it(login, org):
    case = make_case(org, identity_confidential=True)
    saved = reply(org, body="السيد {الاسم}")
    url = reverse("knowledge:insert", args=[case.code, "reply", saved.texts.get().pk])
    body = login(org.officer_a).post(url).content.decode()
    assert "أحمد محمود" not in body
    assert not ConfidentialRead.objects.filter(case=case).exists()
    body = login(org.office_manager).post(url).content.decode()
    assert "أحمد محمود" in body
    assert ConfidentialRead.objects.filter(case=case, user=org.office_manager).count() == 1

    # Opening the picker shows the name in its previews (one reading); searching adds none.
    client = login(org.office_manager)
    picker = reverse("knowledge:picker", args=[case.code, "reply"])
    assert "أحمد محمود" in client.get(picker, **HX).content.decode()
    client.post(picker, {"q": "السيد"}, HTTP_HX_TARGET="canned-results-reply", **HX)
    assert ConfidentialRead.objects.filter(case=case, user=org.office_manager).count() == 2
    officer = login(org.officer_a).get(picker, **HX).content.decode()
    assert "أحمد محمود" not in officer
    assert not ConfidentialRead.objects.filter(case=case, user=org.officer_a).exists()


def test_reply_and_question_forms_carry_the_picker(login, org):
    case = make_case(org)
    client = login(org.officer_a)
    for action in ("reply", "request_info"):
        body = client.get(reverse("cases:act", args=[case.code, action]), **HX).content.decode()
        assert reverse("knowledge:picker", args=[case.code, action]) in body
    body = client.get(reverse("cases:act", args=[case.code, "note"]), **HX).content.decode()
    assert "knowledge" not in body


# The FAQ editor --------------------------------------------------------------------------------


def test_faq_editor_by_service_and_rights(login, org):
    client = login(org.manager_college_a)
    response = client.post(
        reverse("knowledge:faq_new"),
        {
            "service": org.service_a.pk,
            "position": 5,
            "is_published": "on",
            "question_ar": "كم يستغرق الكشف؟",
            "answer_ar": "سبعة أيام.",
            "question_en": "How long?",
            "answer_en": "Seven days.",
        },
    )
    assert response.status_code == 302
    entry = FaqEntry.objects.get()
    assert entry.is_published and entry.position == 5 and entry.text("en").answer == "Seven days."
    theirs = faq(org, org.service_b, "سؤال الجراحة")
    assert client.get(reverse("knowledge:faq_edit", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("knowledge:faq_new"),
        {"service": org.service_b.pk, "position": 1, "question_ar": "س", "answer_ar": "ج"},
    )
    assert response.status_code == 400
    officer = login(org.officer_a)
    assert officer.get(reverse("knowledge:faq")).status_code == 200
    assert officer.get(reverse("knowledge:faq_edit", args=[entry.pk])).status_code == 404


# The public pages ------------------------------------------------------------------------------


def test_public_faq_shows_only_published_answers_of_active_services(client, org):
    faq(org, org.service_a, "سؤال منشور", en=("Published question", "Answer"))
    faq(org, org.service_a, "مسودة", published=False)
    faq(org, org.service_b, "سؤال خدمة موقوفة")
    org.service_b.is_active = False
    org.service_b.save()

    index = client.get(reverse("faq:index")).content.decode()
    assert org.service_a.name_ar in index
    assert org.service_b.name_ar not in index

    page = client.get(reverse("faq:service", args=[org.service_a.code])).content.decode()
    assert "سؤال منشور" in page and "مسودة" not in page
    assert client.get(reverse("faq:service", args=[org.service_b.code])).status_code == 404
    assert client.get(reverse("faq:service", args=["nothing"])).status_code == 404

    client.cookies["django_language"] = "en"
    page = client.get(reverse("faq:service", args=[org.service_a.code])).content.decode()
    assert "Published question" in page
    # An entry without English is shown in Arabic rather than hidden.
    assert 'lang="en"' in page


def test_portal_shows_the_answers_for_an_inquiry_on_a_service(client, org):
    faq(org, org.service_a, "كم يستغرق إصدار الكشف؟")
    faq(org, org.service_a, "مسودة", published=False)
    page = client.get(reverse("portal:submit", args=["inquiry"])).content.decode()
    assert reverse("faq:for_submit") in page
    assert reverse("faq:index") in page  # without JavaScript
    complaint = client.get(reverse("portal:submit", args=["complaint"])).content.decode()
    assert reverse("faq:for_submit") not in complaint

    url = reverse("faq:for_submit")
    panel = client.get(url, {"service": org.service_a.pk, "kind": "inquiry"}, **HX).content.decode()
    assert "كم يستغرق إصدار الكشف؟" in panel and "مسودة" not in panel
    assert reverse("faq:service", args=[org.service_a.code]) in panel
    request = client.get(url, {"service": org.service_a.pk, "kind": "service_request"}, **HX)
    assert "كم يستغرق" in request.content.decode()
    # Not for a complaint, and nothing for no service.
    assert (
        "كم يستغرق"
        not in client.get(
            url, {"service": org.service_a.pk, "kind": "complaint"}, **HX
        ).content.decode()
    )
    assert (
        "كم يستغرق"
        not in client.get(url, {"service": "", "kind": "inquiry"}, **HX).content.decode()
    )
    # Without HTMX: the service's FAQ page.
    response = client.get(url, {"service": org.service_a.pk, "kind": "inquiry"})
    assert response.status_code == 302
    assert response["Location"] == reverse("faq:service", args=[org.service_a.code])


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_inquiry_submission_reads_no_ready_answers(client, org, media):
    faq(org, org.service_a, "سؤال")
    data = {
        "unit": org.dept_a.pk,
        "service": org.service_a.pk,
        "subject": "استفسار عن كشف الدرجات",
        "body": "متى يصدر الكشف؟",
        "citizen_name": "زينب حسن",
        "citizen_phone": "07701234567",
        "citizen_group": CitizenGroup.UNDERGRADUATE,
        "token": str(uuid.uuid4()),
    }
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("portal:submit", args=["inquiry"]), data)
    assert not [q for q in queries.captured_queries if "knowledge_" in q["sql"]]
    assert response.status_code == 302
    assert Case.objects.filter(kind="inquiry").exists()

    # A form sent back with errors links to the chosen service's answers, without JavaScript.
    data["subject"] = ""
    page = client.post(reverse("portal:submit", args=["inquiry"]), data).content.decode()
    assert reverse("faq:service", args=[org.service_a.code]) in page
