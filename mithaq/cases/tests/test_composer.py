"""The composer under a case's conversation, through HTTP: reply, internal note, files, and
"send and set the state" in one submission."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mithaq.cases import services
from mithaq.cases.models import Attachment
from mithaq.cases.states import ClosureCode, EventKind, State
from mithaq.notifications.models import Message
from mithaq.testing import PDF


def compose(client, case, data, **extra):
    return client.post(reverse("cases:compose", args=[case.code]), data, **extra)


def _working(org, case):
    services.acknowledge_case(case=case, actor=org.officer_a)
    return case


def _citizen_messages(case):
    return Message.objects.filter(case=case).exclude(event_key="received")


def test_reply_and_resolve_sends_the_citizen_one_message(org, case_a, login):
    _working(org, case_a)
    before = _citizen_messages(case_a).count()
    response = compose(
        login(org.officer_a),
        case_a,
        {"reply-mode": "reply", "reply-body": "صدر الكشف ويمكنك استلامه", "reply-then": "resolve"},
    )
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.state == State.RESOLVED
    last = case_a.events.order_by("-at", "-pk").first()
    assert (last.kind, last.body, last.is_public) == (
        EventKind.RESOLVED,
        "صدر الكشف ويمكنك استلامه",
        True,
    )
    assert not case_a.events.filter(kind=EventKind.REPLIED).exists()
    sent = _citizen_messages(case_a)[before:]
    # One message per channel of the citizen, all of the resolution; none of a reply.
    assert {m.event_key for m in sent} == {"resolved"}
    assert len(sent) == len({m.channel for m in sent})


def test_reply_and_ask_for_information_waits_for_the_citizen_with_the_files(org, case_a, login):
    _working(org, case_a)
    upload = SimpleUploadedFile("form.pdf", PDF, content_type="application/pdf")
    response = compose(
        login(org.officer_a),
        case_a,
        {
            "reply-mode": "reply",
            "reply-body": "املأ الاستمارة المرفقة",
            "reply-then": "request_info",
            "reply-files": [upload],
        },
    )
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.state == State.AWAITING_CITIZEN
    event = case_a.events.get(kind=EventKind.INFO_REQUESTED)
    attachment = Attachment.objects.get(case=case_a)
    assert (attachment.event_id, attachment.is_public) == (event.pk, True)


def test_a_note_is_internal_and_cannot_move_the_case(org, case_a, login):
    _working(org, case_a)
    client = login(org.officer_a)
    before = _citizen_messages(case_a).count()
    assert (
        compose(client, case_a, {"reply-mode": "note", "reply-body": "راجع الملف"}).status_code
        == 302
    )
    note = case_a.events.get(kind=EventKind.NOTE)
    assert not note.is_public
    assert _citizen_messages(case_a).count() == before
    refused = compose(
        client, case_a, {"reply-mode": "note", "reply-body": "ملاحظة", "reply-then": "resolve"}
    )
    assert refused.status_code == 400
    case_a.refresh_from_db()
    assert case_a.state == State.UNDER_REVIEW
    assert case_a.events.filter(kind=EventKind.NOTE).count() == 1


def test_an_empty_message_is_refused_in_arabic_and_nothing_written(org, case_a, login):
    _working(org, case_a)
    events = case_a.events.count()
    response = compose(
        login(org.officer_a),
        case_a,
        {"reply-mode": "reply", "reply-body": " ", "reply-then": "resolve"},
    )
    assert response.status_code == 400
    assert "هذا الحقل مطلوب" in response.content.decode()
    case_a.refresh_from_db()
    assert (case_a.state, case_a.events.count()) == (State.UNDER_REVIEW, events)


def test_a_closed_case_is_neither_answered_nor_resolved(org, case_a, login):
    manager = login(org.office_manager)
    services.close_case(case=case_a, actor=org.office_manager, closure_code=ClosureCode.ANSWERED)
    response = compose(
        manager, case_a, {"reply-mode": "reply", "reply-body": "x", "reply-then": "resolve"}
    )
    assert response.status_code == 400
    case_a.refresh_from_db()
    assert case_a.state == State.CLOSED


def test_an_officer_of_another_unit_gets_404(org, case_a, login):
    response = compose(login(org.officer_b), case_a, {"reply-mode": "reply", "reply-body": "x"})
    assert response.status_code == 404
    assert not case_a.events.filter(kind=EventKind.REPLIED).exists()


def test_the_case_page_has_one_composer_and_one_actions_menu(org, case_a, login):
    _working(org, case_a)
    html = login(org.officer_a).get(reverse("cases:detail", args=[case_a.code])).content.decode()
    assert html.count('id="composer"') == 1 and html.count('class="card actions-menu"') == 1
    # Writing is the composer's; the menu holds the other actions.
    assert 'id="action-reply"' not in html and 'id="action-note"' not in html
    assert 'id="action-assign"' in html and 'value="resolve"' in html
