"""Anchors of the confidential-reads log's hash chain, kept outside the database.

The chain (cases.models.ConfidentialRead) shows a row changed or removed in the middle, but
not a tail cut off, nor a whole chain recomputed by someone with write access to the
database. So once a day (`tasks.anchor_confidential_reads`, or `manage.py anchor_reads`) the
head of the chain, its last row's id and hash, the number of rows up to it and the time, is
appended as one line of JSON to settings.MITHAQ_READS_ANCHOR_FILE (a file the database's
users cannot write: another disk, an append-only mount, a log shipper), signed with
HMAC-SHA256 under settings.MITHAQ_READS_ANCHOR_KEY, a key that is not in the database.

`verify_anchors` compares the database with every anchor: an anchored row gone (the tail
cut), a row whose hash is no longer the anchored one (the chain rewritten), fewer rows up to
the latest anchor than it counted (rows removed), or an anchor whose signature is wrong (the
file edited).
"""

import dataclasses
import datetime
import enum
import hashlib
import hmac
import json
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import ConfidentialRead


@dataclasses.dataclass(frozen=True)
class Anchor:
    count: int
    last_id: int
    last_hash: str
    at: datetime.datetime
    mac: str


class AnchorState(enum.StrEnum):
    HOLDS = "holds"
    REMOVED = "removed"  # the anchored row, or rows up to it, are gone
    REWRITTEN = "rewritten"  # the anchored row's hash is not the anchored one
    FORGED = "forged"  # the anchor's own signature is wrong


@dataclasses.dataclass(frozen=True)
class AnchorCheck:
    anchor: Anchor
    state: AnchorState
    rows_now: int | None = None  # rows up to the anchored one now (the latest anchor only)


@dataclasses.dataclass(frozen=True)
class AnchorReport:
    """What the anchors say. `found`: the file could be read; `checks` newest first;
    `unanchored`: reads written after the latest anchor (not yet covered by one)."""

    found: bool
    checks: list[AnchorCheck]
    unanchored: int

    @property
    def latest(self) -> AnchorCheck | None:
        return self.checks[0] if self.checks else None

    @property
    def failures(self) -> list[AnchorCheck]:
        return [c for c in self.checks if c.state != AnchorState.HOLDS]


def _key() -> bytes:
    key = settings.MITHAQ_READS_ANCHOR_KEY
    if key:
        return key.encode()
    # No key of its own: one derived from SECRET_KEY (also kept outside the database).
    return salted_hmac("mithaq.cases.anchors", "key", algorithm="sha256").digest()


def _canonical(count: int, last_id: int, last_hash: str, at: str) -> bytes:
    return json.dumps([count, last_id, last_hash, at], separators=(",", ":")).encode()


def _sign(count: int, last_id: int, last_hash: str, at: str) -> str:
    return hmac.new(_key(), _canonical(count, last_id, last_hash, at), hashlib.sha256).hexdigest()


def _at_text(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def current_head() -> tuple[int, int, str] | None:
    """(rows up to the last one, its id, its hash), or None for an empty log."""
    last = ConfidentialRead.objects.order_by("-id").values_list("id", "row_hash").first()
    if last is None:
        return None
    count = ConfidentialRead.objects.filter(id__lte=last[0]).count()
    return count, last[0], last[1]


def write_anchor(*, now: datetime.datetime | None = None, path: Path | None = None) -> Anchor:
    """Append the chain's head to the anchor file (made 0600 in a 0700 folder) and return it.
    An empty log is anchored too (count 0): a log emptied later is then seen."""
    now = now or timezone.now()
    path = Path(path or settings.MITHAQ_READS_ANCHOR_FILE)
    count, last_id, last_hash = current_head() or (0, 0, "0" * 64)
    at = _at_text(now)
    mac = _sign(count, last_id, last_hash, at)
    line = json.dumps(
        {"count": count, "last_id": last_id, "last_hash": last_hash, "at": at, "mac": mac},
        separators=(",", ":"),
    )
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, (line + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return Anchor(count, last_id, last_hash, now, mac)


def read_anchors(path: Path | None = None) -> list[Anchor] | None:
    """Every anchor in the file, oldest first; None when there is no file to read. A line that
    does not parse is kept as a forged anchor (its signature cannot match)."""
    path = Path(path or settings.MITHAQ_READS_ANCHOR_FILE)
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        return None
    anchors = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            at = datetime.datetime.strptime(data["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
                tzinfo=datetime.UTC
            )
            anchor = Anchor(
                int(data["count"]),
                int(data["last_id"]),
                str(data["last_hash"]),
                at,
                str(data["mac"]),
            )
        except (ValueError, KeyError, TypeError):
            anchor = Anchor(0, 0, "", datetime.datetime.min.replace(tzinfo=datetime.UTC), "")
        anchors.append(anchor)
    return anchors


def _signed(anchor: Anchor) -> bool:
    wanted = _sign(anchor.count, anchor.last_id, anchor.last_hash, _at_text(anchor.at))
    return bool(anchor.mac) and hmac.compare_digest(wanted, anchor.mac)


def verify_anchors(*, path: Path | None = None, show: int = 10) -> AnchorReport:
    """The database against every anchor in the file (one read of the anchored rows' hashes
    and one count, up to the latest anchor); the newest `show` are returned."""
    anchors = read_anchors(path)
    if anchors is None:
        return AnchorReport(found=False, checks=[], unanchored=0)
    hashes = dict(
        ConfidentialRead.objects.filter(id__in={a.last_id for a in anchors}).values_list(
            "id", "row_hash"
        )
    )
    checks = []
    latest_signed = next((a for a in reversed(anchors) if _signed(a)), None)
    for anchor in reversed(anchors):
        rows_now = None
        if not _signed(anchor):
            state = AnchorState.FORGED
        elif anchor.count == 0:
            state = AnchorState.HOLDS
        elif anchor.last_id not in hashes:
            state = AnchorState.REMOVED
        elif hashes[anchor.last_id] != anchor.last_hash:
            state = AnchorState.REWRITTEN
        else:
            state = AnchorState.HOLDS
        if anchor is latest_signed:
            rows_now = ConfidentialRead.objects.filter(id__lte=anchor.last_id).count()
            if state == AnchorState.HOLDS and rows_now < anchor.count:
                state = AnchorState.REMOVED
        checks.append(AnchorCheck(anchor=anchor, state=state, rows_now=rows_now))
    unanchored = 0
    if latest_signed is not None:
        unanchored = ConfidentialRead.objects.filter(id__gt=latest_signed.last_id).count()
    failures = [c for c in checks if c.state != AnchorState.HOLDS]
    # The newest ones, and every failure among the older ones (they are what matters).
    shown = checks[:show] + [c for c in failures if c not in checks[:show]]
    return AnchorReport(found=True, checks=shown, unanchored=unanchored)
