"""`submit_case`: the tracking code, the due date, the resent form, refusals, and the files."""

import hashlib
import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mithaq.cases.models import CODE_ALPHABET, Attachment, Case, CaseEvent, new_tracking_code
from mithaq.cases.services import (
    submit_case,
    workflow,
)
from mithaq.cases.states import (
    STAFF_CHANNELS,
    Channel,
    EventKind,
    Kind,
    State,
)
from mithaq.citizens.models import Citizen
from mithaq.routing.calendar import add_working
from mithaq.testing import PDF

from .conftest import (
    BAD_FILES,
    DOCX,
    docx,
    files_on_disk,
    later,
    pdf,
    png,
    promise_for_service,
    reload,
)

CODE_PATTERN = re.compile(f"^[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}$")
STORED_NAME = re.compile(r"^cases/\d{4}/\d{2}/[0-9a-f]{32}\.(pdf|png|docx)$")


# submit_case -----------------------------------------------------------------------------


def submit(org, **overrides):
    fields = {
        "kind": Kind.COMPLAINT,
        "unit": org.dept_a,
        "channel": Channel.WEB,
        "subject": "تأخر إصدار كشف الدرجات",
        "body": "قدمت الطلب منذ شهر.",
        "citizen_name": "أحمد محمود",
        "citizen_phone": "+9647701234567",
    }
    fields.update(overrides)
    return submit_case(**fields)


def nothing_was_made(media=None):
    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()
    assert not Attachment.objects.exists()
    if media is not None:
        assert files_on_disk(media) == []


class TestSubmitCase:
    def test_reference_is_two_groups_of_four_from_the_unambiguous_alphabet(self, org):
        codes = {submit(org).code for _ in range(12)}
        assert len(codes) == 12
        assert all(CODE_PATTERN.match(code) for code in codes), codes

    def test_tracking_codes_use_every_letter_of_the_alphabet_and_nothing_else(self):
        codes = [new_tracking_code() for _ in range(400)]
        assert all(CODE_PATTERN.match(code) for code in codes)
        assert set("".join(codes).replace("-", "")) == set(CODE_ALPHABET)

    def test_alphabet_leaves_out_characters_misheard_on_the_phone(self):
        assert not set("0O1IL2Z5S8B") & set(CODE_ALPHABET)
        assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET)

    def test_new_case_is_received_with_one_public_event_from_the_citizen(self, org):
        now = later(0)
        case = submit(org, now=now)
        stored = reload(case)
        assert (stored.state, stored.created_at, stored.updated_at) == (State.RECEIVED, now, now)
        [event] = stored.events.all()
        assert event.kind == EventKind.SUBMITTED
        assert (event.from_state, event.to_state) == ("", State.RECEIVED)
        assert (event.to_unit, event.at) == (org.dept_a, now)
        assert (event.actor, event.by_citizen, event.is_public) == (None, True, True)

    def test_due_date_follows_the_service_promise_in_working_days(self, org):
        promise_for_service(org.service_a, days=20)
        now = later(0)
        case = submit(org, service=org.service_a, now=now)
        assert reload(case).due_at == add_working(now, days=20)

    @pytest.mark.parametrize("kind", list(Kind))
    def test_due_date_without_a_service_follows_the_charter_default(self, org, kind):
        now = later(0)
        case = submit(org, kind=kind, now=now)
        # The seeded charter: the whole answer within 15 working days.
        assert reload(case).due_at == add_working(now, days=15)

    @pytest.mark.parametrize("service", [None, "service_a"])
    def test_urgent_appeal_takes_the_fast_lane_whatever_the_service(self, org, service):
        promise_for_service(org.service_a, days=20)
        now = later(0)
        case = submit(org, is_urgent=True, service=service and getattr(org, service), now=now)
        assert reload(case).due_at == add_working(now, days=3)

    def test_same_submission_token_twice_makes_one_case_and_one_event(self, org, media):
        token = uuid.uuid4()
        first = submit(org, submission_token=token, files=[pdf()])
        again = submit(org, submission_token=token, subject="مرة ثانية", files=[pdf()])
        assert again.pk == first.pk
        assert reload(first).subject == "تأخر إصدار كشف الدرجات"
        assert Case.objects.count() == 1
        assert CaseEvent.objects.count() == 1
        assert Attachment.objects.count() == 1
        assert len(files_on_disk(media)) == 1

    def test_a_resent_form_is_answered_even_if_it_would_now_be_refused(self, org):
        token = uuid.uuid4()
        first = submit(org, submission_token=token)
        org.dept_a.accepts_cases = False
        org.dept_a.save()
        assert submit(org, submission_token=token).pk == first.pk

    def test_a_reference_already_taken_is_drawn_again(self, org, media, monkeypatch):
        # The unique reference decides, not a look beforehand: the first INSERT clashes, the
        # whole attempt is rolled back (the new citizen's record and the file with it), and
        # the case is written under the next draw.
        taken = submit(org, citizen_phone="+9647701111111")
        fresh = new_tracking_code()
        draws = iter([taken.code, fresh])
        monkeypatch.setattr(workflow, "new_tracking_code", lambda: next(draws))
        case = submit(org, citizen_phone="+9647702222222", files=[pdf()])
        assert case.code == fresh
        assert Case.objects.count() == 2 and CaseEvent.objects.count() == 2
        assert Citizen.objects.filter(phone="+9647702222222").count() == 1
        assert Attachment.objects.count() == 1 and len(files_on_disk(media)) == 1

    def test_a_reference_taken_every_time_fails_and_writes_nothing(self, org, media, monkeypatch):
        taken = submit(org)
        monkeypatch.setattr(workflow, "new_tracking_code", lambda: taken.code)
        with pytest.raises(IntegrityError):
            submit(org, citizen_phone="+9647702222222", files=[pdf()])
        assert Case.objects.count() == 1 and CaseEvent.objects.count() == 1
        assert not Citizen.objects.filter(phone="+9647702222222").exists()
        assert len(files_on_disk(media)) == 0

    @pytest.mark.django_db(transaction=True)
    def test_without_a_savepoint_in_a_callers_transaction_a_taken_reference_is_skipped(
        self, org, monkeypatch
    ):
        # There a failed INSERT would break the caller's transaction, so one SELECT looks
        # first: the taken reference is never tried.
        taken = submit(org)
        fresh = new_tracking_code()
        draws = iter([taken.code, taken.code, fresh])
        monkeypatch.setattr(workflow, "new_tracking_code", lambda: next(draws))
        with transaction.atomic():
            case = submit(org, citizen_phone="+9647702222222", savepoint=False)
        assert case.code == fresh
        assert Case.objects.count() == 2

    def test_different_tokens_make_different_cases(self, org):
        first = submit(org, submission_token=uuid.uuid4())
        second = submit(org, submission_token=uuid.uuid4())
        assert first.pk != second.pk and first.code != second.code

    def test_service_of_another_unit_is_refused(self, org, media):
        with pytest.raises(ValidationError) as refused:
            submit(org, service=org.service_b)
        assert refused.value.code == "service"
        nothing_was_made(media)

    def test_unit_that_does_not_take_cases_is_refused(self, org):
        assert org.root.accepts_cases is False
        with pytest.raises(ValidationError) as refused:
            submit(org, unit=org.root)
        assert refused.value.code == "unit"
        nothing_was_made()

    def test_inactive_unit_is_refused(self, org):
        org.dept_a.is_active = False
        org.dept_a.save()
        with pytest.raises(ValidationError) as refused:
            submit(org)
        assert refused.value.code == "unit"
        nothing_was_made()

    def test_staff_cannot_register_a_case_as_coming_from_the_web_portal(self, org):
        with pytest.raises(ValidationError) as refused:
            submit(org, channel=Channel.WEB, received_by=org.reception)
        assert refused.value.code == "channel"
        nothing_was_made()

    @pytest.mark.parametrize("channel", STAFF_CHANNELS)
    def test_a_staff_channel_needs_the_employee_who_received_the_case(self, org, channel):
        with pytest.raises(ValidationError) as refused:
            submit(org, channel=channel, received_by=None)
        assert refused.value.code == "channel"
        nothing_was_made()

    @pytest.mark.parametrize("typed", ["07701234567", "٠٧٧٠ ١٢٣ ٤٥٦٧", "00964 770 123 4567"])
    def test_phone_is_stored_in_e164_however_it_was_typed(self, org, typed):
        assert reload(submit(org, citizen_phone=typed)).citizen_phone == "+9647701234567"

    @pytest.mark.parametrize("typed", ["", "0770", "not a phone"])
    def test_invalid_phone_is_refused(self, org, media, typed):
        with pytest.raises(ValidationError) as refused:
            submit(org, citizen_phone=typed, files=[pdf()])
        assert refused.value.code == "invalid_phone"
        nothing_was_made(media)

    @pytest.mark.parametrize("channel", STAFF_CHANNELS)
    def test_reception_registers_a_case_on_a_staff_channel(self, org, channel, media):
        case = submit(org, channel=channel, received_by=org.reception, files=[pdf()])
        stored = reload(case)
        assert (stored.channel, stored.received_by) == (channel, org.reception)
        [event] = stored.events.all()
        assert (event.actor, event.by_citizen) == (org.reception, False)
        [attachment] = stored.attachments.all()
        assert (attachment.uploaded_by, attachment.by_citizen) == (org.reception, False)

    def test_collective_case_needs_two_people_or_more(self, org):
        with pytest.raises(ValidationError) as refused:
            submit(org, is_collective=True, head_count=1)
        assert refused.value.code == "head_count"
        nothing_was_made()

    def test_collective_case_keeps_its_head_count(self, org):
        case = submit(org, is_collective=True, head_count=35)
        assert (reload(case).is_collective, reload(case).head_count) == (True, 35)

    def test_single_citizen_case_counts_one_person_whatever_was_sent(self, org):
        assert reload(submit(org, is_collective=False, head_count=9)).head_count == 1

    def test_text_is_trimmed_and_email_lower_cased(self, org):
        case = reload(
            submit(
                org,
                subject="  تأخر  ",
                body="\nالتفاصيل\n",
                citizen_name=" أحمد ",
                citizen_email=" Ahmed@Example.COM ",
                letter_number=" 12/ب ",
            )
        )
        assert (case.subject, case.body, case.citizen_name) == ("تأخر", "التفاصيل", "أحمد")
        assert (case.citizen_email, case.letter_number) == ("ahmed@example.com", "12/ب")


class TestSubmittedFiles:
    def test_accepted_file_is_stored_under_a_server_made_name(self, org, media):
        case = submit(org, files=[pdf("كشف الدرجات.pdf")])
        [attachment] = reload(case).attachments.all()
        assert STORED_NAME.match(attachment.file.name), attachment.file.name
        assert attachment.original_name == "كشف الدرجات.pdf"
        assert (attachment.content_type, attachment.extension) == ("application/pdf", "pdf")
        assert attachment.size == len(PDF)
        assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
        assert (attachment.is_public, attachment.by_citizen, attachment.uploaded_by) == (
            True,
            True,
            None,
        )
        assert attachment.event == case.events.get()
        [on_disk] = files_on_disk(media)
        assert on_disk.read_bytes() == PDF
        assert on_disk == media / attachment.file.name

    def test_the_type_comes_from_the_bytes_not_the_name(self, org, media):
        case = submit(org, files=[png("scan.pdf"), docx("letter.png")])
        stored = {a.original_name: a for a in reload(case).attachments.all()}
        # The name kept (and offered on download) ends in the type the bytes show.
        assert stored["scan.png"].extension == "png"
        assert stored["scan.png"].file.name.endswith(".png")
        assert stored["letter.docx"].extension == "docx"
        assert stored["letter.docx"].sha256 == hashlib.sha256(DOCX).hexdigest()
        assert len(files_on_disk(media)) == 2

    @pytest.mark.parametrize("bad", BAD_FILES)
    def test_bad_file_leaves_no_case_no_event_and_no_file(self, org, media, bad):
        with pytest.raises(ValidationError):
            submit(org, files=[BAD_FILES[bad]()])
        nothing_was_made(media)

    @pytest.mark.parametrize("bad", BAD_FILES)
    def test_bad_file_after_good_ones_removes_the_good_ones_too(self, org, media, bad):
        with pytest.raises(ValidationError):
            submit(org, files=[pdf(), png(), BAD_FILES[bad]()])
        nothing_was_made(media)
