"""Reads of cases: the timeline, the public view of a case, the inbox filter's choices, the
audit trail of confidential reads."""

import dataclasses
from collections.abc import Callable
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import get_language

from mithaq.accounts.access import StaffAccess, assignable_officers_for_units
from mithaq.accounts.models import OrgUnit, User
from mithaq.cases import search as case_search
from mithaq.cases.access import cases_visible_to
from mithaq.common import crypto
from mithaq.common.baked import Baked
from mithaq.common.cache import ProcessCopy

from .forms.staff import InboxFilterForm, inbox_filter_options
from .models import GENESIS, Attachment, Case, CaseEvent, ConfidentialRead, read_hash

# What a timeline shows of the people and units an event names.
_PERSON = ("username", "full_name", "first_name", "last_name")
_UNIT = ("name_ar", "name_en", "path")


def timeline(case: Case, *, public_only: bool = False) -> list[Any]:
    """The case's events, oldest first, with their actors and units (only the columns shown)
    and their files as `event.files`, in one query, or two when there are files."""
    events = (
        CaseEvent.objects.filter(case=case)
        .select_related("actor", "from_unit", "to_unit", "assignee")
        .only(
            *(f.name for f in CaseEvent._meta.concrete_fields),
            *(f"{person}__{field}" for person in ("actor", "assignee") for field in _PERSON),
            *(f"{unit}__{field}" for unit in ("from_unit", "to_unit") for field in _UNIT),
        )
    )
    files = Attachment.objects.filter(case=case).exclude(event=None)
    if public_only:
        events = events.filter(is_public=True)
        files = files.filter(is_public=True)
    # Most cases carry no file: ask for them only when an event has one.
    # Any: each event is given its `files` here, for the template.
    rows: list[Any] = list(events.annotate(has_files=Exists(files.filter(event=OuterRef("pk")))))
    by_event: dict[int | None, list[Attachment]] = {}
    if any(event.has_files for event in rows):
        for f in files.defer("sha256"):
            by_event.setdefault(f.event_id, []).append(f)
    for event in rows:
        event.files = by_event.get(event.pk, [])
    return rows


def inbox_rows() -> QuerySet[Case, dict[str, Any]]:
    """Every case as the inbox's rows (dicts of CaseQuerySet.INBOX_FIELDS), to be narrowed
    (cases_visible_to, the filters) and sliced. Setting up the values() of twenty columns over
    four tables took about a millisecond of every inbox answer: it is set up once per process
    and copied (a QuerySet that is never run itself, so never shared state)."""
    return _INBOX_ROWS.all()


_INBOX_ROWS: QuerySet[Case, dict[str, Any]] = Case.objects.inbox_rows()

# An inbox page baked per person and everything its SQL depends on (mithaq.common.baked):
# a number search alone (the search box holding a phone or ID number, with nothing but the
# sort and the page beside it), run with the number; or the filters alone (no search text, no
# deadline filter, which reads the time), run as they are.
_PAGES: dict[tuple, Baked] = {}
_PAGES_MAX = 2000


def _access_key(access: StaffAccess) -> tuple:
    # Whose grants (case_filter, identity_visible: the user's own cases, units and paths,
    # the cases their units are consulted on).
    return (
        access.user.pk,
        tuple(dataclasses.astuple(g) for g in access.grants),
        () if access.sees_everything else tuple(sorted(access.consulted_case_ids)),
    )


def _baked(key: tuple, build: Callable[..., QuerySet], *kinds: type) -> Baked:
    baked = _PAGES.get(key)
    if baked is None:
        baked = Baked(build, *kinds, register=False)
        if len(_PAGES) >= _PAGES_MAX:
            _PAGES.clear()
        _PAGES[key] = baked
    return baked


def baked_page(access: StaffAccess, form: InboxFilterForm, *, page_size: int) -> list | None:
    """The inbox rows of `form`'s page (one more than `page_size`, to know of a next one)
    when its SQL can be kept: a number search alone (InboxFilterForm.number_search) or the
    filters without a search text or a deadline filter; else None. The same query as the
    inbox's general path (cases_visible_to, the form's filter and order), compiled once per
    key: a reception desk types phone numbers all day, and every officer opens the same few
    filtered pages, and compiling the query was a tenth of each answer."""
    if not access.is_staff_member:
        return None
    start = (form.page_number - 1) * page_size
    parsed = form.number_search
    if parsed is not None:
        if len(crypto.search_keys()) > 1:
            return None  # a search key being rotated: an IN of hashes, not one equality
        sort = form.cleaned_data.get("sort") or ""
        with_phone = bool(parsed.phone)
        key = ("number", *_access_key(access), sort, start, page_size, with_phone)

        def number_page(digits: str, phone: str = "") -> QuerySet[Case, dict[str, Any]]:
            number = case_search.Parsed("number", digits=digits, phone=phone, hashed=True)
            cases = case_search.search(
                cases_visible_to(access, inbox_rows()), "", access=access, parsed=number
            )
            return InboxFilterForm.ordered(cases, sort)[start : start + page_size + 1]

        baked = _baked(key, number_page, *((str, str) if with_phone else (str,)))
        # The number's search hashes are the baked query's values (mithaq.common.crypto).
        digits = crypto.search_hash(crypto.HashKind.NATIONAL_ID, parsed.digits)
        if parsed.phone:
            return baked(digits, crypto.search_hash(crypto.HashKind.PHONE, parsed.phone))
        return baked(digits)
    data = form.cleaned_data if form.is_valid() else {}
    # A deadline, "received today" or this month's promises move with the clock: never baked.
    if data.get("q") or data.get("clock") or data.get("received") or data.get("promise"):
        return None
    filters = tuple(
        (name, str(data[name])) for name in sorted(data) if data[name] and name != "page"
    )
    key = ("filters", *_access_key(access), filters, start, page_size)

    data = dict(data)  # the baked page keeps the values, not the form

    def filtered_page() -> QuerySet[Case, dict[str, Any]]:
        visible = cases_visible_to(access, inbox_rows())
        cases = InboxFilterForm.filter_by(visible, data, access.user, access=access)
        return cases[start : start + page_size + 1]

    return _baked(key, filtered_page)()


# The inbox filter's selects, rendered, per language and scope of grants: kept in each process
# (mithaq.common.cache.ProcessCopy) and filled as they are asked for. A write of units,
# memberships or people (accounts.services: units_changed, memberships_changed,
# people_changed) drops them all once the change commits: at once in that process, within a
# second in the others; nothing read inside a rolled-back change is kept.
# The value is a dict filled in place: a copy loaded inside the changing transaction is never
# kept, so what is put in it goes with it.
_OPTIONS = ProcessCopy(
    "mithaq:filter-options:version",
    dict,
    changed_by=("accounts.OrgUnit", "accounts.Membership", "accounts.User"),
)
_OPTIONS_KEPT = 500  # scopes of grants kept at most; past it the copy starts afresh


def filter_options_for(access: StaffAccess) -> dict:
    """The units and officers the inbox filters offer this person, as rendered option lists.
    They change rarely and are the same for everyone with the same grants."""
    scope = (
        "all"
        if access.sees_everything
        else ",".join(sorted(f"{g.unit_id}{'*' if g.subtree else ''}" for g in access.grants))
    )
    key = (get_language(), scope)
    kept: dict[tuple[str, str], dict] = _OPTIONS.get()
    options = kept.get(key)
    if options is not None:
        return options
    units = list(OrgUnit.objects.active().filter(accepts_cases=True))
    units = [u for u in units if any(g.covers(u.path, u.pk) for g in access.grants)]
    assignees = assignable_officers_for_units([u.pk for u in units]).values_list(
        "pk", "full_name", "username"
    )
    options = inbox_filter_options(units, list(assignees))
    if len(kept) >= _OPTIONS_KEPT:
        kept.clear()
    kept[key] = options
    return options


def confidential_reads(*, code: str = "", user: User | None = None) -> QuerySet[ConfidentialRead]:
    """Reads of confidential identities for the audit page, newest first: when, who and which
    case (only the columns shown), of one case (by reference) or one person when given."""
    reads = (
        ConfidentialRead.objects.select_related("user", "case")
        .only("at", "case__code", *(f"user__{field}" for field in _PERSON))
        .order_by("-at", "-id")
    )
    if code:
        reads = reads.filter(case__code=code)
    if user is not None:
        reads = reads.filter(user=user)
    return reads


@dataclasses.dataclass(frozen=True)
class ChainBreak:
    """Where the reads' hash chain breaks. `altered`: the row's fields no longer give its
    hash (changed in place); otherwise its link to the row before is wrong (a row before
    it was removed, inserted or rewritten)."""

    read: ConfidentialRead
    altered: bool


@dataclasses.dataclass(frozen=True)
class ChainCheck:
    checked: int
    breaks: list[ChainBreak]
    more_breaks: bool


def check_read_chain(*, show: int = 20) -> ChainCheck:
    """Recompute the hash chain over every read, oldest first (in id order, as they were
    chained); the first `show` breaks with their rows. Each row is judged against the hash
    stored in the row before, so a single altered row is one break, not all that follow."""
    prev_hash = GENESIS
    checked = 0
    broken: list[tuple[int, bool]] = []
    rows = ConfidentialRead.objects.order_by("id").values_list(
        "id", "case_id", "user_id", "at", "prev_hash", "row_hash"
    )
    for pk, case_id, user_id, at, stored_prev, stored_hash in rows.iterator(chunk_size=5000):
        checked += 1
        altered = stored_hash != read_hash(
            prev_hash=stored_prev, case_id=case_id, user_id=user_id, at=at
        )
        if altered or stored_prev != prev_hash:
            broken.append((pk, altered))
        prev_hash = stored_hash
    shown = broken[:show]
    reads = ConfidentialRead.objects.select_related("user", "case").in_bulk([pk for pk, _ in shown])
    return ChainCheck(
        checked=checked,
        breaks=[ChainBreak(read=reads[pk], altered=altered) for pk, altered in shown],
        more_breaks=len(broken) > show,
    )
