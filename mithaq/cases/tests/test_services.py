"""Every change to a case, tested at the service: the transition table, the one event each
change writes, and what a refused change leaves behind (nothing: no row, no event, no file)."""

import datetime
import hashlib
import re
import threading
import time
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from mithaq.accounts.access import assignable_officers
from mithaq.accounts.models import Membership, Role
from mithaq.cases.models import CODE_ALPHABET, Attachment, Case, CaseEvent, new_tracking_code
from mithaq.cases.selectors import timeline
from mithaq.cases.services import (
    CaseStateError,
    acknowledge_case,
    add_note,
    assign_case,
    close_case,
    decide_case,
    log_confidential_read,
    record_citizen_response,
    refer_case,
    reopen_case,
    reply_to_citizen,
    request_information,
    resolve_case,
    submit_case,
)
from mithaq.cases.states import (
    CITIZEN_RESPONSE,
    STAFF_CHANNELS,
    TRANSITIONS,
    Action,
    Channel,
    ClosureCode,
    Decision,
    EventKind,
    ExternalSystem,
    Kind,
    State,
)
from mithaq.routing.calendar import add_working
from mithaq.routing.calendar import invalidate as invalidate_calendar
from mithaq.routing.models import Commitment, DurationUnit, Target
from mithaq.testing import EXE, HTML, PDF, docx_bytes, make_case, png_bytes, zip_bytes

CODE_PATTERN = re.compile(f"^[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}$")
STORED_NAME = re.compile(r"^cases/\d{4}/\d{2}/[0-9a-f]{32}\.(pdf|png|docx)$")


# Files with real magic bytes ------------------------------------------------------------

PNG = png_bytes()
DOCX = docx_bytes()
zipped = zip_bytes


def pdf(name="كتاب رسمي.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png(name="photo.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def docx(name="request.docx"):
    return SimpleUploadedFile(name, DOCX, content_type="application/octet-stream")


BAD_FILES = {
    "exe_named_pdf": lambda: SimpleUploadedFile("invoice.pdf", EXE, "application/pdf"),
    "html_named_png": lambda: SimpleUploadedFile("photo.png", HTML, "image/png"),
    "plain_zip_named_docx": lambda: SimpleUploadedFile(
        "request.docx", zipped({"notes.txt": "hello"}), "application/zip"
    ),
    "empty_pdf": lambda: SimpleUploadedFile("empty.pdf", b"", "application/pdf"),
}


@pytest.fixture
def media(settings, tmp_path):
    """MEDIA_ROOT in a folder of this test's own, so that what is left on disk can be seen."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def files_on_disk(media) -> list:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


# Helpers -------------------------------------------------------------------------------


def promise_for_service(service, *, days):
    """The charter promises the whole answer on `service` within `days` working days."""
    Commitment.objects.create(
        target=Target.RESOLUTION, service=service, amount=days, unit=DurationUnit.DAYS
    )
    invalidate_calendar()


def later(hours=1):
    return timezone.now() + datetime.timedelta(hours=hours)


def snapshot(case: Case) -> tuple:
    """Everything about a case in the database: its row, its events and its files."""
    return (
        Case.objects.filter(pk=case.pk).values().get(),
        list(CaseEvent.objects.filter(case_id=case.pk).values_list("pk", flat=True)),
        list(Attachment.objects.filter(case_id=case.pk).values_list("pk", flat=True)),
    )


def new_events(case: Case, before: tuple) -> list:
    return list(CaseEvent.objects.filter(case_id=case.pk).exclude(pk__in=before[1]))


def reload(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


# The way to bring a case into each state, through the services themselves.
def _to_received(org, case):
    return case


def _to_under_review(org, case):
    return acknowledge_case(case=case, actor=org.officer_a)


def _to_referred(org, case):
    return refer_case(case=case, actor=org.officer_a, to_unit=org.dept_a2, reason="اختصاص القسم")


def _to_awaiting_citizen(org, case):
    return request_information(case=case, actor=org.officer_a, question="أرسل الوصل")


def _to_decided(org, case):
    case = acknowledge_case(case=case, actor=org.officer_a)
    return decide_case(case=case, actor=org.leader, decision=Decision.ACCEPTED, reasons="محق")


def _to_resolved(org, case):
    case = acknowledge_case(case=case, actor=org.officer_a)
    return resolve_case(case=case, actor=org.officer_a, summary="صدر الكشف")


def _to_closed(org, case):
    return close_case(case=case, actor=org.office_manager, closure_code=ClosureCode.ANSWERED)


def _to_reopened(org, case):
    case = _to_closed(org, case)
    return reopen_case(case=case, actor=org.office_manager, reason="لم يستلم الكشف")


DRIVE = {
    State.RECEIVED: _to_received,
    State.UNDER_REVIEW: _to_under_review,
    State.REFERRED: _to_referred,
    State.AWAITING_CITIZEN: _to_awaiting_citizen,
    State.DECIDED: _to_decided,
    State.RESOLVED: _to_resolved,
    State.CLOSED: _to_closed,
    State.REOPENED: _to_reopened,
}


def case_in(org, state: State, **overrides) -> Case:
    case = DRIVE[state](org, make_case(org, **overrides))
    assert reload(case).state == state
    return reload(case)


# Each action done with valid arguments: the call, the event it should write, and its "why".
WHY = {
    Action.ACKNOWLEDGE: "",
    Action.ASSIGN: "",
    Action.REFER: "الطلب من اختصاص قسم الجراحة",
    Action.REQUEST_INFO: "أرسل صورة الهوية",
    Action.REPLY: "سيصدر الكشف خلال أسبوع",
    Action.NOTE: "تواصلت مع شعبة التسجيل",
    Action.DECIDE: "الطلب مستوفٍ للشروط",
    Action.RESOLVE: "سُلِّم الكشف للمواطن",
    Action.CLOSE: "أغلقت بعد الرد",
    Action.REOPEN: "المواطن لم يستلم الكشف",
}
EVENT_OF = {
    Action.ACKNOWLEDGE: (EventKind.ACKNOWLEDGED, True),
    Action.ASSIGN: (EventKind.ASSIGNED, False),
    Action.REFER: (EventKind.REFERRED, False),
    Action.REQUEST_INFO: (EventKind.INFO_REQUESTED, True),
    Action.REPLY: (EventKind.REPLIED, True),
    Action.NOTE: (EventKind.NOTE, False),
    Action.DECIDE: (EventKind.DECIDED, True),
    Action.RESOLVE: (EventKind.RESOLVED, True),
    Action.CLOSE: (EventKind.CLOSED, True),
    Action.REOPEN: (EventKind.REOPENED, True),
}


def perform(action: Action, org, case: Case, *, actor, now) -> Case:
    why = f"  {WHY[action]}\n"  # surrounding white space is not kept
    match action:
        case Action.ACKNOWLEDGE:
            return acknowledge_case(case=case, actor=actor, now=now)
        case Action.ASSIGN:
            return assign_case(case=case, actor=actor, assignee=org.office_manager, now=now)
        case Action.REFER:
            return refer_case(case=case, actor=actor, to_unit=org.dept_b, reason=why, now=now)
        case Action.REQUEST_INFO:
            return request_information(case=case, actor=actor, question=why, now=now)
        case Action.REPLY:
            return reply_to_citizen(case=case, actor=actor, body=why, now=now)
        case Action.NOTE:
            return add_note(case=case, actor=actor, body=why, now=now)
        case Action.DECIDE:
            return decide_case(
                case=case, actor=actor, decision=Decision.ACCEPTED, reasons=why, now=now
            )
        case Action.RESOLVE:
            return resolve_case(case=case, actor=actor, summary=why, now=now)
        case Action.CLOSE:
            return close_case(
                case=case, actor=actor, closure_code=ClosureCode.ANSWERED, note=why, now=now
            )
        case Action.REOPEN:
            return reopen_case(case=case, actor=actor, reason=why, now=now)
    raise AssertionError(action)


# The workbench's actions (referrals, consultations, duplicates) are tested in their apps.
FOUNDATION = [a for a in Action if a in WHY]
ALLOWED = [(a, s) for a in FOUNDATION for s in State if s in TRANSITIONS[a].sources]
REFUSED = [(a, s) for a in FOUNDATION for s in State if s not in TRANSITIONS[a].sources]


def _pair_id(pair):
    return f"{pair[0].value}-from-{pair[1].value}"


# The transition table, action by action and state by state ------------------------------


class TestTransitionTable:
    @pytest.mark.parametrize(("action", "state"), ALLOWED, ids=map(_pair_id, ALLOWED))
    def test_action_succeeds_from_each_listed_state_and_writes_one_event(self, org, action, state):
        case = case_in(org, state)
        before = snapshot(case)
        now = later()

        result = perform(action, org, case, actor=org.office_manager, now=now)

        target = TRANSITIONS[action].target
        stored = reload(case)
        assert stored.state == (target or state) == result.state
        assert stored.updated_at == now
        [event] = new_events(case, before)
        kind, is_public = EVENT_OF[action]
        assert event.kind == kind
        assert event.actor == org.office_manager
        assert event.at == now
        assert (event.from_state, event.to_state) == ((state, target) if target else ("", ""))
        assert event.body == WHY[action]
        assert event.is_public is is_public
        assert event.by_citizen is False

    @pytest.mark.parametrize(("action", "state"), REFUSED, ids=map(_pair_id, REFUSED))
    def test_action_is_refused_from_every_other_state_and_writes_nothing(self, org, action, state):
        case = case_in(org, state)
        before = snapshot(case)

        with pytest.raises(CaseStateError) as refused:
            perform(action, org, case, actor=org.office_manager, now=later())

        assert refused.value.code == "bad_state"
        assert snapshot(case) == before

    @pytest.mark.parametrize("state", sorted(CITIZEN_RESPONSE.sources))
    def test_citizen_answer_returns_a_waiting_case_to_review(self, org, state):
        case = case_in(org, state)
        before = snapshot(case)
        now = later()

        record_citizen_response(case=case, body=" أرفقت الوصل ", now=now)

        assert reload(case).state == State.UNDER_REVIEW
        [event] = new_events(case, before)
        assert event.kind == EventKind.CITIZEN_RESPONDED
        assert (event.from_state, event.to_state) == (State.AWAITING_CITIZEN, State.UNDER_REVIEW)
        assert (event.actor, event.by_citizen, event.is_public) == (None, True, True)
        assert (event.at, event.body) == (now, "أرفقت الوصل")

    @pytest.mark.parametrize("state", sorted(set(State) - set(CITIZEN_RESPONSE.sources)))
    def test_citizen_answer_is_refused_when_nothing_was_asked(self, org, state):
        case = case_in(org, state)
        before = snapshot(case)
        with pytest.raises(CaseStateError) as refused:
            record_citizen_response(case=case, body="هذا ردي")
        assert refused.value.code == "bad_state"
        assert snapshot(case) == before

    def test_a_stale_case_object_is_judged_by_its_state_in_the_database(self, org, case_a):
        # The caller's copy still says "received"; the database says "closed".
        _to_closed(org, case_a)
        assert case_a.state == State.RECEIVED
        with pytest.raises(CaseStateError):
            acknowledge_case(case=case_a, actor=org.officer_a)
        assert reload(case_a).state == State.CLOSED

    def test_full_journey_leaves_one_event_per_step_in_order(self, org, case_a, media):
        case = acknowledge_case(case=case_a, actor=org.officer_a)
        case = assign_case(case=case, actor=org.officer_a, assignee=org.officer_a)
        case = request_information(case=case, actor=org.officer_a, question="أرسل الوصل")
        case = record_citizen_response(case=case, body="", files=[pdf()])
        case = add_note(case=case, actor=org.officer_a, body="الوصل سليم")
        case = decide_case(
            case=case, actor=org.officer_a, decision=Decision.ACCEPTED, reasons="مستوفٍ"
        )
        case = reply_to_citizen(case=case, actor=org.officer_a, body="قُبل طلبك")
        case = resolve_case(case=case, actor=org.officer_a, summary="سُلّم الكشف")
        case = close_case(case=case, actor=org.manager_college_a, closure_code=ClosureCode.REMEDIED)

        assert [e.kind for e in case.events.all()] == [
            EventKind.SUBMITTED,
            EventKind.ACKNOWLEDGED,
            EventKind.ASSIGNED,
            EventKind.INFO_REQUESTED,
            EventKind.CITIZEN_RESPONDED,
            EventKind.NOTE,
            EventKind.DECIDED,
            EventKind.REPLIED,
            EventKind.RESOLVED,
            EventKind.CLOSED,
        ]
        # The citizen's view of the same history: no note, no assignment.
        assert [e.kind for e in timeline(case, public_only=True)] == [
            EventKind.SUBMITTED,
            EventKind.ACKNOWLEDGED,
            EventKind.INFO_REQUESTED,
            EventKind.CITIZEN_RESPONDED,
            EventKind.DECIDED,
            EventKind.REPLIED,
            EventKind.RESOLVED,
            EventKind.CLOSED,
        ]


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
        assert stored["scan.pdf"].extension == "png"
        assert stored["scan.pdf"].file.name.endswith(".png")
        assert stored["letter.png"].extension == "docx"
        assert stored["letter.png"].sha256 == hashlib.sha256(DOCX).hexdigest()
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


# Assignment ------------------------------------------------------------------------------


class TestAssignCase:
    def test_officer_of_the_unit_is_assigned_with_a_private_event(self, org, case_a):
        now = later()
        case = assign_case(
            case=case_a, actor=org.manager_college_a, assignee=org.officer_a, now=now
        )
        assert reload(case).assignee == org.officer_a
        event = case.events.last()
        assert (event.kind, event.assignee, event.actor) == (
            EventKind.ASSIGNED,
            org.officer_a,
            org.manager_college_a,
        )
        assert (event.from_state, event.to_state, event.is_public, event.at) == ("", "", False, now)
        assert reload(case).state == State.RECEIVED

    @pytest.mark.parametrize("unit", ["dept_a", "dept_b", "college_a", "office"])
    def test_office_manager_may_hold_a_case_of_any_unit(self, org, unit):
        case = make_case(org, unit=getattr(org, unit))
        assign_case(case=case, actor=org.office_manager, assignee=org.office_manager)
        assert reload(case).assignee == org.office_manager

    def test_an_officer_of_the_office_may_hold_a_case_of_any_unit(self, org, case_a):
        office_officer = get_user_model().objects.create_user("office_officer")
        Membership.objects.create(user=office_officer, unit=org.office, role=Role.OFFICER)
        assign_case(case=case_a, actor=org.office_manager, assignee=office_officer)
        assert reload(case_a).assignee == office_officer

    def test_unit_manager_may_hold_a_case_of_their_own_unit(self, org):
        case = make_case(org, unit=org.college_a)
        assign_case(case=case, actor=org.office_manager, assignee=org.manager_college_a)
        assert reload(case).assignee == org.manager_college_a

    def test_manager_of_the_college_may_hold_a_case_of_one_of_its_departments(self, org, case_a):
        assign_case(case=case_a, actor=org.office_manager, assignee=org.manager_college_a)
        assert reload(case_a).assignee == org.manager_college_a

    def test_manager_of_a_department_may_not_hold_a_case_of_the_college_above(self, org):
        head_of_civil = get_user_model().objects.create_user("head_of_civil")
        Membership.objects.create(user=head_of_civil, unit=org.dept_a, role=Role.UNIT_MANAGER)
        case = make_case(org, unit=org.college_a)
        with pytest.raises(ValidationError) as refused:
            assign_case(case=case, actor=org.office_manager, assignee=head_of_civil)
        assert refused.value.code == "assignee"

    @pytest.mark.parametrize(
        "person",
        [
            "officer_a2",  # another department of the same college
            "officer_b",  # another college
            "reception",  # the office's reception registers cases; it does not work them
            "leader",
            "auditor",
            "admin",
            "nobody",
        ],
    )
    def test_people_outside_the_unit_and_the_office_are_refused(self, org, case_a, person):
        before = snapshot(case_a)
        with pytest.raises(ValidationError) as refused:
            assign_case(case=case_a, actor=org.office_manager, assignee=getattr(org, person))
        assert refused.value.code == "assignee"
        assert snapshot(case_a) == before

    def test_inactive_officer_is_refused(self, org, case_a):
        org.officer_a.is_active = False
        org.officer_a.save()
        with pytest.raises(ValidationError):
            assign_case(case=case_a, actor=org.office_manager, assignee=org.officer_a)
        assert reload(case_a).assignee is None

    def test_assignable_officers_are_the_units_its_managers_above_and_the_offices(self, org):
        assert set(assignable_officers(org.dept_a)) == {
            org.officer_a,
            org.manager_college_a,
            org.office_manager,
        }
        assert set(assignable_officers(org.dept_b)) == {org.officer_b, org.office_manager}
        assert set(assignable_officers(org.college_a)) == {
            org.manager_college_a,
            org.office_manager,
        }

    def test_reassigning_the_same_person_writes_nothing(self, org, case_a):
        case = assign_case(case=case_a, actor=org.office_manager, assignee=org.officer_a)
        before = snapshot(case)
        again = assign_case(
            case=case, actor=org.office_manager, assignee=org.officer_a, now=later()
        )
        assert again.assignee == org.officer_a
        assert snapshot(case) == before

    def test_reassigning_to_another_person_writes_a_second_event(self, org, case_a):
        assign_case(case=case_a, actor=org.office_manager, assignee=org.officer_a)
        assign_case(case=case_a, actor=org.office_manager, assignee=org.office_manager)
        assigned = case_a.events.filter(kind=EventKind.ASSIGNED)
        assert [e.assignee for e in assigned] == [org.officer_a, org.office_manager]
        assert reload(case_a).assignee == org.office_manager


# Referral --------------------------------------------------------------------------------


class TestReferCase:
    def test_referral_moves_the_case_and_records_both_units(self, org, case_a):
        acknowledge_case(case=case_a, actor=org.officer_a)
        now = later()
        refer_case(
            case=case_a, actor=org.officer_a, to_unit=org.dept_b, reason=" ليس لنا ", now=now
        )
        stored = reload(case_a)
        assert (stored.unit, stored.state) == (org.dept_b, State.REFERRED)
        event = stored.events.last()
        assert (event.kind, event.from_unit, event.to_unit) == (
            EventKind.REFERRED,
            org.dept_a,
            org.dept_b,
        )
        assert (event.from_state, event.to_state) == (State.UNDER_REVIEW, State.REFERRED)
        assert (event.body, event.actor, event.at, event.is_public) == (
            "ليس لنا",
            org.officer_a,
            now,
            False,
        )

    def test_referral_clears_the_assignee(self, org, case_a):
        assign_case(case=case_a, actor=org.office_manager, assignee=org.officer_a)
        refer_case(case=case_a, actor=org.officer_a, to_unit=org.dept_b, reason="ليس لنا")
        assert reload(case_a).assignee is None

    def test_referral_drops_a_service_of_another_unit(self, org):
        case = make_case(org, service=org.service_a)
        refer_case(case=case, actor=org.officer_a, to_unit=org.dept_b, reason="ليس لنا")
        assert reload(case).service is None

    def test_a_referred_case_can_be_referred_on(self, org, case_a):
        refer_case(case=case_a, actor=org.officer_a, to_unit=org.dept_a2, reason="للكهرباء")
        refer_case(case=case_a, actor=org.officer_a2, to_unit=org.dept_b, reason="للجراحة")
        last = reload(case_a).events.last()
        assert (last.from_unit, last.to_unit) == (org.dept_a2, org.dept_b)
        assert (last.from_state, last.to_state) == (State.REFERRED, State.REFERRED)

    @pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
    def test_referral_needs_a_reason(self, org, case_a, reason):
        before = snapshot(case_a)
        with pytest.raises(ValidationError) as refused:
            refer_case(case=case_a, actor=org.officer_a, to_unit=org.dept_b, reason=reason)
        assert refused.value.code == "reason"
        assert snapshot(case_a) == before

    def test_referral_to_the_same_unit_is_refused(self, org, case_a):
        before = snapshot(case_a)
        with pytest.raises(ValidationError) as refused:
            refer_case(case=case_a, actor=org.officer_a, to_unit=org.dept_a, reason="إعادة")
        assert refused.value.code == "same_unit"
        assert snapshot(case_a) == before

    def test_referral_to_a_unit_that_takes_no_cases_is_refused(self, org, case_a):
        before = snapshot(case_a)
        with pytest.raises(ValidationError) as refused:
            refer_case(case=case_a, actor=org.officer_a, to_unit=org.root, reason="للرئاسة")
        assert refused.value.code == "unit"
        assert snapshot(case_a) == before

    def test_referral_to_an_inactive_unit_is_refused(self, org, case_a):
        org.dept_b.is_active = False
        org.dept_b.save()
        before = snapshot(case_a)
        with pytest.raises(ValidationError) as refused:
            refer_case(case=case_a, actor=org.officer_a, to_unit=org.dept_b, reason="للجراحة")
        assert refused.value.code == "unit"
        assert snapshot(case_a) == before


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


# Decisions, resolution, closure, reopening --------------------------------------------------


class TestDecideCase:
    @pytest.mark.parametrize("decision", list(Decision))
    def test_decision_and_its_reasons_are_recorded(self, org, decision):
        case = case_in(org, State.UNDER_REVIEW)
        decide_case(case=case, actor=org.leader, decision=decision, reasons=" لأن اللائحة ")
        stored = reload(case)
        assert (stored.state, stored.decision, stored.decision_reasons) == (
            State.DECIDED,
            decision,
            "لأن اللائحة",
        )
        event = stored.events.last()
        assert (event.kind, event.body, event.is_public) == (EventKind.DECIDED, "لأن اللائحة", True)

    @pytest.mark.parametrize("decision", ["", "maybe", "ACCEPTED"])
    def test_unknown_decision_is_refused(self, org, decision):
        case = case_in(org, State.UNDER_REVIEW)
        before = snapshot(case)
        with pytest.raises(ValidationError) as refused:
            decide_case(case=case, actor=org.leader, decision=decision, reasons="سبب")
        assert refused.value.code == "decision"
        assert snapshot(case) == before

    @pytest.mark.parametrize("reasons", ["", "   "])
    def test_decision_needs_reasons(self, org, reasons):
        case = case_in(org, State.UNDER_REVIEW)
        before = snapshot(case)
        with pytest.raises(ValidationError) as refused:
            decide_case(case=case, actor=org.leader, decision=Decision.REJECTED, reasons=reasons)
        assert refused.value.code == "reasons"
        assert snapshot(case) == before


class TestResolveCase:
    def test_resolution_is_public(self, org):
        case = case_in(org, State.DECIDED)
        resolve_case(case=case, actor=org.officer_a, summary=" سُلّم الكشف ")
        event = reload(case).events.last()
        assert (event.kind, event.body, event.is_public) == (EventKind.RESOLVED, "سُلّم الكشف", True)
        assert (event.from_state, event.to_state) == (State.DECIDED, State.RESOLVED)

    @pytest.mark.parametrize("summary", ["", "  "])
    def test_resolution_needs_a_summary(self, org, case_a, summary):
        before = snapshot(case_a)
        with pytest.raises(ValidationError) as refused:
            resolve_case(case=case_a, actor=org.officer_a, summary=summary)
        assert refused.value.code == "summary"
        assert snapshot(case_a) == before


class TestCloseCase:
    @pytest.mark.parametrize("closure_code", list(ClosureCode))
    def test_closing_records_the_code_and_the_time(self, org, case_a, closure_code):
        now = later()
        close_case(case=case_a, actor=org.office_manager, closure_code=closure_code, now=now)
        stored = reload(case_a)
        assert (stored.state, stored.closure_code, stored.closed_at) == (
            State.CLOSED,
            closure_code,
            now,
        )
        assert (stored.external_system, stored.external_reference) == ("", "")
        assert not stored.is_open

    def test_closing_again_keeps_the_external_reference_given_the_first_time(self, org, case_a):
        close_case(
            case=case_a,
            actor=org.office_manager,
            closure_code=ClosureCode.ANSWERED,
            external_system=ExternalSystem.EG_UNIFIED,
            external_reference="UCS-77",
        )
        reopen_case(case=case_a, actor=org.office_manager, reason="تظلم")
        close_case(case=case_a, actor=org.office_manager, closure_code=ClosureCode.REJECTED)
        stored = reload(case_a)
        assert (stored.closure_code, stored.external_system, stored.external_reference) == (
            ClosureCode.REJECTED,
            ExternalSystem.EG_UNIFIED,
            "UCS-77",
        )

    def test_closing_records_the_external_system_and_its_reference(self, org, case_a):
        close_case(
            case=case_a,
            actor=org.office_manager,
            closure_code=ClosureCode.ANSWERED,
            external_system=ExternalSystem.IQ_ECITIZEN,
            external_reference="  EC-2026-0042 ",
        )
        stored = reload(case_a)
        assert (stored.external_system, stored.external_reference) == (
            ExternalSystem.IQ_ECITIZEN,
            "EC-2026-0042",
        )

    @pytest.mark.parametrize("closure_code", ["", "solved", "ANSWERED"])
    def test_unknown_closure_code_is_refused(self, org, case_a, closure_code):
        before = snapshot(case_a)
        with pytest.raises(ValidationError) as refused:
            close_case(case=case_a, actor=org.office_manager, closure_code=closure_code)
        assert refused.value.code == "closure_code"
        assert snapshot(case_a) == before

    @pytest.mark.parametrize(
        ("system", "reference"),
        [
            (ExternalSystem.EG_UNIFIED, ""),
            (ExternalSystem.EG_UNIFIED, "   "),
            ("", "EC-2026-0042"),
            ("nowhere", "EC-2026-0042"),
        ],
    )
    def test_external_system_and_reference_come_together_or_not_at_all(
        self, org, case_a, system, reference
    ):
        before = snapshot(case_a)
        with pytest.raises(ValidationError) as refused:
            close_case(
                case=case_a,
                actor=org.office_manager,
                closure_code=ClosureCode.ANSWERED,
                external_system=system,
                external_reference=reference,
            )
        assert refused.value.code == "external"
        assert snapshot(case_a) == before


class TestReopenCase:
    @pytest.mark.parametrize("state", [State.CLOSED, State.RESOLVED])
    def test_reopening_clears_the_closure(self, org, state):
        case = case_in(org, state)
        reopen_case(case=case, actor=org.office_manager, reason=" لم يُنفَّذ ")
        stored = reload(case)
        assert (stored.state, stored.closure_code, stored.closed_at) == (State.REOPENED, "", None)
        assert stored.is_open
        event = stored.events.last()
        assert (event.kind, event.body, event.from_state) == (EventKind.REOPENED, "لم يُنفَّذ", state)

    def test_reopening_starts_a_new_review(self, org):
        case = make_case(org, service=org.service_a)
        case = assign_case(case=case, actor=org.office_manager, assignee=org.officer_a)
        case = acknowledge_case(case=case, actor=org.officer_a)
        case = decide_case(
            case=case, actor=org.officer_a, decision=Decision.REJECTED, reasons="خارج المدة"
        )
        case = close_case(case=case, actor=org.office_manager, closure_code=ClosureCode.REJECTED)
        now = later(48)
        reopen_case(case=case, actor=org.office_manager, reason="تظلم", now=now)
        stored = reload(case)
        assert (stored.decision, stored.decision_reasons, stored.assignee) == ("", "", None)
        assert stored.due_at == add_working(now, days=15)
        # The earlier decision stays in the history.
        assert stored.events.filter(kind=EventKind.DECIDED, body="خارج المدة").exists()

    def test_new_due_date_follows_the_case_as_stored_not_a_stale_copy(self, org):
        promise_for_service(org.service_a, days=20)
        copy = make_case(org, service=org.service_a)  # 20 days while it has this service
        refer_case(case=copy, actor=org.officer_a, to_unit=org.dept_b, reason="للجراحة")
        close_case(case=copy, actor=org.office_manager, closure_code=ClosureCode.NOT_COMPETENT)
        now = later(48)
        reopen_case(case=copy, actor=org.office_manager, reason="تظلم", now=now)
        assert reload(copy).service is None
        assert reload(copy).due_at == add_working(now, days=15)

    def test_a_reopened_case_is_worked_again(self, org):
        case = case_in(org, State.REOPENED)
        case = acknowledge_case(case=case, actor=org.officer_a)
        case = decide_case(case=case, actor=org.officer_a, decision=Decision.REJECTED, reasons="س")
        assert reload(case).state == State.DECIDED

    @pytest.mark.parametrize("reason", ["", "  "])
    def test_reopening_needs_a_reason(self, org, reason):
        case = case_in(org, State.CLOSED)
        before = snapshot(case)
        with pytest.raises(ValidationError) as refused:
            reopen_case(case=case, actor=org.office_manager, reason=reason)
        assert refused.value.code == "reason"
        assert snapshot(case) == before


class TestGrievanceReviewer:
    """A reopened case (a grievance, تظلم) is reviewed by someone other than who decided it."""

    @staticmethod
    def reopened(org, *, decider=None, resolver=None) -> Case:
        case = acknowledge_case(case=make_case(org), actor=org.office_manager)
        if decider is not None:
            case = decide_case(
                case=case, actor=decider, decision=Decision.REJECTED, reasons="خارج المدة"
            )
        if resolver is not None:
            case = resolve_case(case=case, actor=resolver, summary="أُبلغ المواطن")
        case = close_case(case=case, actor=org.office_manager, closure_code=ClosureCode.REJECTED)
        return reopen_case(case=case, actor=org.office_manager, reason="تظلم")

    def test_whoever_decided_may_not_review_the_grievance(self, org):
        case = self.reopened(org, decider=org.officer_a)
        before = snapshot(case)
        with pytest.raises(ValidationError) as refused:
            assign_case(case=case, actor=org.office_manager, assignee=org.officer_a)
        assert refused.value.code == "same_reviewer"
        assert snapshot(case) == before

    def test_whoever_resolved_may_not_review_the_grievance(self, org):
        case = self.reopened(org, resolver=org.officer_a)
        with pytest.raises(ValidationError) as refused:
            assign_case(case=case, actor=org.office_manager, assignee=org.officer_a)
        assert refused.value.code == "same_reviewer"

    def test_someone_else_may_review_the_grievance(self, org):
        case = self.reopened(org, decider=org.officer_a)
        assign_case(case=case, actor=org.office_manager, assignee=org.manager_college_a)
        assert reload(case).assignee == org.manager_college_a

    def test_a_case_reopened_without_a_decision_may_go_to_anyone_of_the_unit(self, org):
        case = self.reopened(org)
        assign_case(case=case, actor=org.office_manager, assignee=org.officer_a)
        assert reload(case).assignee == org.officer_a

    def test_whoever_decided_may_not_review_the_grievance_once_it_is_acknowledged(self, org):
        case = self.reopened(org, decider=org.officer_a)
        case = acknowledge_case(case=case, actor=org.manager_college_a)
        with pytest.raises(ValidationError):
            assign_case(case=case, actor=org.office_manager, assignee=org.officer_a)

    def test_whoever_decided_may_not_review_the_grievance_when_another_resolved_it(self, org):
        case = self.reopened(org, decider=org.officer_a, resolver=org.manager_college_a)
        with pytest.raises(ValidationError):
            assign_case(case=case, actor=org.office_manager, assignee=org.officer_a)


def test_reading_a_confidential_identity_is_logged(org):
    case = make_case(org, identity_confidential=True)
    now = later()
    log_confidential_read(case=case, user=org.office_manager, now=now)
    [read] = case.confidential_reads.all()
    assert (read.user, read.at) == (org.office_manager, now)


# One transaction per change: proven with real commits ----------------------------------------


def ghost():
    """A user that is not in the database: an event naming it fails at commit, when the
    deferred foreign key is checked, after every other row of the change was written."""
    return get_user_model()(pk=2_000_000_000, username="ghost")


@pytest.mark.django_db(transaction=True)
class TestOneTransactionPerChange:
    def test_state_change_is_undone_when_its_event_cannot_be_written(self, org):
        case = make_case(org)
        before = snapshot(case)
        with pytest.raises(IntegrityError):
            close_case(case=case, actor=ghost(), closure_code=ClosureCode.ANSWERED)
        assert snapshot(case) == before

    def test_referral_is_undone_when_its_event_cannot_be_written(self, org):
        case = make_case(org)
        before = snapshot(case)
        with pytest.raises(IntegrityError):
            refer_case(case=case, actor=ghost(), to_unit=org.dept_b, reason="ليس لنا")
        assert snapshot(case) == before

    def test_files_of_a_change_that_fails_at_commit_are_removed(self, org, media):
        case = make_case(org)
        before = snapshot(case)
        with pytest.raises(IntegrityError):
            reply_to_citizen(case=case, actor=ghost(), body="مرفق", files=[pdf(), png()])
        assert snapshot(case) == before
        assert files_on_disk(media) == []

    def test_a_committed_change_keeps_its_files(self, org, media):
        case = make_case(org)
        reply_to_citizen(case=case, actor=org.officer_a, body="مرفق", files=[pdf()])
        [attachment] = reload(case).attachments.all()
        assert files_on_disk(media) == [media / attachment.file.name]


# Concurrency: PostgreSQL's row locks and unique index -----------------------------------------


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; row locks and racing inserts are PG's")


def in_other_connection(work, started: threading.Event, release: threading.Event, out: list):
    """Run `work` in a transaction on a thread of its own, and hold it open until `release`."""

    def run():
        try:
            with transaction.atomic():
                out.append(work())
                started.set()
                release.wait(10)
        except Exception as exc:  # reported to the test, which asserts there was none
            out.append(exc)
        finally:
            started.set()
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
class TestConcurrentChanges:
    def test_two_people_closing_at_once_close_the_case_once(self, org, postgres_only):
        case = make_case(org)
        started, release, out = threading.Event(), threading.Event(), []
        thread = in_other_connection(
            lambda: close_case(
                case=case, actor=org.office_manager, closure_code=ClosureCode.ANSWERED
            ),
            started,
            release,
            out,
        )
        assert started.wait(10)
        threading.Timer(0.5, release.set).start()
        began = time.monotonic()
        # This close waits for the other one's lock, then sees the case already closed.
        with pytest.raises(CaseStateError):
            close_case(case=case, actor=org.manager_college_a, closure_code=ClosureCode.REMEDIED)
        waited = time.monotonic() - began
        thread.join(10)

        assert not [o for o in out if isinstance(o, Exception)]
        assert waited >= 0.4
        assert reload(case).closure_code == ClosureCode.ANSWERED
        assert CaseEvent.objects.filter(case=case, kind=EventKind.CLOSED).count() == 1

    def test_racing_double_submit_with_one_token_makes_one_case(self, org, postgres_only):
        token = uuid.uuid4()
        started, release, out = threading.Event(), threading.Event(), []
        thread = in_other_connection(
            lambda: make_case(org, submission_token=token), started, release, out
        )
        assert started.wait(10)
        threading.Timer(0.5, release.set).start()
        # The first submission is not committed yet, so this one inserts too, waits on the
        # unique token, fails, and answers with the case the first one made.
        second = make_case(org, submission_token=token, subject="ضغطة ثانية")
        thread.join(10)

        [first] = out
        assert not isinstance(first, Exception), first
        assert second.pk == first.pk
        assert Case.objects.filter(submission_token=token).count() == 1
        assert CaseEvent.objects.filter(case_id=first.pk).count() == 1

    @pytest.mark.parametrize("meanwhile", ["submit_a_new_case", "acknowledge_another_case"])
    def test_a_change_to_one_case_does_not_hold_up_other_cases_of_its_unit(
        self, org, postgres_only, meanwhile
    ):
        busy, other = make_case(org), make_case(org)
        started, release, out = threading.Event(), threading.Event(), []
        thread = in_other_connection(
            lambda: acknowledge_case(case=busy, actor=org.officer_a), started, release, out
        )
        assert started.wait(10)
        threading.Timer(1.0, release.set).start()
        began = time.monotonic()
        if meanwhile == "submit_a_new_case":
            make_case(org)
        else:
            acknowledge_case(case=other, actor=org.officer_a)
        waited = time.monotonic() - began
        thread.join(10)
        assert waited < 0.5, f"waited {waited:.2f}s for a change to another case"

    def test_crossing_referrals_between_two_units_both_succeed(self, org, postgres_only):
        to_b, to_a = make_case(org, unit=org.dept_a), make_case(org, unit=org.dept_b)
        started, release, out = threading.Event(), threading.Event(), []
        thread = in_other_connection(
            lambda: refer_case(case=to_b, actor=org.officer_a, to_unit=org.dept_b, reason="ب"),
            started,
            release,
            out,
        )
        assert started.wait(10)
        try:
            with transaction.atomic():
                refer_case(case=to_a, actor=org.officer_b, to_unit=org.dept_a, reason="أ")
                release.set()  # both referrals now commit at the same time
        except Exception as exc:  # the deadlock's victim may be this side or the other
            out.append(exc)
        thread.join(10)
        assert [o for o in out if isinstance(o, Exception)] == []
        assert (reload(to_b).unit, reload(to_a).unit) == (org.dept_b, org.dept_a)
