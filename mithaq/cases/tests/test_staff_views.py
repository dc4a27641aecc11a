"""The staff pages through HTTP, in personas."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mithaq.cases import services
from mithaq.cases.models import Case, CaseEvent, ConfidentialRead
from mithaq.cases.states import Channel, Kind, State
from mithaq.testing import EXE, PASSWORD, PDF, make_case


def act(client, case, action, data=None, **extra):
    return client.post(reverse("cases:act", args=[case.code, action]), data or {}, **extra)


def test_anonymous_is_sent_to_sign_in(client, case_a):
    response = client.get(reverse("cases:detail", args=[case_a.code]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_signed_in_person_without_membership_gets_404(org, case_a, login):
    client = login(org.nobody)
    assert client.get(reverse("cases:inbox")).status_code == 404
    assert client.get(reverse("cases:detail", args=[case_a.code])).status_code == 404


def test_inbox_shows_only_the_units_cases(org, case_a, login):
    case_b = make_case(org, unit=org.dept_b, subject="شكوى في كلية الطب")
    body = login(org.officer_a).get(reverse("cases:inbox")).content.decode()
    assert case_a.code in body and case_b.code not in body


def test_college_manager_sees_departments_but_not_other_colleges(org, case_a, login):
    case_a2 = make_case(org, unit=org.dept_a2)
    case_b = make_case(org, unit=org.dept_b)
    body = login(org.manager_college_a).get(reverse("cases:inbox")).content.decode()
    assert case_a.code in body and case_a2.code in body and case_b.code not in body


def test_office_manager_sees_every_case(org, case_a, login):
    case_b = make_case(org, unit=org.dept_b)
    body = login(org.office_manager).get(reverse("cases:inbox")).content.decode()
    assert case_a.code in body and case_b.code in body


def test_officer_of_other_unit_gets_404_on_case_and_actions(org, case_a, login):
    client = login(org.officer_b)
    assert client.get(reverse("cases:detail", args=[case_a.code])).status_code == 404
    assert act(client, case_a, "note", {"note-body": "x"}).status_code == 404
    assert not CaseEvent.objects.filter(case=case_a, kind="note").exists()


def test_missing_case_and_unknown_action_answer_404(org, case_a, login):
    client = login(org.office_manager)
    assert client.get(reverse("cases:detail", args=["AAAA-AAAA"])).status_code == 404
    assert act(client, case_a, "explode").status_code == 404


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "under_review"}, {"reviewed"}),
        ({"state": "open"}, {"reviewed", "fresh", "inquiry"}),
        ({"kind": "inquiry"}, {"inquiry"}),
        ({"channel": "phone"}, {"inquiry"}),
        ({"assignee": "none"}, {"fresh", "inquiry"}),
        ({"mine": "on"}, {"reviewed"}),
        ({"urgent": "on"}, {"fresh"}),
    ],
)
def test_inbox_filters(org, login, params, expected):
    cases = {
        "fresh": make_case(org, subject="fresh", is_urgent=True),
        "reviewed": make_case(org, subject="reviewed"),
        "inquiry": make_case(
            org,
            subject="inquiry",
            kind=Kind.INQUIRY,
            channel=Channel.PHONE,
            received_by=org.reception,
        ),
    }
    services.acknowledge_case(case=cases["reviewed"], actor=org.officer_a)
    services.assign_case(case=cases["reviewed"], actor=org.officer_a, assignee=org.officer_a)
    body = login(org.officer_a).get(reverse("cases:inbox"), params).content.decode()
    shown = {name for name, case in cases.items() if case.code in body}
    assert shown == expected


def test_inbox_pages_without_counting(org, login):
    for i in range(27):
        make_case(org, subject=f"case {i}")
    client = login(org.officer_a)
    first = client.get(reverse("cases:inbox")).content.decode()
    second = client.get(reverse("cases:inbox"), {"page": 2}).content.decode()
    assert first.count('class="code"') == 25 and second.count('class="code"') == 2
    assert 'href="?page=2"' in first
    assert 'href="?page=1"' in second and 'href="?page=3"' not in second


def test_inbox_htmx_request_gets_the_results_partial(org, case_a, login):
    response = login(org.officer_a).get(
        reverse("cases:inbox"),
        {"kind": "complaint"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="inbox-results",
    )
    body = response.content.decode()
    assert case_a.code in body and "<html" not in body


def test_invalid_filter_is_ignored_not_an_error(org, case_a, login):
    response = login(org.officer_a).get(reverse("cases:inbox"), {"state": "nonsense", "page": "x"})
    assert response.status_code == 200


def test_inbox_and_case_page_stay_within_query_budget(
    org, case_a, login, django_assert_max_num_queries
):
    services.add_note(case=case_a, actor=org.officer_a, body="ملاحظة")
    client = login(org.office_manager)
    # A session's first staff page also notes in the session that this person has no
    # authenticator (one write, once); the budget is for every page after that.
    client.get(reverse("accounts:security"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("cases:inbox"), {"state": "open"}).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("cases:detail", args=[case_a.code])).status_code == 200


def test_the_whole_life_through_http(org, case_a, login):
    officer = login(org.officer_a)
    assert act(officer, case_a, "acknowledge").status_code == 302
    assert act(officer, case_a, "assign", {"assign-assignee": org.officer_a.pk}).status_code == 302
    response = act(officer, case_a, "request_info", {"request_info-question": "أرسل صورة الهوية"})
    assert response.status_code == 302
    services.record_citizen_response(case=case_a, body="مرفقة")
    assert act(officer, case_a, "reply", {"reply-body": "تم إصدار الكشف"}).status_code == 302
    response = act(
        officer, case_a, "decide", {"decide-decision": "accepted", "decide-reasons": "مستحق"}
    )
    assert response.status_code == 302
    assert act(officer, case_a, "resolve", {"resolve-summary": "سُلّم الكشف"}).status_code == 302
    manager = login(org.office_manager)
    response = act(
        manager,
        case_a,
        "close",
        {
            "close-closure_code": "remedied",
            "close-external_system": "iq_ecitizen",
            "close-external_reference": "EC-2026-000123",
        },
    )
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.state == State.CLOSED and case_a.external_reference == "EC-2026-000123"
    kinds = list(case_a.events.values_list("kind", flat=True))
    assert kinds == [
        "submitted",
        "acknowledged",
        "assigned",
        "info_requested",
        "citizen_responded",
        "replied",
        "decided",
        "resolved",
        "closed",
    ]
    assert act(manager, case_a, "reopen", {"reopen-reason": "تظلم"}).status_code == 302
    case_a.refresh_from_db()
    assert case_a.state == State.REOPENED


def test_invalid_action_form_shows_error_and_changes_nothing(org, case_a, login):
    client = login(org.officer_a)
    services.acknowledge_case(case=case_a, actor=org.officer_a)
    response = act(client, case_a, "decide", {"decide-decision": "accepted", "decide-reasons": ""})
    assert response.status_code == 400
    assert response.context["forms"]["decide"].errors["reasons"]
    case_a.refresh_from_db()
    assert case_a.state == State.UNDER_REVIEW and case_a.decision == ""


def test_action_in_wrong_state_is_refused_with_a_message(org, case_a, login):
    client = login(org.office_manager)
    response = act(client, case_a, "reopen", {"reopen-reason": "x"})
    assert response.status_code == 400
    assert response.context["forms"] == response.context["forms"]  # page re-rendered
    case_a.refresh_from_db()
    assert case_a.state == State.RECEIVED


def test_officer_may_not_close(org, case_a, login):
    response = act(login(org.officer_a), case_a, "close", {"close-closure_code": "answered"})
    assert response.status_code == 404
    case_a.refresh_from_db()
    assert case_a.state == State.RECEIVED


def test_auditor_reads_everything_but_changes_nothing(org, case_a, login):
    client = login(org.auditor)
    services.add_note(case=case_a, actor=org.officer_a, body="ملاحظة داخلية")
    page = client.get(reverse("cases:detail", args=[case_a.code]))
    assert page.status_code == 200 and "ملاحظة داخلية" in page.content.decode()
    assert page.context["forms"] == {}
    assert act(client, case_a, "note", {"note-body": "x"}).status_code == 404


def test_note_is_marked_staff_only_and_reply_public(org, case_a, login):
    client = login(org.officer_a)
    act(client, case_a, "note", {"note-body": "داخلي"})
    act(client, case_a, "reply", {"reply-body": "للمواطن"})
    assert CaseEvent.objects.get(case=case_a, kind="note").is_public is False
    assert CaseEvent.objects.get(case=case_a, kind="replied").is_public is True


def test_referral_away_sends_officer_back_to_inbox(org, case_a, login):
    client = login(org.officer_a)
    response = act(
        client, case_a, "refer", {"refer-to_unit": org.dept_b.pk, "refer-reason": "ليس لنا"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("cases:inbox")
    assert login(org.officer_b).get(reverse("cases:detail", args=[case_a.code])).status_code == 200


def test_confidential_identity_is_masked_for_the_unit_and_logged_for_the_office(org, login):
    case = make_case(org, identity_confidential=True, citizen_name="زينب السرية")
    officer_page = login(org.officer_a).get(reverse("cases:detail", args=[case.code]))
    assert "زينب السرية" not in officer_page.content.decode()
    assert "+9647701234567" not in officer_page.content.decode()
    assert not ConfidentialRead.objects.exists()
    manager_page = login(org.office_manager).get(reverse("cases:detail", args=[case.code]))
    assert "زينب السرية" in manager_page.content.decode()
    assert ConfidentialRead.objects.get().user == org.office_manager


def test_attachment_download_is_access_checked_and_a_download(org, login):
    case = make_case(org, files=[SimpleUploadedFile("تقرير.pdf", PDF, "application/pdf")])
    item = case.attachments.get()
    url = reverse("cases:attachment", args=[case.code, item.pk])
    response = login(org.officer_a).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    assert login(org.officer_b).get(url).status_code == 404
    other = make_case(org)
    wrong_case_url = reverse("cases:attachment", args=[other.code, item.pk])
    assert login(org.officer_a).get(wrong_case_url).status_code == 404


def _intake(org, **overrides):
    data = {
        "kind": "complaint",
        "channel": "phone",
        "unit": org.dept_a.pk,
        "subject": "انقطاع الإنترنت",
        "body": "لا تعمل الشبكة في القاعات منذ أسبوع",
        "citizen_name": "كريم حسن",
        "citizen_phone": "٠٧٧٠١٢٣٤٥٦٧",
        "citizen_group": "undergraduate",
        "citizen_language": "ar",
        "token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_reception_registers_a_phone_case(org, login):
    client = login(org.reception)
    response = client.post(reverse("cases:new"), _intake(org))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/cases/{case.code}/")
    assert (case.channel, case.received_by, case.citizen_phone) == (
        "phone",
        org.reception,
        "+9647701234567",
    )


def test_reception_double_submit_makes_one_case(org, login):
    client = login(org.reception)
    data = _intake(org)
    client.post(reverse("cases:new"), data)
    client.post(reverse("cases:new"), data)
    assert Case.objects.count() == 1


def test_letter_needs_number_date_and_scan(org, login):
    response = login(org.reception).post(reverse("cases:new"), _intake(org, channel="letter"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"letter_number", "letter_date", "attachments"} <= set(errors)
    assert not Case.objects.exists()


LETTER = {"channel": "letter", "letter_number": "ت ع/5/3319", "letter_date": "2026-11-20"}


def test_letter_without_its_scan_is_refused_next_to_the_attachments_field(org, login):
    client = login(org.reception)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("cases:new"), _intake(org, **LETTER))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"attachments"}
    html = response.content.decode()
    field = html.split('class="field field-attachments field-error', 1)[1].split("</div>", 1)[0]
    assert "Attach the letter&#x27;s scan." in field
    assert not Case.objects.exists()


def test_letter_with_its_scan_is_registered(org, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    scan = SimpleUploadedFile("كتاب.pdf", PDF, "application/pdf")
    response = login(org.reception).post(
        reverse("cases:new"), _intake(org, **LETTER, attachments=[scan])
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.channel, case.letter_number, str(case.letter_date)) == (
        Channel.LETTER,
        "ت ع/5/3319",
        "2026-11-20",
    )
    assert list(case.attachments.values_list("original_name", flat=True)) == ["كتاب.pdf"]


def test_a_refused_scan_gets_one_message_not_two(org, login):
    exe = SimpleUploadedFile("scan.pdf", EXE, "application/pdf")
    response = login(org.reception).post(
        reverse("cases:new"), _intake(org, **LETTER, attachments=[exe])
    )
    assert response.status_code == 400
    assert len(response.context["form"].errors["attachments"]) == 1
    assert not Case.objects.exists()


def test_intake_with_bad_phone_and_bad_file_saves_nothing(org, login):
    data = _intake(org, citizen_phone="12")
    data["attachments"] = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = login(org.reception).post(reverse("cases:new"), data)
    assert response.status_code == 400
    assert {"citizen_phone", "attachments"} <= set(response.context["form"].errors)
    assert not Case.objects.exists()


def test_auditor_cannot_register_cases(org, login):
    assert login(org.auditor).get(reverse("cases:new")).status_code == 404


def test_sign_in_locks_out_after_repeated_failures(org, client):
    url = reverse("accounts:login")
    for _ in range(5):
        client.post(url, {"username": "officer_a", "password": "wrong"})
    response = client.post(url, {"username": "officer_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_sign_in_with_right_password_reaches_inbox(org, client):
    response = client.post(
        reverse("accounts:login"), {"username": "officer_a", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("cases:inbox")
