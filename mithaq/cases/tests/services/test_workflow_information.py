"""`request_information` and `record_citizen_response`: asking the citizen, and the answer."""

import pytest
from django.core.exceptions import ValidationError

from mithaq.cases.services import (
    record_citizen_response,
    request_information,
)
from mithaq.cases.states import (
    EventKind,
    State,
)

from .conftest import BAD_FILES, case_in, files_on_disk, pdf, png, reload, snapshot

# Information from the citizen -------------------------------------------------------------


class TestInformationRequests:
    def test_request_is_public_and_waits_for_the_citizen(self, org, case_a):
        case = request_information(case=case_a, actor=org.officer_a, question=" أرسل الوصل ")
        assert reload(case).state == State.AWAITING_CITIZEN
        event = case.events.last()
        assert (event.kind, event.body, event.is_public) == (
            EventKind.INFO_REQUESTED,
            "أرسل الوصل",
            True,
        )

    @pytest.mark.parametrize("question", ["", "  "])
    def test_request_needs_a_question(self, org, case_a, question):
        before = snapshot(case_a)
        with pytest.raises(ValidationError) as refused:
            request_information(case=case_a, actor=org.officer_a, question=question)
        assert refused.value.code == "question"
        assert snapshot(case_a) == before

    def test_citizen_answer_with_files_stores_them_as_the_citizens(self, org, media):
        case = case_in(org, State.AWAITING_CITIZEN)
        record_citizen_response(case=case, body="مرفق", files=[pdf(), png()])
        event = reload(case).events.last()
        attachments = list(event.attachments.all())
        assert len(attachments) == 2
        assert all(a.by_citizen and a.is_public and a.uploaded_by is None for a in attachments)
        assert {a.extension for a in attachments} == {"pdf", "png"}
        assert len(files_on_disk(media)) == 2

    def test_citizen_may_answer_with_a_file_alone(self, org, media):
        case = case_in(org, State.AWAITING_CITIZEN)
        record_citizen_response(case=case, body="  ", files=[pdf()])
        assert reload(case).state == State.UNDER_REVIEW
        assert reload(case).events.last().body == ""

    def test_citizen_answer_needs_text_or_a_file(self, org):
        case = case_in(org, State.AWAITING_CITIZEN)
        before = snapshot(case)
        with pytest.raises(ValidationError) as refused:
            record_citizen_response(case=case, body="   ", files=[])
        assert refused.value.code == "empty"
        assert snapshot(case) == before

    @pytest.mark.parametrize("bad", BAD_FILES)
    def test_citizen_answer_with_a_bad_file_is_rolled_back_with_its_files(self, org, media, bad):
        case = case_in(org, State.AWAITING_CITIZEN)
        before = snapshot(case)
        with pytest.raises(ValidationError):
            record_citizen_response(case=case, body="مرفق", files=[pdf(), BAD_FILES[bad]()])
        assert snapshot(case) == before
        assert reload(case).state == State.AWAITING_CITIZEN
        assert files_on_disk(media) == []
