"""Possible duplicates of a case, and what an officer does with them: merge one case into
another (the survivor) or link the two as related."""

import datetime
from dataclasses import dataclass, field
from typing import cast

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mithaq.accounts.access import AnyUser, access_for
from mithaq.accounts.models import User
from mithaq.citizens.models import CaseLink
from mithaq.common.text import normalize_arabic

from ..access import cases_visible_to
from ..models import Case
from ..states import TRANSITIONS, Action, ClosureCode, EventKind, State
from .events import FOLLOWED_EVENTS, check_action, lock_case, record_event

WINDOW = datetime.timedelta(days=30)
# Close text: pg_trgm's similarity (or the same measure in Python) at least this much.
TEXT_THRESHOLD = 0.35
# Close text is looked for among at most this many recent cases of the same unit or service.
CANDIDATES = 300
SHOWN = 8


# Suggestions ---------------------------------------------------------------------------------


@dataclass
class Suggestion:
    case: Case
    same_person: bool
    similarity: float
    # Both cases give one national ID, yet belong to two records of the registry: a web case
    # that gave someone's national ID with another phone (citizens.services._web_citizen).
    # Staff check who brought which before treating them as one person's.
    identity_clash: bool = False
    # What the case page shows beside it, filled in by the view (cases.views.registry).
    may_act: bool = field(default=False, init=False, compare=False)
    may_merge: bool = field(default=False, init=False, compare=False)
    linked: bool = field(default=False, init=False, compare=False)
    percent: int = field(default=0, init=False, compare=False)


def _identity_clash(case: Case, other: Case) -> bool:
    return bool(
        case.citizen_national_id
        and other.citizen_national_id == case.citizen_national_id
        and case.citizen_id
        and other.citizen_id
        and other.citizen_id != case.citizen_id
    )


def _trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each word padded with two spaces before and one after."""
    grams: set[str] = set()
    for word in normalize_arabic(text).split():
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: str, b: str) -> float:
    """The share of trigrams two texts have in common (pg_trgm's similarity())."""
    ta, tb = _trigrams(a), _trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def _case_text(case: Case) -> str:
    return f"{case.subject} {case.body}"


# The content part of the search document (mithaq.common.search_text: identity SEP content), or
# the subject and text of a case whose document is not written yet.
_PG_TEXT = (
    'COALESCE(NULLIF(split_part("cases_case"."search_text", chr(31), 2), \'\'), '
    'lower("cases_case"."subject" || \' \' || "cases_case"."body"))'
)


def _pg_query_text(case: Case) -> str:
    if "\x1f" in case.search_text:
        return case.search_text.split("\x1f", 1)[1]
    return normalize_arabic(_case_text(case))


def _close_text(case: Case, near: QuerySet[Case]) -> list[tuple[int, float]]:
    """(id, similarity) of the cases among `near`'s latest CANDIDATES whose text is close."""
    ids = near.order_by("-created_at").values_list("pk", flat=True)[:CANDIDATES]
    if connection.vendor == "postgresql":
        from django.db.models.expressions import RawSQL

        # Constant SQL; the case's text goes in as a parameter.

        rows = (
            Case.objects.filter(pk__in=ids)
            .annotate(score=RawSQL(f"similarity({_PG_TEXT}, %s)", (_pg_query_text(case),)))  # noqa: S611
            .filter(score__gte=TEXT_THRESHOLD)
            .order_by("-score")
            .values_list("pk", "score")[:SHOWN]
        )
        return list(rows)
    text = _case_text(case)
    texts = Case.objects.filter(pk__in=list(ids)).values_list("pk", "subject", "body")
    scored = [(pk, similarity(text, f"{subject} {body}")) for pk, subject, body in texts]
    return sorted([r for r in scored if r[1] >= TEXT_THRESHOLD], key=lambda r: -r[1])[:SHOWN]


def possible_duplicates(case: Case, user: AnyUser) -> list[Suggestion]:
    """Cases the viewer may see that may be the same grievance as `case`: the same person
    (registry record, phone or national ID) within 30 days either side, or close text among
    the recent cases of its unit or service. Merged cases and the case itself are left out,
    and the person is matched only when the viewer may know who brought `case` (and the
    other case's citizen)."""
    access = access_for(user)
    visible = (
        cases_visible_to(user)
        .exclude(pk=case.pk)
        .filter(merged_into__isnull=True)
        .filter(created_at__gte=case.created_at - WINDOW, created_at__lte=case.created_at + WINDOW)
    )
    scores: dict[int, float] = {}
    same: set[int] = set()
    if access.may_see_identity(case):
        person = Q(citizen_phone=case.citizen_phone)
        if case.citizen_id:
            person |= Q(citizen_id=case.citizen_id)
        if case.citizen_national_id:
            person |= Q(citizen_national_id=case.citizen_national_id)
        same = set(
            visible.filter(person)
            .filter(access.identity_filter())
            .values_list("pk", flat=True)[:SHOWN]
        )
    near = visible.filter(Q(unit_id=case.unit_id) | Q(service_id=case.service_id or -1))
    scores = dict(_close_text(case, near))
    found = Case.objects.select_related("unit").in_bulk(same | set(scores))
    suggestions = []
    for pk, other in found.items():
        clash = pk in same and _identity_clash(case, other)
        suggestions.append(
            Suggestion(other, pk in same and not clash, scores.get(pk, 0.0), identity_clash=clash)
        )
    return sorted(
        suggestions, key=lambda s: (not (s.same_person or s.identity_clash), -s.similarity)
    )[:SHOWN]


# Merge ---------------------------------------------------------------------------------------


def _lock_pair(first: Case, second: Case) -> tuple[Case, Case]:
    """Both rows locked, always in id order, so two merges crossing cannot deadlock."""
    low, high = sorted([first, second], key=lambda c: c.pk)
    locked = {c.pk: lock_case(c) for c in (low, high)}
    return locked[first.pk], locked[second.pk]


def _may_act(actor: User, case: Case, action: Action) -> bool:
    return access_for(actor).may_take(case, action)


def merge_cases(
    *, case: Case, survivor: Case, actor: User, note: str = "", now: datetime.datetime | None = None
) -> Case:
    """Merge the duplicate `case` into `survivor`. The duplicate keeps its own timeline, gets
    a MERGED event and is closed as a duplicate (through the transition table); the survivor
    gets an ABSORBED event. The duplicate's citizen is told by the MERGED event's message
    (messages.CITIZEN_MESSAGES), and follows the survivor: they hear its
    public answers (see events.notify_followers), and when they are another person the
    survivor becomes collective and counts them. Cases already merged into the duplicate
    now follow the survivor too, so chains always end at the final survivor."""
    if case.pk == survivor.pk:
        raise ValidationError(_("A case cannot be merged into itself."), code="self")
    now = now or timezone.now()
    with transaction.atomic():
        locked, target = _lock_pair(case, survivor)
        for one in (locked, target):
            if not _may_act(actor, one, Action.MERGE):
                raise ValidationError(
                    _("You may merge only cases you can act on, both of them."), code="access"
                )
        if target.merged_into_id is not None:
            raise ValidationError(
                _("Case %(code)s was itself merged into %(final)s: merge into that one.")
                % {"code": target.code, "final": cast(Case, target.merged_into).code},
                code="merged_target",
            )
        if locked.merged_into_id is not None:
            raise ValidationError(_("This case is already merged."), code="merged")
        if not target.is_open:
            raise ValidationError(
                _("Case %(code)s is closed: reopen it first, or merge the other way round.")
                % {"code": target.code},
                code="closed_survivor",
            )
        check_action(Action.MERGE, locked)

        other_person = not _same_person(locked, target)
        before_count = target.head_count
        if other_person:
            target.is_collective = True
            target.head_count = target.head_count + locked.head_count
        else:
            target.is_collective = target.is_collective or locked.is_collective
            target.head_count = max(target.head_count, locked.head_count)
        target.updated_at = now
        target.save(update_fields=["is_collective", "head_count", "updated_at"])
        # Whoever followed the duplicate follows the survivor now (one hop, always).
        Case.objects.filter(merged_into=locked).update(merged_into=target)

        before = locked.state
        locked.state = cast(State, TRANSITIONS[Action.MERGE].target)  # a moving transition
        locked.merged_into = target
        locked.closure_code = ClosureCode.DUPLICATE
        locked.closed_at = now
        locked.updated_at = now
        locked.save(
            update_fields=["state", "merged_into", "closure_code", "closed_at", "updated_at"]
        )
        note = note.strip()
        record_event(
            locked,
            kind=EventKind.MERGED,
            actor=actor,
            now=now,
            from_state=before,
            body=_with_note(target.code, note),
            # The event keeps the closure it gave, as decided and closed events do.
            closure_code=ClosureCode.DUPLICATE,
        )
        absorbed_body = locked.code
        if target.head_count != before_count:
            absorbed_body += f" · {before_count} → {target.head_count}"
        record_event(
            target,
            kind=EventKind.ABSORBED,
            actor=actor,
            now=now,
            body=_with_note(absorbed_body, note),
        )
    return locked


def _same_person(a: Case, b: Case) -> bool:
    if a.citizen_id and b.citizen_id:
        return a.citizen_id == b.citizen_id
    if a.citizen_national_id and b.citizen_national_id:
        return a.citizen_national_id == b.citizen_national_id
    return a.citizen_phone == b.citizen_phone


def _with_note(head: str, note: str) -> str:
    return f"{head}\n{note}" if note else head


# Links ---------------------------------------------------------------------------------------


def _pair(a: Case, b: Case) -> tuple[Case, Case]:
    return (a, b) if a.pk < b.pk else (b, a)


def link_cases(
    *, case: Case, other: Case, actor: User, now: datetime.datetime | None = None
) -> CaseLink:
    """Mark two cases as related (neither changes state); LINKED on both timelines."""
    if case.pk == other.pk:
        raise ValidationError(_("A case cannot be linked to itself."), code="self")
    now = now or timezone.now()
    with transaction.atomic():
        locked, target = _lock_pair(case, other)
        for one in (locked, target):
            if not _may_act(actor, one, Action.LINK):
                raise ValidationError(
                    _("You may link only cases you can act on, both of them."), code="access"
                )
        low, high = _pair(locked, target)
        if CaseLink.objects.filter(case_low=low, case_high=high).exists():
            raise ValidationError(_("These cases are already linked."), code="linked")
        link = CaseLink.objects.create(
            case_low=low, case_high=high, created_by=actor, created_at=now
        )
        for one, two in ((locked, target), (target, locked)):
            record_event(one, kind=EventKind.LINKED, actor=actor, now=now, body=two.code)
    return link


def unlink_cases(
    *, case: Case, other: Case, actor: User, now: datetime.datetime | None = None
) -> None:
    """Remove the link between two cases; UNLINKED on both timelines."""
    now = now or timezone.now()
    with transaction.atomic():
        locked, target = _lock_pair(case, other)
        for one in (locked, target):
            if not _may_act(actor, one, Action.LINK):
                raise ValidationError(
                    _("You may unlink only cases you can act on, both of them."), code="access"
                )
        low, high = _pair(locked, target)
        deleted, _rows = CaseLink.objects.filter(case_low=low, case_high=high).delete()
        if not deleted:
            raise ValidationError(_("These cases are not linked."), code="not_linked")
        for one, two in ((locked, target), (target, locked)):
            record_event(one, kind=EventKind.UNLINKED, actor=actor, now=now, body=two.code)


def linked_ids(case: Case) -> set[int]:
    """The ids of the cases linked to `case`."""
    pairs = CaseLink.objects.of(case).values_list("case_low_id", "case_high_id")
    return {pk for pair in pairs for pk in pair} - {case.pk}


def relations(case: Case) -> dict:
    """What the case page shows about other cases: the survivor it was merged into, the cases
    merged into it, and the cases linked to it. Most cases have none: a case read with the
    has_relations() annotation (as cases.access.get_case_for_user reads it) says so without a
    query; else one small query of ids (indexes only) answers that, and the cases themselves
    are read only when there are some."""
    if getattr(case, "has_relations", True) is False and not case.merged_into_id:
        return {"survivor": None, "absorbed": [], "linked": []}
    # A UNION of ids, then the cases by primary key: an OR of these conditions would make
    # PostgreSQL scan every case (a million of them) instead of using the indexes.
    links = CaseLink._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT case_high_id FROM {links} WHERE case_low_id = %s"  # noqa: S608 - table names from the models
            f" UNION ALL SELECT case_low_id FROM {links} WHERE case_high_id = %s"
            f" UNION ALL SELECT id FROM {Case._meta.db_table} WHERE merged_into_id = %s",
            [case.pk, case.pk, case.pk],
        )
        ids = {row[0] for row in cursor.fetchall()}
    if case.merged_into_id:
        ids.add(case.merged_into_id)
    if not ids:
        return {"survivor": None, "absorbed": [], "linked": []}
    rows = list(Case.objects.filter(pk__in=ids).select_related("unit").order_by("created_at"))
    survivor = next((r for r in rows if r.pk == case.merged_into_id), None)
    absorbed = [r for r in rows if r.merged_into_id == case.pk]
    linked = [r for r in rows if r is not survivor and r not in absorbed]
    return {"survivor": survivor, "absorbed": absorbed, "linked": linked}


def merged_view(case: Case) -> dict | None:
    """What the citizen tracking a merged case sees of its survivor: its public state and
    its public answers (what they are sent too), never who brought it. None when `case` is
    not merged (and then no query)."""
    if case.merged_into_id is None:
        return None
    survivor = Case.objects.only(
        "state", "due_at", "decision", "closure_code", "closed_at", "kind"
    ).get(pk=case.merged_into_id)
    answers = list(
        survivor.events.filter(is_public=True, kind__in=FOLLOWED_EVENTS)
        .only("kind", "at", "body")
        .order_by("at", "id")
    )
    return {"survivor": survivor, "answers": answers}
