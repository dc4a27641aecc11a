"""`reply_to_citizen` and `add_note`: what the citizen sees and what they never see."""

import pytest
from django.core.exceptions import ValidationError

from mithaq.cases.selectors import timeline
from mithaq.cases.services import (
    add_note,
    reply_to_citizen,
)
from mithaq.cases.states import (
    EventKind,
    State,
)

from .conftest import BAD_FILES, docx, files_on_disk, pdf, reload, snapshot

# Replies and notes -------------------------------------------------------------------------


class TestRepliesAndNotes:
    def test_reply_and_its_files_are_shown_to_the_citizen(self, org, case_a, media):
        reply_to_citizen(case=case_a, actor=org.officer_a, body="الكشف جاهز", files=[pdf()])
        event = reload(case_a).events.last()
        assert (event.kind, event.is_public, event.actor) == (
            EventKind.REPLIED,
            True,
            org.officer_a,
        )
        [attachment] = event.attachments.all()
        assert (attachment.is_public, attachment.by_citizen, attachment.uploaded_by) == (
            True,
            False,
            org.officer_a,
        )
        assert [e.kind for e in timeline(case_a, public_only=True)][-1] == EventKind.REPLIED

    def test_note_and_its_files_are_never_shown_to_the_citizen(self, org, case_a, media):
        add_note(case=case_a, actor=org.officer_a, body="اتصلت بالتسجيل", files=[docx()])
        event = reload(case_a).events.last()
        assert (event.kind, event.is_public) == (EventKind.NOTE, False)
        [attachment] = event.attachments.all()
        assert attachment.is_public is False
        public = timeline(case_a, public_only=True)
        assert EventKind.NOTE not in [e.kind for e in public]
        assert not any(e.attachments.all() for e in public)

    def test_messages_do_not_move_the_case(self, org, case_a):
        reply_to_citizen(case=case_a, actor=org.officer_a, body="نعمل عليه")
        add_note(case=case_a, actor=org.officer_a, body="ملاحظة")
        assert reload(case_a).state == State.RECEIVED

    @pytest.mark.parametrize("service", [reply_to_citizen, add_note])
    @pytest.mark.parametrize("body", ["", "  \n"])
    def test_message_needs_text(self, org, case_a, service, body):
        before = snapshot(case_a)
        with pytest.raises(ValidationError) as refused:
            service(case=case_a, actor=org.officer_a, body=body)
        assert refused.value.code == "empty"
        assert snapshot(case_a) == before

    @pytest.mark.parametrize("service", [reply_to_citizen, add_note])
    def test_message_with_a_bad_file_leaves_nothing(self, org, case_a, media, service):
        before = snapshot(case_a)
        with pytest.raises(ValidationError):
            service(
                case=case_a,
                actor=org.officer_a,
                body="مرفق",
                files=[pdf(), BAD_FILES["exe_named_pdf"]()],
            )
        assert snapshot(case_a) == before
        assert files_on_disk(media) == []
