"""The citizen's portal through HTTP: a citizen submits, tracks, answers and downloads;
officers of unit A act on the case behind the scenes."""

import re
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from mithaq.accounts.models import UnitKind
from mithaq.accounts.services import create_unit
from mithaq.cases import services
from mithaq.cases.models import Attachment, Case, CaseEvent
from mithaq.cases.states import Channel, CitizenGroup, ClosureCode, Decision, EventKind, State
from mithaq.notifications.models import Message
from mithaq.routing.calendar import add_working
from mithaq.testing import PDF, png_bytes

PNG = png_bytes()


def pdf(name="letter.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The tracking rate limit lives in the cache; every test starts with a clean count.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def files_under(path):
    return [p for p in path.rglob("*") if p.is_file()]


def complaint_data(org, **overrides):
    data = {
        "unit": org.dept_a.pk,
        "service": org.service_a.pk,
        "subject": "تأخر إصدار كشف الدرجات",
        "body": "قدمت طلب كشف الدرجات منذ شهر ولم أستلمه.",
        "remedy_sought": "إصدار الكشف خلال أسبوع",
        "citizen_name": "زينب حسن",
        "citizen_phone": "٠٧٧٠ ١٢٣ ٤٥٦٧",
        "citizen_email": "Zainab@Example.com",
        "citizen_national_id": "١٩٨٧ ٦٥٤٣ ٢١٠٠",
        "citizen_group": CitizenGroup.UNDERGRADUATE,
        "token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submit_url(kind="complaint"):
    return reverse("portal:submit", args=[kind])


def verify(client, case):
    """The citizen proves the pair on the tracking form."""
    response = client.post(
        reverse("portal:track"), {"code": case.code, "contact": case.citizen_phone}
    )
    assert response.status_code == 302
    return response


def h1_count(response) -> int:
    return len(re.findall(r"<h1[\s>]", response.content.decode()))


# --- The home page ------------------------------------------------------------------------


def test_home_offers_every_kind_and_a_tracking_box(client, org):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert h1_count(response) == 1
    html = response.content.decode()
    for kind in ["complaint", "suggestion", "inquiry", "service_request", "president_request"]:
        assert reverse("portal:submit", args=[kind]) in html
    assert reverse("portal:submit", args=["praise"]) in html
    assert 'action="/track/"' in html
    # No name configured: the root unit's name heads the page.
    assert "جامعة الاختبار" in html
    assert reverse("accounts:login") in html


def test_home_prefers_the_configured_institution_name(client, org, settings):
    settings.MITHAQ_INSTITUTION_NAME = "مركز التقنية"
    response = client.get(reverse("portal:home"))
    assert "مركز التقنية" in response.content.decode()


def test_home_speaks_english_when_asked(client, org):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("portal:home")).content.decode()
    assert 'lang="en"' in html and 'dir="ltr"' in html
    assert "Test University" in html


# --- Submitting ---------------------------------------------------------------------------


def test_unknown_kind_is_404(client, org):
    assert client.get(submit_url("gossip")).status_code == 404


def test_every_kind_form_renders_with_one_h1(client, org):
    for kind in ["complaint", "suggestion", "inquiry", "service_request", "president_request"]:
        response = client.get(submit_url(kind))
        assert response.status_code == 200
        assert h1_count(response) == 1


def test_unit_choice_is_the_tree_without_the_root(client, org):
    form = client.get(submit_url()).context["form"]
    labels = dict((str(v), str(label)) for v, label in form.fields["unit"].choices)
    assert str(org.root.pk) not in labels
    assert labels[str(org.college_a.pk)] == "كلية الهندسة"
    # Departments are indented under their college.
    assert labels[str(org.dept_a.pk)].endswith("قسم الهندسة المدنية")
    assert labels[str(org.dept_a.pk)].startswith("\u00a0")


def test_college_that_takes_no_cases_is_a_heading_not_a_choice(client, org):
    org.college_a.accepts_cases = False
    org.college_a.save()
    response = client.get(submit_url())
    html = response.content.decode()
    assert re.search(rf'<option value="{org.college_a.pk}"[^>]*disabled', html)
    response = client.post(submit_url(), complaint_data(org, unit=org.college_a.pk, service=""))
    assert "unit" in response.context["form"].errors
    assert not Case.objects.exists()


def test_citizen_submits_a_complaint_in_arabic(client, org, media):
    response = client.post(submit_url(), complaint_data(org, attachments=[pdf()]))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:submitted")
    case = Case.objects.get()
    assert case.channel == Channel.WEB
    assert case.kind == "complaint" and case.unit == org.dept_a and case.service == org.service_a
    assert case.citizen_phone == "+9647701234567"
    assert case.citizen_email == "zainab@example.com"
    assert case.citizen_national_id == "198765432100"
    assert case.citizen_group == CitizenGroup.UNDERGRADUATE
    assert case.citizen_language == "ar"
    assert case.remedy_sought == "إصدار الكشف خلال أسبوع"
    assert case.received_by is None and not case.is_urgent
    attachment = case.attachments.get()
    assert (attachment.is_public, attachment.by_citizen) == (True, True)
    assert attachment.original_name == "letter.pdf"

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and h1_count(page) == 1
    assert f"<bdi>{case.code}</bdi>" in html
    assert 'class="hijri"' in html
    assert f"?code={case.code}" in html


def test_english_citizen_is_recorded_in_english(client, org):
    client.cookies["django_language"] = "en"
    client.post(submit_url("inquiry"), complaint_data(org, remedy_sought=None))
    case = Case.objects.get()
    assert (case.kind, case.citizen_language) == ("inquiry", "en")


# One date style per language (mithaq/formats), written out by hand.
MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"],
    "es": ["de enero de", "de febrero de", "de marzo de", "de abril de", "de mayo de",
           "de junio de", "de julio de", "de agosto de", "de septiembre de", "de octubre de",
           "de noviembre de", "de diciembre de"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("language", "sms"),
    [
        (
            "fr",
            "Votre dossier {code} est bien enregistré. Réponse prévue d'ici le {due}. Suivi : {url}",
        ),
        (
            "es",
            "Hemos recibido su expediente {code}. Respuesta prevista para el {due}. Siga su estado: {url}",
        ),
    ],
)
def test_a_french_or_spanish_citizen_is_written_to_in_their_language(client, org, language, sms):
    """The language of the portal on submission is kept on the case, and the later
    messages (here the acknowledgement, then a reply) are written in it."""
    client.cookies["django_language"] = language
    client.post(submit_url(), complaint_data(org, citizen_email=""))
    case = Case.objects.get()
    assert case.citizen_language == language
    day = case.due_at.astimezone(ZoneInfo("Asia/Baghdad"))
    due = f"{day.day} {MONTHS[language][day.month - 1]} {day.year}"
    [received] = Message.objects.filter(case=case, event_key="received", channel="sms")
    assert received.language == language
    # Like the English and Arabic SMS, it carries the case's short link.
    url = re.search(r"http\S+/c/\S+/$", received.body).group(0)
    assert received.body == sms.format(code=case.code, due=due, url=url)
    services.reply_to_citizen(case=case, actor=org.officer_a, body="OK")
    [reply] = Message.objects.filter(case=case, event_key="replied", channel="sms")
    assert reply.language == language and case.code in reply.body


def test_missing_fields_are_reported_next_to_each_field_in_arabic(client, org):
    response = client.post(submit_url(), {"token": str(uuid.uuid4())})
    assert response.status_code == 200
    errors = response.context["form"].errors
    # The unit may be left to the routing rules and the office (mithaq.routing).
    for field in ["subject", "body", "remedy_sought", "citizen_name", "citizen_phone"]:
        assert field in errors, field
    assert "citizen_email" not in errors and "citizen_national_id" not in errors
    html = response.content.decode()
    assert "هذا الحقل مطلوب." in html
    assert 'id="id_subject_error"' in html
    assert not Case.objects.exists()


def test_bad_phone_is_an_error_on_the_phone_field(client, org):
    response = client.post(submit_url(), complaint_data(org, citizen_phone="12"))
    assert list(response.context["form"].errors) == ["citizen_phone"]
    assert not Case.objects.exists()


def test_national_id_must_be_digits(client, org):
    response = client.post(submit_url(), complaint_data(org, citizen_national_id="AB12"))
    assert list(response.context["form"].errors) == ["citizen_national_id"]


def test_service_of_another_unit_is_refused(client, org):
    response = client.post(submit_url(), complaint_data(org, service=org.service_b.pk))
    assert list(response.context["form"].errors) == ["service"]
    assert not Case.objects.exists()


def test_service_list_follows_the_chosen_unit(client, org):
    # Bound to unit A, the select offers only unit A's services.
    response = client.post(submit_url(), complaint_data(org, subject=""))
    choices = [str(v) for v, _ in response.context["form"].fields["service"].choices]
    assert str(org.service_a.pk) in choices and str(org.service_b.pk) not in choices


def test_services_endpoint_gives_the_unit_services_to_htmx(client, org):
    url = reverse("portal:services")
    response = client.get(url, {"unit": org.dept_b.pk}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="service-field"' in html
    assert "التدريب السريري" in html and "كشف الدرجات" not in html
    # Without HTMX it is a small page of its own.
    page = client.get(url, {"unit": org.dept_b.pk})
    assert h1_count(page) == 1


def test_collective_case_needs_two_people_or_more(client, org):
    response = client.post(submit_url(), complaint_data(org, is_collective="on"))
    assert list(response.context["form"].errors) == ["head_count"]
    client.post(submit_url(), complaint_data(org, is_collective="on", head_count="25"))
    case = Case.objects.get()
    assert (case.is_collective, case.head_count) == (True, 25)


def test_confidential_urgent_complaint(client, org):
    client.post(submit_url(), complaint_data(org, identity_confidential="on", is_urgent="on"))
    case = Case.objects.get()
    assert case.identity_confidential and case.is_urgent
    # The seeded charter answers urgent appeals within 3 working days.
    assert case.due_at == add_working(case.created_at, days=3)


def test_only_complaints_can_be_urgent(client, org):
    form = client.get(submit_url("suggestion")).context["form"]
    assert "is_urgent" not in form.fields and "remedy_sought" not in form.fields
    client.post(submit_url("suggestion"), complaint_data(org, is_urgent="on"))
    case = Case.objects.get()
    assert (case.kind, case.is_urgent, case.remedy_sought) == ("suggestion", False, "")


def test_president_request_goes_to_the_presidency(client, org):
    presidency = create_unit(
        parent=org.root,
        kind=UnitKind.PRESIDENCY,
        code="presidency",
        name_ar="رئاسة الجامعة",
        name_en="Presidency",
    )
    response = client.get(submit_url("president_request"))
    assert "unit" not in response.context["form"].fields
    assert "رئاسة الجامعة" in response.content.decode()
    client.post(submit_url("president_request"), complaint_data(org, unit=org.dept_a.pk))
    case = Case.objects.get()
    assert (case.kind, case.unit, case.service) == ("president_request", presidency, None)


def test_president_request_without_a_presidency_asks_for_the_unit(client, org):
    form = client.get(submit_url("president_request")).context["form"]
    assert "unit" in form.fields


def submitted_code(client) -> str:
    from django.http import HttpRequest

    request = HttpRequest()
    request.COOKIES["portal_submitted"] = client.cookies["portal_submitted"].value
    return request.get_signed_cookie("portal_submitted", salt="portal_submitted")


def test_double_submit_makes_one_case(client, org, media):
    data = complaint_data(org)
    first = client.post(submit_url(), {**data, "attachments": [pdf()]})
    code = submitted_code(client)
    second = client.post(submit_url(), {**data, "attachments": [pdf()]})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("portal:submitted")
    assert Case.objects.count() == 1 and Attachment.objects.count() == 1
    assert len(files_under(media)) == 1
    assert submitted_code(client) == code == Case.objects.get().code
    assert code in client.get(reverse("portal:submitted")).content.decode()


def test_bad_file_saves_nothing(client, org, media):
    exe = SimpleUploadedFile("cv.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    response = client.post(submit_url(), complaint_data(org, attachments=[pdf(), exe]))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["attachments"]
    assert "cv.pdf" in errors["attachments"][0]
    assert not Case.objects.exists() and not Attachment.objects.exists()
    assert files_under(media) == []
    # The citizen is told to choose the files again.
    assert 'class="notice"' in response.content.decode()


def test_too_many_files_are_refused(client, org, media, settings):
    settings.MITHAQ_MAX_UPLOADS_PER_FORM = 1
    response = client.post(
        submit_url(), complaint_data(org, attachments=[pdf("a.pdf"), pdf("b.pdf")])
    )
    assert list(response.context["form"].errors) == ["attachments"]
    assert not Case.objects.exists() and files_under(media) == []


def test_expired_token_is_a_form_error(client, org):
    response = client.post(submit_url(), complaint_data(org, token="not-a-token"))
    assert "token" in response.context["form"].errors
    assert not Case.objects.exists()


def test_submitted_page_without_a_submission_goes_home(client, org):
    response = client.get(reverse("portal:submitted"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")


# --- Tracking -----------------------------------------------------------------------------


def test_wrong_phone_and_unknown_reference_get_the_same_answer(client, case_a):
    url = reverse("portal:track")
    wrong = client.post(url, {"code": case_a.code, "contact": "07801234567"})
    unknown = client.post(url, {"code": "ACDE-FGHJ", "contact": "07701234567"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].errors == unknown.context["form"].errors
    assert list(wrong.context["form"].errors) == ["__all__"]
    assert "portal_verified" not in client.session


def test_right_phone_in_any_format_opens_the_case(client, case_a):
    response = client.post(
        reverse("portal:track"), {"code": case_a.code.lower(), "contact": "٠٧٧٠١٢٣٤٥٦٧"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:track_case", args=[case_a.code])
    assert client.session["portal_verified"] == [case_a.code]
    page = client.get(response["Location"])
    assert page.status_code == 200 and h1_count(page) == 1
    assert case_a.subject in page.content.decode()


def test_email_opens_the_case_whatever_its_case(client, case_a):
    response = client.post(
        reverse("portal:track"), {"code": case_a.code, "contact": "AHMED@example.COM"}
    )
    assert response.status_code == 302


def test_case_without_email_cannot_be_opened_by_an_empty_like_email(client, org):
    case = services.submit_case(
        kind="inquiry",
        unit=org.dept_a,
        channel=Channel.WEB,
        subject="سؤال",
        body="نص",
        citizen_name="س",
        citizen_phone="+9647701234567",
    )
    response = client.post(reverse("portal:track"), {"code": case.code, "contact": "@"})
    assert response.status_code == 200 and "portal_verified" not in client.session


def test_reference_not_verified_redirects_to_tracking(client, org, case_a):
    other = services.submit_case(
        kind="complaint",
        unit=org.dept_b,
        channel=Channel.WEB,
        subject="موضوع آخر",
        body="نص",
        citizen_name="غيره",
        citizen_phone="+9647801234567",
    )
    verify(client, case_a)
    for code in [other.code, "ACDE-FGHJ"]:
        response = client.get(reverse("portal:track_case", args=[code]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:track"))


def test_track_page_shows_public_history_only(client, org, case_a):
    officer = org.officer_a
    services.acknowledge_case(case=case_a, actor=officer)
    services.add_note(case=case_a, actor=officer, body="ملاحظة داخلية سرية جدا")
    services.reply_to_citizen(case=case_a, actor=officer, body="نعمل على إصدار الكشف.")
    services.refer_case(
        case=case_a, actor=officer, to_unit=org.dept_a2, reason="سبب الإحالة الداخلي"
    )
    verify(client, case_a)
    html = client.get(reverse("portal:track_case", args=[case_a.code])).content.decode()
    assert "نعمل على إصدار الكشف." in html
    assert "ملاحظة داخلية سرية جدا" not in html
    assert "سبب الإحالة الداخلي" not in html
    assert officer.full_name not in html
    assert f"<bdi>{case_a.code}</bdi>" in html


def test_track_page_shows_decision_and_closure(client, org, case_a):
    officer, manager = org.officer_a, org.office_manager
    services.acknowledge_case(case=case_a, actor=officer)
    services.decide_case(
        case=case_a, actor=officer, decision=Decision.REJECTED, reasons="خارج المدة القانونية"
    )
    services.close_case(case=case_a, actor=manager, closure_code=ClosureCode.REJECTED)
    verify(client, case_a)
    response = client.get(reverse("portal:track_case", args=[case_a.code]))
    html = response.content.decode()
    assert "خارج المدة القانونية" in html
    assert 'class="current" aria-current="step"' in html
    assert response.context["steps"][-1]["status"] == "current"


def test_track_page_needs_few_queries(client, org, case_a, django_assert_max_num_queries, media):
    services.acknowledge_case(case=case_a, actor=org.officer_a)
    for i in range(5):
        services.reply_to_citizen(
            case=case_a, actor=org.officer_a, body=f"رد {i}", files=[pdf(f"r{i}.pdf")]
        )
    verify(client, case_a)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("portal:track_case", args=[case_a.code]))
    assert response.status_code == 200


# --- Answering the office -----------------------------------------------------------------


def test_citizen_answers_a_request_for_information(client, org, case_a, media):
    services.request_information(
        case=case_a, actor=org.officer_a, question="أرسل صورة هويتك الجامعية."
    )
    verify(client, case_a)
    page = client.get(reverse("portal:track_case", args=[case_a.code]))
    html = page.content.decode()
    assert "أرسل صورة هويتك الجامعية." in html
    assert reverse("portal:respond", args=[case_a.code]) in html

    response = client.post(
        reverse("portal:respond", args=[case_a.code]),
        {"body": "مرفقة الصورة.", "attachments": [SimpleUploadedFile("id.png", PNG)]},
    )
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.state == State.UNDER_REVIEW
    event = case_a.events.get(kind=EventKind.CITIZEN_RESPONDED)
    assert event.by_citizen and event.is_public and event.body == "مرفقة الصورة."
    assert event.attachments.get().content_type == "image/png"
    after = client.get(response["Location"]).content.decode()
    assert reverse("portal:respond", args=[case_a.code]) not in after
    assert "مرفقة الصورة." in after


def test_empty_answer_is_refused(client, org, case_a):
    services.request_information(case=case_a, actor=org.officer_a, question="سؤال")
    verify(client, case_a)
    response = client.post(reverse("portal:respond", args=[case_a.code]), {"body": "  "})
    assert response.status_code == 200
    assert "body" in response.context["respond_form"].errors
    case_a.refresh_from_db()
    assert case_a.state == State.AWAITING_CITIZEN


def test_answer_when_nothing_was_asked_changes_nothing(client, case_a):
    verify(client, case_a)
    response = client.post(reverse("portal:respond", args=[case_a.code]), {"body": "مرحبا"})
    assert response.status_code == 302
    assert not CaseEvent.objects.filter(kind=EventKind.CITIZEN_RESPONDED).exists()


def test_answer_needs_a_verified_session(client, org, case_a):
    services.request_information(case=case_a, actor=org.officer_a, question="سؤال")
    response = client.post(reverse("portal:respond", args=[case_a.code]), {"body": "جواب"})
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.state == State.AWAITING_CITIZEN


# --- Downloads ----------------------------------------------------------------------------


@pytest.fixture
def case_with_files(org, media):
    case = services.submit_case(
        kind="complaint",
        unit=org.dept_a,
        channel=Channel.WEB,
        subject="موضوع",
        body="نص",
        citizen_name="أحمد",
        citizen_phone="+9647701234567",
        files=[pdf("شكوى.pdf")],
    )
    services.add_note(case=case, actor=org.officer_a, body="داخلي", files=[pdf("internal.pdf")])
    return case


def test_public_file_downloads_safely(client, case_with_files):
    verify(client, case_with_files)
    public = case_with_files.attachments.get(is_public=True)
    response = client.get(reverse("portal:attachment", args=[case_with_files.code, public.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"].split("; ")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%D8%B4%D9%83%D9%88%D9%89.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


def test_internal_file_is_404_even_for_the_citizen(client, case_with_files):
    verify(client, case_with_files)
    internal = case_with_files.attachments.get(is_public=False)
    url = reverse("portal:attachment", args=[case_with_files.code, internal.pk])
    assert client.get(url).status_code == 404
    page = client.get(reverse("portal:track_case", args=[case_with_files.code]))
    assert "internal.pdf" not in page.content.decode()


def test_file_of_another_case_is_404(client, case_a, case_with_files):
    verify(client, case_a)
    public = case_with_files.attachments.get(is_public=True)
    assert (
        client.get(reverse("portal:attachment", args=[case_a.code, public.pk])).status_code == 404
    )


def test_file_without_a_verified_session_is_404(client, case_with_files):
    public = case_with_files.attachments.get(is_public=True)
    url = reverse("portal:attachment", args=[case_with_files.code, public.pk])
    assert client.get(url).status_code == 404


# --- Rate limit ---------------------------------------------------------------------------


def test_tracking_is_rate_limited_per_address(client, case_a, settings):
    settings.MITHAQ_TRACK_ATTEMPTS = 3
    url = reverse("portal:track")
    wrong = {"code": case_a.code, "contact": "07801234567"}
    for _ in range(2):
        assert client.post(url, wrong).status_code == 200
    # Successful attempts count too.
    assert client.post(url, {"code": case_a.code, "contact": "07701234567"}).status_code == 302
    blocked = client.post(url, {"code": case_a.code, "contact": "07701234567"})
    assert blocked.status_code == 429
    assert blocked.context["blocked"] and h1_count(blocked) == 1
    # Another address is not affected.
    other = client.post(url, wrong, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


# --- Every page, both languages -----------------------------------------------------------


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("en", "ltr")])
def test_every_portal_page_has_one_h1_lang_and_dir(client, org, case_a, language, direction):
    client.cookies["django_language"] = language
    client.post(submit_url(), complaint_data(org))
    verify(client, case_a)
    urls = [
        reverse("portal:home"),
        reverse("portal:submitted"),
        reverse("portal:track"),
        reverse("portal:track_case", args=[case_a.code]),
        reverse("portal:services"),
    ] + [submit_url(kind) for kind in ["complaint", "praise", "president_request"]]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'<html lang="{language}" dir="{direction}">' in html, url
        assert h1_count(response) == 1, url


# The citizen keeps their contact details current --------------------------------------


def test_citizen_updates_their_phone_and_later_messages_follow_it(client, case_a):
    from mithaq.notifications.dispatch import resolve_address
    from mithaq.notifications.models import Message

    verify(client, case_a)
    response = client.post(
        reverse("portal:contact", args=[case_a.code]),
        {"phone": "٠٧٨١٢٣٤٥٦٧٨", "email": "New@Example.com"},
    )
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert (case_a.citizen_phone, case_a.citizen_email) == ("+9647812345678", "new@example.com")
    event = case_a.events.get(kind=EventKind.CONTACT_UPDATED)
    assert event.is_public and event.by_citizen and "+964" not in event.body
    # A message queued before the change is sent to the number as it is when it goes out.
    sms = Message.objects.filter(case=case_a, channel="sms").first()
    assert sms is not None and resolve_address(sms) == "+9647812345678"


def test_contact_update_with_a_bad_phone_changes_nothing(client, case_a):
    verify(client, case_a)
    response = client.post(reverse("portal:contact", args=[case_a.code]), {"phone": "12"})
    assert response.status_code == 200
    assert response.context["contact_form"].errors["phone"]
    case_a.refresh_from_db()
    assert case_a.citizen_phone == "+9647701234567"
    assert not case_a.events.filter(kind=EventKind.CONTACT_UPDATED).exists()


def test_contact_update_needs_a_verified_session(client, case_a):
    response = client.post(reverse("portal:contact", args=[case_a.code]), {"phone": "07812345678"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:track")
    case_a.refresh_from_db()
    assert case_a.citizen_phone == "+9647701234567"


def test_the_same_contact_again_records_nothing(case_a):
    services.update_citizen_contact(
        case=case_a, phone=case_a.citizen_phone, email=case_a.citizen_email
    )
    assert not case_a.events.filter(kind=EventKind.CONTACT_UPDATED).exists()


def test_a_submission_stays_within_the_query_budget(client, org):
    """The case, its event, its clocks, its deadline, its messages (an SMS and an email copy)
    and the session, whatever the size of the organisation tree."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(submit_url())
    # One earlier submission warms the message templates' cache, as on a running site.
    client.post(submit_url(), complaint_data(org, token=str(uuid.uuid4())))
    with CaptureQueriesContext(connection) as queries:
        response = client.post(submit_url(), complaint_data(org, token=str(uuid.uuid4())))
    assert response.status_code == 302
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) <= 12, statements


@override_settings(MITHAQ_SUBMISSIONS_PER_HOUR=2)
def test_submissions_are_limited_per_address(client, org):
    for _ in range(2):
        assert (
            client.post(submit_url(), complaint_data(org, token=str(uuid.uuid4()))).status_code
            == 302
        )
    blocked = client.post(submit_url(), complaint_data(org, token=str(uuid.uuid4())))
    assert blocked.status_code == 429 and blocked["Retry-After"] == "3600"
    assert Case.objects.count() == 2


def test_contact_form_does_not_reveal_the_other_detail(client, case_a):
    verify(client, case_a)
    page = client.get(reverse("portal:track_case", args=[case_a.code])).content.decode()
    assert case_a.citizen_email not in page
