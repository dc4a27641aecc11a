"""The office mailbox against a real Dovecot, started on loopback with a throwaway
configuration (Debian's dovecot-imapd; `make test` installs it). Without the binary these
tests are skipped, unless MITHAQ_REQUIRE_DOVECOT=1 (CI) makes that a failure."""

import imaplib
import os
import random
import re
import time
import traceback
from email.message import EmailMessage

import pytest
from django.core.cache import cache
from django.db import connection, connections

from mithaq.cases.models import Attachment, Case, CaseEvent
from mithaq.cases.states import Channel, EventKind, State
from mithaq.intake import mail
from mithaq.intake.models import Mailbox, MailMessage, MailOutcome
from mithaq.intake.tasks import poll_mailboxes
from mithaq.testing import PDF, make_case

from .dovecot import DOVECOT, PASSWORD, free_port, running_dovecot

if not os.path.exists(DOVECOT):
    if os.environ.get("MITHAQ_REQUIRE_DOVECOT") == "1":
        raise RuntimeError("dovecot is required (apt-get install dovecot-imapd)")
    pytest.skip("dovecot not installed (apt-get install dovecot-imapd)", allow_module_level=True)


@pytest.fixture(scope="module")
def dovecot():
    with running_dovecot() as port:
        yield port


def imap(port) -> imaplib.IMAP4:
    client = imaplib.IMAP4("127.0.0.1", port)
    client.login("office", PASSWORD)
    return client


def folder_count(port, folder) -> int:
    client = imap(port)
    status, data = client.select(f'"{folder}"', readonly=True)
    client.logout()
    return int(data[0]) if status == "OK" else 0


def folder_message_ids(port, folder) -> list[str]:
    """The Message-ID of each message in the folder, one entry per copy."""
    client = imap(port)
    client.select(f'"{folder}"', readonly=True)
    status, data = client.uid("FETCH", "1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    client.logout()
    found = re.compile(rb"<[^>]+>")
    return [
        found.search(part[1]).group(0).decode()
        for part in data
        if status == "OK" and isinstance(part, tuple) and found.search(part[1])
    ]


@pytest.fixture
def mailbox(dovecot, org, monkeypatch):
    cache.clear()
    monkeypatch.setenv("MITHAQ_TEST_IMAP_PASSWORD", PASSWORD)
    client = imap(dovecot)
    for folder in ("INBOX", "Processed"):
        status, data = client.select(f'"{folder}"')
        if status == "OK" and int(data[0]):
            client.store("1:*", "+FLAGS", "(\\Deleted)")
            client.expunge()
    client.logout()
    return Mailbox.objects.create(
        name="Office",
        host="127.0.0.1",
        port=dovecot,
        security=Mailbox.Security.NONE,
        username="office",
        password_env="MITHAQ_TEST_IMAP_PASSWORD",
        received_by=org.reception,
    )


def deliver(port, *, client: imaplib.IMAP4 | None = None, **kwargs) -> str:
    """Append one email to the INBOX (through `client` if given, else a connection of its own)."""
    msg = email(**kwargs)
    own = client is None
    client = imap(port) if own else client
    client.append("INBOX", "", imaplib.Time2Internaldate(time.time()), msg.as_bytes())
    if own:
        client.logout()
    return msg["Message-ID"]


_counter = iter(range(10**9))


def email(
    *,
    sender="Sara Ali <sara@example.com>",
    subject="Transcript not issued",
    body="My transcript is late. Call me on +9647701234567.",
    message_id=None,
    headers=None,
    attachments=(),
):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "office@university.example"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or f"<m{next(_counter)}.{random.random()}@example.com>"
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    for name, data, maintype, subtype in attachments:
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def test_new_email_becomes_an_email_case_and_is_moved(mailbox, dovecot):
    deliver(
        dovecot,
        attachments=[
            ("letter.pdf", PDF, "application", "pdf"),
            ("run.exe", b"MZ\x90\x00" * 20, "application", "octet-stream"),
        ],
    )
    counts = mail.poll_mailbox(mailbox)
    assert counts == {MailOutcome.NEW_CASE: 1}
    case = Case.objects.get()
    assert case.channel == Channel.EMAIL
    assert case.citizen_email == "sara@example.com"
    assert case.citizen_name == "Sara Ali"
    assert case.citizen_phone == "+9647701234567"
    assert case.subject == "Transcript not issued"
    assert case.received_by == mailbox.received_by
    # The PDF passed the upload rules; the executable did not.
    assert list(Attachment.objects.filter(case=case).values_list("extension", flat=True)) == ["pdf"]
    assert folder_count(dovecot, "INBOX") == 0
    assert folder_count(dovecot, "Processed") == 1


def test_reply_with_reference_in_subject_is_the_citizens_answer(mailbox, dovecot, org):
    case = make_case(org, citizen_email="sara@example.com")
    from mithaq.cases import services

    services.request_information(case=case, actor=org.officer_a, question="Send your ID")
    deliver(dovecot, subject=f"Re: your case {case.code}", body="Here is my ID number 123.")
    assert mail.poll_mailbox(mailbox) == {MailOutcome.ANSWER: 1}
    case.refresh_from_db()
    assert case.state != State.AWAITING_CITIZEN
    answer = CaseEvent.objects.get(case=case, kind=EventKind.CITIZEN_RESPONDED)
    assert answer.body == "Here is my ID number 123."
    assert Case.objects.count() == 1


def test_reply_in_thread_joins_its_case(mailbox, dovecot):
    first = deliver(dovecot)
    mail.poll_mailbox(mailbox)
    case = Case.objects.get()
    deliver(
        dovecot,
        subject="Re: Transcript not issued",
        body="Any news?",
        headers={"In-Reply-To": first},
    )
    assert mail.poll_mailbox(mailbox) == {MailOutcome.ANSWER: 1}
    assert Case.objects.count() == 1
    assert CaseEvent.objects.filter(case=case, kind=EventKind.NOTE, body="Any news?").exists()


def test_reference_from_another_sender_does_not_thread(mailbox, dovecot, org):
    case = make_case(org, citizen_email="sara@example.com")
    deliver(dovecot, sender="someone@else.example", subject=f"About {case.code}")
    assert mail.poll_mailbox(mailbox) == {MailOutcome.NEW_CASE: 1}
    assert Case.objects.count() == 2


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Auto-Submitted": "auto-generated"},
        {"Precedence": "auto_reply"},
    ],
)
def test_auto_replies_open_nothing(mailbox, dovecot, headers):
    deliver(dovecot, headers=headers)
    assert mail.poll_mailbox(mailbox) == {MailOutcome.AUTOMATIC: 1}
    assert Case.objects.count() == 0
    assert folder_count(dovecot, "Processed") == 1


def test_delivery_report_opens_nothing(mailbox, dovecot):
    report = email(sender="MAILER-DAEMON@example.com")
    report.make_mixed()
    report.replace_header("Content-Type", "multipart/report; report-type=delivery-status")
    client = imap(dovecot)
    client.append("INBOX", "", imaplib.Time2Internaldate(time.time()), report.as_bytes())
    client.logout()
    assert mail.poll_mailbox(mailbox) == {MailOutcome.AUTOMATIC: 1}
    assert Case.objects.count() == 0


def test_email_without_phone_is_held_in_the_mailbox(mailbox, dovecot):
    deliver(dovecot, body="Please help, the office never answers.")
    assert mail.poll_mailbox(mailbox) == {MailOutcome.HELD: 1}
    assert Case.objects.count() == 0
    assert MailMessage.objects.get().reason == "no_phone"
    assert folder_count(dovecot, "INBOX") == 1
    # Marked held: the next run does not read it again.
    assert mail.poll_mailbox(mailbox) == {}
    assert MailMessage.objects.count() == 1


def test_oversized_email_is_held_and_writes_no_case(mailbox, dovecot, settings):
    settings.MITHAQ_MAIL_MAX_BYTES = 2000
    deliver(dovecot, body="x" * 5000 + " +9647701234567")
    assert mail.poll_mailbox(mailbox) == {MailOutcome.HELD: 1}
    assert Case.objects.count() == 0


def test_same_message_id_twice_makes_one_case(mailbox, dovecot):
    deliver(dovecot, message_id="<same@example.com>")
    deliver(dovecot, message_id="<same@example.com>")
    assert mail.poll_mailbox(mailbox) == {MailOutcome.NEW_CASE: 2}  # the one row, twice seen
    assert Case.objects.count() == 1
    assert folder_count(dovecot, "Processed") == 2


def test_malformed_email_does_not_break_the_run(mailbox, dovecot):
    client = imap(dovecot)
    client.append(
        "INBOX",
        "",
        imaplib.Time2Internaldate(time.time()),
        b"\xff\xfe garbage without headers\r\n\r\n\x00\x01",
    )
    client.logout()
    deliver(dovecot)
    counts = mail.poll_mailbox(mailbox)
    assert counts.get(MailOutcome.NEW_CASE) == 1
    assert Case.objects.count() == 1


def test_sender_rate_limit_holds_the_excess(mailbox, dovecot, settings):
    settings.MITHAQ_MAIL_PER_SENDER_PER_HOUR = 2
    for _ in range(3):
        deliver(dovecot)
    assert mail.poll_mailbox(mailbox) == {MailOutcome.NEW_CASE: 2, MailOutcome.HELD: 1}


def test_the_job_reads_every_active_mailbox(mailbox, dovecot):
    deliver(dovecot)
    assert poll_mailboxes.call() == {MailOutcome.NEW_CASE: 1}


def test_unreachable_mailbox_does_not_stop_the_job(mailbox, dovecot, org):
    Mailbox.objects.create(
        name="Gone",
        host="127.0.0.1",
        port=free_port(),
        security=Mailbox.Security.NONE,
        username="x",
        password_env="NONE",
        received_by=org.reception,
    )
    deliver(dovecot)
    assert poll_mailboxes.call() == {MailOutcome.NEW_CASE: 1}


class Killed(BaseException):
    """The worker dies here (a BaseException, as SystemExit: no handler of ours catches it)."""


def test_kill_and_reprocess_loses_nothing_and_doubles_nothing(mailbox, dovecot, monkeypatch):
    """100 rounds: each delivers an email, then a worker dies at a random point (while
    processing, before its commit; or after the commit, before the move; or not at all), and
    a fresh run follows."""
    rng = random.Random(17)
    real_move, real_accepted = mail._move, mail._accepted
    plan = {"where": None}

    def move(*args, **kwargs):
        if plan["where"] == "before_move":
            plan["where"] = None
            raise Killed
        return real_move(*args, **kwargs)

    def accepted(*args, **kwargs):
        if plan["where"] == "before_commit":
            plan["where"] = None
            raise Killed
        return real_accepted(*args, **kwargs)

    monkeypatch.setattr(mail, "_move", move)
    monkeypatch.setattr(mail, "_accepted", accepted)
    ids = []
    for round_ in range(100):
        ids.append(deliver(dovecot, sender=f"Person {round_} <p{round_}@example.com>"))
        plan["where"] = rng.choice(["before_commit", "before_move", None])
        try:
            mail.poll_mailbox(mailbox)
        except Killed:
            pass
        plan["where"] = None
        mail.poll_mailbox(mailbox)
    cases = Case.objects.filter(channel=Channel.EMAIL)
    assert cases.count() == 100
    assert set(cases.values_list("citizen_email", flat=True)) == {
        f"p{i}@example.com" for i in range(100)
    }
    assert set(MailMessage.objects.values_list("message_id", flat=True)) == set(ids)
    assert folder_count(dovecot, "INBOX") == 0
    assert folder_count(dovecot, "Processed") == 100


def _poll_in_child(mailbox) -> int:
    """A worker in a child process (forked: it inherits this test's settings and database
    name, and opens its own connections), reading the mailbox once."""
    connections.close_all()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        # The child must not use the parent's sockets: forget (without closing) the
        # inherited connections and connection pool; the child opens its own.
        for connection in connections.all(initialized_only=True):
            connection.connection = None
            pools = getattr(type(connection), "_connection_pools", None)
            if pools is not None:
                type(connection)._connection_pools = {}
        status = 0
        try:
            mail.poll_mailbox(mailbox)
        except BaseException:
            traceback.print_exc()
            status = 1
        os._exit(status)
    return pid


def test_sigkilled_worker_loses_nothing_and_doubles_nothing(
    transactional_db, mailbox, dovecot, settings
):
    """A real crash: the worker runs in a child process and is SIGKILLed at a random moment
    (while connecting, fetching, inside a case's transaction, between a commit and the MOVE),
    100 rounds against one Dovecot; the worker that runs after them finds every email made
    into one case."""
    if connection.vendor != "postgresql":
        pytest.skip("a second process needs a shared database (PostgreSQL)")
    settings.MITHAQ_MAIL_PER_SENDER_PER_HOUR = 10_000
    rounds, per_round = 100, 2
    sender = imap(dovecot)  # one connection delivers every round's emails
    # One email read in this process first: the children are forked from a warm worker (the
    # modules a first case imports), so a kill lands in the work, not in imports.
    ids = [deliver(dovecot, client=sender, sender="Person W <pw@example.com>")]
    mail.poll_mailbox(mailbox)
    # How long a warm run takes here (a shared machine varies): kills spread over it.
    ids.append(deliver(dovecot, client=sender, sender="Person V <pv@example.com>"))
    started = time.monotonic()
    mail.poll_mailbox(mailbox)
    window = 1.5 * per_round * (time.monotonic() - started)
    rng = random.Random()
    killed_mid_run = 0
    for round_ in range(rounds):
        for i in range(per_round):
            n = round_ * per_round + i
            ids.append(deliver(dovecot, client=sender, sender=f"Person {n} <p{n}@example.com>"))
        pid = _poll_in_child(mailbox)
        # A bounded wait of random length, then the kill: the moment it lands is the point.
        deadline = time.monotonic() + rng.uniform(0.0, window)
        finished = False
        while time.monotonic() < deadline:
            done, _status = os.waitpid(pid, os.WNOHANG)
            if done:
                finished = True
                break
            time.sleep(0.002)
        if not finished:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            killed_mid_run += 1
    sender.logout()
    # The next worker, not killed.
    pid = _poll_in_child(mailbox)
    _done, status = os.waitpid(pid, 0)
    assert status == 0
    total = rounds * per_round + 2
    cases = Case.objects.filter(channel=Channel.EMAIL)
    assert cases.count() == total
    assert set(cases.values_list("citizen_email", flat=True)) == {
        f"p{i}@example.com" for i in range(total - 2)
    } | {"pw@example.com", "pv@example.com"}
    assert set(MailMessage.objects.values_list("message_id", flat=True)) == set(ids)
    assert folder_count(dovecot, "INBOX") == 0
    # Every email was moved. A kill can land while the IMAP server is still carrying out the
    # killed worker's MOVE, and the next worker, finding the email still in the INBOX (known
    # by its Message-ID, so no second case), moves it too: the processed folder may then
    # hold two copies of that email. The cases above are what must never double.
    moved = folder_message_ids(dovecot, "Processed")
    assert set(moved) == set(ids)
    assert len(moved) - len(set(moved)) <= rounds // 10
    # Most kills landed while the worker ran (not after it had finished on its own).
    assert killed_mid_run >= rounds // 2


def test_one_batch_with_replies_and_a_doubled_message_id(
    transactional_db, mailbox, dovecot, settings
):
    """In one fetched batch, each email is one case, a Message-ID seen twice is one case, and
    a sender's reply threads into the case their first email made a moment before."""
    settings.MITHAQ_MAIL_PER_SENDER_PER_HOUR = 10_000
    firsts = {}
    for n in range(6):
        firsts[n] = deliver(dovecot, sender=f"Person {n} <p{n}@example.com>")
    for n in range(6):
        deliver(
            dovecot,
            sender=f"Person {n} <p{n}@example.com>",
            subject="Re: Transcript not issued",
            body=f"Any news? ({n})",
            headers={"In-Reply-To": firsts[n]},
        )
    deliver(dovecot, sender="Twice <twice@example.com>", message_id="<twice@example.com>")
    deliver(dovecot, sender="Twice <twice@example.com>", message_id="<twice@example.com>")
    counts = mail.poll_mailbox(mailbox)
    assert counts == {MailOutcome.NEW_CASE: 8, MailOutcome.ANSWER: 6}
    cases = Case.objects.filter(channel=Channel.EMAIL)
    assert cases.count() == 7
    for n in range(6):
        case = cases.get(citizen_email=f"p{n}@example.com")
        assert (
            CaseEvent.objects.filter(case=case, kind=EventKind.NOTE)
            .values_list("body", flat=True)
            .get()
            == f"Any news? ({n})"
        )
    assert MailMessage.objects.count() == 13
    assert folder_count(dovecot, "INBOX") == 0
    assert folder_count(dovecot, "Processed") == 14
