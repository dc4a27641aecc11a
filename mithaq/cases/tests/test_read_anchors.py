"""The confidential-reads chain is anchored outside the database (cases.anchors): a tail cut
off after an anchor, and a whole chain recomputed by someone with the database password,
both pass the chain's own check and are caught by the anchors."""

import datetime
import hashlib
import hmac
import json
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from mithaq.cases import services, tasks
from mithaq.cases.anchors import AnchorState, verify_anchors, write_anchor
from mithaq.cases.models import ConfidentialRead
from mithaq.cases.selectors import check_read_chain
from mithaq.testing import make_case

URL = reverse("cases:confidential_reads_chain")
T0 = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC)
KEY = "an anchor key the database never sees"


@pytest.fixture
def secret(org):
    return make_case(org, identity_confidential=True)


@pytest.fixture
def anchor_file(tmp_path, settings):
    settings.MITHAQ_READS_ANCHOR_FILE = tmp_path / "audit" / "reads.anchors"
    settings.MITHAQ_READS_ANCHOR_KEY = KEY
    return settings.MITHAQ_READS_ANCHOR_FILE


def read(case, user, minutes):
    services.log_confidential_read(
        case=case, user=user, now=T0 + datetime.timedelta(minutes=minutes)
    )


def chain_hash(prev: str, case_id: int, user_id: int, at: str) -> str:
    # The chain's rule, as an intruder who read the code would recompute it.
    return hashlib.sha256(f'["{prev}",{case_id},{user_id},"{at}"]'.encode()).hexdigest()


def test_the_anchor_is_a_signed_line_appended_to_a_private_file(org, secret, anchor_file):
    for minute in range(3):
        read(secret, org.office_manager, minute)
    last = ConfidentialRead.objects.order_by("-id").first()
    write_anchor(now=T0 + datetime.timedelta(days=1))
    read(secret, org.auditor, 5)
    tasks.anchor_confidential_reads.call()
    lines = anchor_file.read_text().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["count"] == 3 and first["last_id"] == last.pk
    assert first["last_hash"] == last.row_hash
    assert first["at"] == "2026-11-02T09:00:00.000000Z"
    # The signature recomputed by hand: HMAC-SHA256 of the compact JSON list under the key.
    text = f'[3,{last.pk},"{last.row_hash}","2026-11-02T09:00:00.000000Z"]'
    assert first["mac"] == hmac.new(KEY.encode(), text.encode(), hashlib.sha256).hexdigest()
    assert json.loads(lines[1])["count"] == 4
    assert stat.S_IMODE(anchor_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(anchor_file.parent.stat().st_mode) == 0o700


def test_reads_after_the_anchor_are_counted_as_not_yet_anchored(org, secret, anchor_file, login):
    for minute in range(3):
        read(secret, org.office_manager, minute)
    write_anchor()
    read(secret, org.auditor, 5)
    read(secret, org.auditor, 6)
    report = verify_anchors()
    assert [c.state for c in report.checks] == [AnchorState.HOLDS]
    assert report.unanchored == 2
    client = login(org.auditor)
    client.cookies["django_language"] = "en"
    html = client.get(URL).content.decode()
    assert 'id="anchors-hold"' in html
    assert "covers <bdi>3</bdi> reads" in html
    assert "<bdi>2</bdi> reads written since the latest anchor" in html


def test_a_tail_cut_off_after_an_anchor_is_found(org, secret, anchor_file, login):
    for minute in range(5):
        read(secret, org.office_manager, minute)
    write_anchor()
    ids = list(ConfidentialRead.objects.order_by("id").values_list("id", flat=True))
    with connection.cursor() as cursor:
        # Someone with the database password removes the last two reads.
        cursor.execute("DELETE FROM cases_confidentialread WHERE id >= %s", [ids[3]])
    # The chain alone cannot see it: what is left is a perfect chain.
    assert check_read_chain().breaks == []
    assert [c.state for c in verify_anchors().checks] == [AnchorState.REMOVED]
    client = login(org.auditor)
    client.cookies["django_language"] = "en"
    html = client.get(URL).content.decode()
    assert 'id="chain-intact"' in html
    assert 'id="anchors-fail"' in html
    assert "the log was cut" in html


def test_rows_removed_before_the_anchored_one_and_the_chain_relinked_are_found(
    org, secret, anchor_file
):
    for minute in range(4):
        read(secret, org.office_manager, minute)
    write_anchor()
    rows = list(ConfidentialRead.objects.order_by("id"))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_confidentialread WHERE id = %s", [rows[1].pk])
    report = verify_anchors()
    # The anchored row is still there with its hash: the count up to it says rows went.
    assert [(c.state, c.rows_now) for c in report.checks] == [(AnchorState.REMOVED, 3)]


def test_a_whole_chain_rewritten_is_found(org, secret, anchor_file, login):
    for minute in range(4):
        read(secret, org.office_manager, minute)
    write_anchor()
    read(secret, org.office_manager, 10)
    write_anchor()
    rows = list(ConfidentialRead.objects.order_by("id"))
    # The intruder puts the auditor in the manager's place and recomputes every hash.
    prev = "0" * 64
    with connection.cursor() as cursor:
        for row in rows:
            at = row.at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            new = chain_hash(prev, secret.pk, org.auditor.pk, at)
            cursor.execute(
                "UPDATE cases_confidentialread SET user_id = %s, prev_hash = %s, row_hash = %s "
                "WHERE id = %s",
                [org.auditor.pk, prev, new, row.pk],
            )
            prev = new
    assert check_read_chain().breaks == []
    report = verify_anchors()
    assert [c.state for c in report.checks] == [AnchorState.REWRITTEN, AnchorState.REWRITTEN]
    response = login(org.auditor).get(URL)
    assert 'id="anchors-fail"' in response.content.decode()
    with pytest.raises(CommandError):
        call_command("anchor_reads", "--check")


def test_an_anchor_edited_to_match_a_cut_log_is_refused_as_forged(org, secret, anchor_file):
    for minute in range(4):
        read(secret, org.office_manager, minute)
    write_anchor()
    rows = list(ConfidentialRead.objects.order_by("id"))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_confidentialread WHERE id = %s", [rows[-1].pk])
    # ...and edits the anchor to the new head, without the key.
    data = json.loads(anchor_file.read_text())
    data |= {"count": 3, "last_id": rows[-2].pk, "last_hash": rows[-2].row_hash}
    anchor_file.write_text(json.dumps(data) + "\nnot json\n")
    assert [c.state for c in verify_anchors().checks] == [AnchorState.FORGED, AnchorState.FORGED]


def test_without_an_anchor_file_the_page_says_nothing_is_compared(org, secret, anchor_file, login):
    read(secret, org.office_manager, 0)
    client = login(org.auditor)
    client.cookies["django_language"] = "en"
    html = client.get(URL).content.decode()
    assert 'id="anchors-missing"' in html
    with pytest.raises(CommandError):
        call_command("anchor_reads", "--check")


def test_the_command_anchors_and_checks(org, secret, anchor_file, capsys):
    read(secret, org.office_manager, 0)
    call_command("anchor_reads")
    call_command("anchor_reads", "--check")
    out = capsys.readouterr().out
    assert "anchored 1 reads" in out
    assert "1 anchors hold; 0 reads since the latest" in out
