"""`services.events`: one transaction per change (proven with real commits) and the row lock
that serialises changes to one case (proven on PostgreSQL)."""

import threading
import time
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction

from mithaq.cases.models import Case, CaseEvent
from mithaq.cases.services import (
    CaseStateError,
    acknowledge_case,
    close_case,
    refer_case,
    reply_to_citizen,
)
from mithaq.cases.states import (
    ClosureCode,
    EventKind,
)
from mithaq.testing import make_case

from .conftest import files_on_disk, pdf, png, reload, snapshot

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
