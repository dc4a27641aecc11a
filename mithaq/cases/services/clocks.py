"""The charter's clocks on each case: computed from the case's events, kept in the case's
transaction (cases.services.record_event calls `case_event_recorded` for every event).

A case's clocks are a pure function of its events, its commitments and the calendar, so the
same code serves a new event and a recomputation after the calendar changed:
- a round starts when the case is submitted or reopened; each target with a commitment
  gets a clock due at start + commitment, in working time;
- waiting for the citizen pauses every unmet clock; when the case leaves that state the
  due moments move later by the working time spent waiting;
- an event meets its targets (and the earlier ones: a decision is also a reply);
- what was fired by escalation (level, breach, interim message) is kept across recomputation.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from mithaq.catalog.models import Service, ServiceVersion
from mithaq.common.inserts import insert
from mithaq.routing import calendar as working
from mithaq.routing import worktime
from mithaq.routing.models import TARGET_ORDER, CaseClock, CaseDeadline, DurationUnit, Target

from ..models import Case, CaseEvent
from ..states import EventKind, State

# A grievance reopens the case with clocks of its own, as a reopening by staff does.
ROUND_STARTS = {EventKind.SUBMITTED, EventKind.REOPENED, EventKind.GRIEVANCE}
# An event meets these targets; every target before one it meets is met as well.
MEETS: dict[str, Target] = {
    EventKind.ACKNOWLEDGED: Target.ACKNOWLEDGEMENT,
    EventKind.REPLIED: Target.FIRST_REPLY,
    EventKind.DECIDED: Target.DECISION,
    EventKind.RESOLVED: Target.RESOLUTION,
    EventKind.CLOSED: Target.RESOLUTION,
}
# Events written by the clocks themselves change nothing in them.
CLOCK_EVENTS = {EventKind.REMINDED, EventKind.ESCALATED}
# Events that start no round, meet no target and neither enter nor leave the wait for the
# citizen: they cannot move a clock, so they do not pay for recomputing one.
NEUTRAL_EVENTS = {
    EventKind.ASSIGNED,
    EventKind.NOTE,
    EventKind.CONTACT_UPDATED,
    # The workbench's bookkeeping: a rule's routing and the units' opinions.
    EventKind.ROUTED,
    EventKind.CONSULTATION_REQUESTED,
    EventKind.CONSULTATION_ANSWERED,
    # A service's checklist: documents marked, a decision's wait overridden.
    EventKind.DOCUMENTS_CHECKED,
    EventKind.WAIT_OVERRIDDEN,
    # The people's data rights: who may see a case, its personal data erased.
    EventKind.RESTRICTED,
    EventKind.UNRESTRICTED,
    EventKind.ANONYMISED,
}


def commitment_for(
    config: working.ClockConfig, *, target: str, kind: str, service_id: int | None, urgent: bool
) -> working.CommitmentRule | None:
    """The most specific commitment: urgent rows for urgent cases, then the service's row,
    then the kind's, then the row for every kind."""
    best, best_rank = None, None
    for rule in config.commitments:
        if rule.target != target or (rule.urgent and not urgent):
            continue
        if rule.service_id is not None and rule.service_id != service_id:
            continue
        if rule.kind and rule.kind != kind:
            continue
        rank = (rule.urgent, rule.service_id is not None, bool(rule.kind))
        if best_rank is None or rank > best_rank:
            best, best_rank = rule, rank
    return best


def _due(
    calendar: worktime.Calendar, start: datetime.datetime, rule: working.CommitmentRule
) -> datetime.datetime:
    if rule.unit == DurationUnit.HOURS:
        return calendar.add_hours(start, rule.amount)
    return calendar.add_days(start, rule.amount)


def answer_commitment(
    config: working.ClockConfig,
    *,
    kind: str,
    service_id: int | None,
    urgent: bool,
    start: datetime.datetime,
) -> tuple[working.CommitmentRule, datetime.datetime] | None:
    """The charter's one promise for a case of this kind and service that starts at `start`:
    the commitment of the last target that has one (the whole answer), and its due moment.
    The service page, the submission form, the confirmation, the messages (the case's
    due_at) and the clocks all read it from here; None when no commitment applies. No
    earlier clock is due after it (compute_round caps them), so it is also the clocks' last
    due moment."""
    for target in reversed(TARGET_ORDER):
        rule = commitment_for(
            config, target=target, kind=kind, service_id=service_id, urgent=urgent
        )
        if rule is not None:
            return rule, _due(config.calendar, start, rule)
    return None


def expected_answer(
    *, kind: str, service: Service | None, urgent: bool, now: datetime.datetime
) -> datetime.datetime | None:
    """When the whole answer of a case starting now is due (answer_commitment)."""
    found = answer_commitment(
        working.config(),
        kind=kind,
        service_id=service.pk if service else None,
        urgent=urgent,
        start=now,
    )
    return found[1] if found else None


def promise_text(rule: working.CommitmentRule) -> str:
    if rule.unit == DurationUnit.HOURS:
        return ngettext("within %(n)s working hour", "within %(n)s working hours", rule.amount) % {
            "n": rule.amount
        }
    return ngettext("within %(n)s working day", "within %(n)s working days", rule.amount) % {
        "n": rule.amount
    }


def promise(
    *,
    kind: str,
    service: Service | None = None,
    urgent: bool = False,
    now: datetime.datetime | None = None,
) -> str:
    """The charter's promise for a final answer, as a citizen reads it ("within 15 working
    days"): the same commitment as expected_answer; "" when no commitment applies."""
    found = answer_commitment(
        working.config(),
        kind=kind,
        service_id=service.pk if service else None,
        urgent=urgent,
        start=now or timezone.now(),
    )
    return promise_text(found[0]) if found else ""


@dataclass
class ClockState:
    target: str
    started_at: datetime.datetime
    due_at: datetime.datetime
    met_at: datetime.datetime | None = None
    paused_at: datetime.datetime | None = None


def _starts_at_complete_file(case: Case) -> bool:
    """Does the case's service version start its decision clock at the complete file?"""
    if case.service_version_id is None:
        return False
    return bool(
        ServiceVersion.objects.filter(
            pk=case.service_version_id, file_complete_starts_clock=True
        ).exists()
    )


# The clocks a service may hold until the file is complete: the decision and what follows.
HELD_FOR_FILE = (Target.DECISION, Target.RESOLUTION)


def compute_round(
    case: Case, events: list[CaseEvent], config: working.ClockConfig
) -> tuple[int, list[ClockState]]:
    """The round number and clock states of the case's current round, from its events."""
    starts = [i for i, e in enumerate(events) if e.kind in ROUND_STARTS]
    if not starts:
        return 0, []
    first = starts[-1]
    started_at = events[first].at
    calendar = config.calendar
    states: dict[str, ClockState] = {}
    rules: dict[str, working.CommitmentRule] = {}
    for target in TARGET_ORDER:
        rule = commitment_for(
            config,
            target=target,
            kind=case.kind,
            service_id=case.service_id,
            urgent=case.is_urgent,
        )
        if rule is not None:
            rules[target] = rule
            states[target] = ClockState(target, started_at, _due(calendar, started_at, rule))
    # A service whose decision clock starts at the complete file holds it (paused, due as if
    # it had started at submission) until staff complete the file (cases.services.checklist).
    held: set[str] = set()
    if not any(e.kind == EventKind.FILE_COMPLETED for e in events[:first]):
        if _starts_at_complete_file(case):
            held = {target for target in HELD_FOR_FILE if target in states}
            for target in held:
                states[target].paused_at = started_at
    paused_since = None
    for event in events[first + 1 :]:
        if event.kind in CLOCK_EVENTS:
            continue
        if event.kind == EventKind.FILE_COMPLETED and held:
            for target in held:
                state = states[target]
                if state.met_at is None:
                    state.started_at = event.at
                    state.due_at = _due(calendar, event.at, rules[target])
                    state.paused_at = event.at if paused_since is not None else None
            held = set()
        entering = event.to_state == State.AWAITING_CITIZEN
        leaving = event.from_state == State.AWAITING_CITIZEN and not entering
        if entering and paused_since is None:
            paused_since = event.at
            for state in states.values():
                if state.met_at is None and state.target not in held:
                    state.paused_at = event.at
        elif leaving and paused_since is not None:
            for state in states.values():
                if (
                    state.met_at is None
                    and state.paused_at is not None
                    and state.target not in held
                ):
                    waited = calendar.seconds_between(state.paused_at, event.at)
                    state.due_at = calendar.add_seconds(state.due_at, waited)
                    state.paused_at = None
            paused_since = None
        met = MEETS.get(event.kind)
        if met is not None:
            reached = TARGET_ORDER.index(met)
            for target in TARGET_ORDER[: reached + 1]:
                reached_state = states.get(target)
                if reached_state is not None and reached_state.met_at is None:
                    reached_state.met_at = event.at
                    reached_state.paused_at = None
    # An earlier step is never due after a later one: a service that promises its whole
    # answer in 7 days is not given 10 for its decision by the kind's row. The last clock's
    # due moment is thus the promise the citizen was given (answer_commitment).
    latest = None
    for target in reversed(TARGET_ORDER):
        if (capped := states.get(target)) is not None:
            if latest is not None and capped.due_at > latest:
                capped.due_at = latest
            latest = capped.due_at
    return len(starts), list(states.values())


def next_alert(config: working.ClockConfig, clock: CaseClock) -> datetime.datetime | None:
    """When the clock's next escalation step fires (None when met, paused or done)."""
    if clock.met_at is not None or clock.paused_at is not None:
        return None
    steps = config.steps_for(clock.target)
    if clock.escalation_level >= len(steps):
        return None
    return config.calendar.add_hours(clock.due_at, steps[clock.escalation_level].offset_hours)


def _late_expected(config: working.ClockConfig, case: Case, clock: CaseClock) -> datetime.datetime:
    """The new expected date given in an interim message: as long again as the target's
    commitment, counted from the message."""
    rule = commitment_for(
        config,
        target=clock.target,
        kind=case.kind,
        service_id=case.service_id,
        urgent=case.is_urgent,
    )
    # Asked only of a clock the citizen was told is late (late_noticed_at is set).
    late_noticed_at = cast(datetime.datetime, clock.late_noticed_at)
    if rule is None:
        return clock.due_at
    return max(clock.due_at, _due(config.calendar, late_noticed_at, rule))


def sync_case_clocks(
    case: Case, *, config: working.ClockConfig | None = None, first_event: CaseEvent | None = None
) -> list[CaseClock]:
    """Recompute and store the case's current clocks, its deadline row and `Case.due_at`.
    Runs inside the caller's transaction; idempotent. `first_event`: the case was just made
    and this is its only event, so there is nothing to read back (the public submission's
    query budget counts on it)."""
    config = config or working.config()
    if first_event is not None:
        events = [first_event]
    else:
        events = list(
            CaseEvent.objects.filter(case_id=case.pk)
            .order_by("at", "id")
            .only("kind", "at", "from_state", "to_state")
        )
    round_number, states = compute_round(case, events, config)
    existing = (
        {}
        if first_event is not None
        else {c.target: c for c in CaseClock.objects.filter(case_id=case.pk, round=round_number)}
    )
    new_clocks = []
    clocks = []
    # A later target is never expected before an earlier one the citizen was told is late.
    floor = None
    for state in states:
        clock = existing.pop(state.target, None) or CaseClock(
            case_id=case.pk, round=round_number, target=state.target
        )
        before = _clock_values(clock) if clock.pk else None
        clock.started_at = state.started_at
        clock.due_at = state.due_at
        clock.met_at = state.met_at
        clock.paused_at = state.paused_at
        clock.expected_at = (
            _late_expected(config, case, clock) if clock.late_noticed_at else clock.due_at
        )
        if clock.met_at is None:
            if floor is not None and clock.expected_at < floor:
                clock.expected_at = floor
            if clock.late_noticed_at:
                floor = max(floor or clock.expected_at, clock.expected_at)
        clock.next_alert_at = next_alert(config, clock)
        if clock.breached_at is not None and clock.breached_at != clock.due_at:
            # The due moment moved (a pause, a new calendar): the next tick finds the breach
            # again if there still is one.
            clock.breached_at = None
        if before is None and first_event is not None:
            new_clocks.append(clock)
        elif before is None or before != _clock_values(clock):
            clock.save()
        clocks.append(clock)
    if new_clocks:
        insert(new_clocks, returning=("id",))
    if existing:
        # A target whose commitment was removed has no clock any more.
        CaseClock.objects.filter(pk__in=[c.pk for c in existing.values()]).delete()
    _store_deadline(case, clocks, new=first_event is not None)
    return clocks


def _clock_values(clock: CaseClock) -> tuple:
    return (
        clock.started_at,
        clock.due_at,
        clock.expected_at,
        clock.met_at,
        clock.paused_at,
        clock.breached_at,
        clock.next_alert_at,
    )


def _store_deadline(case: Case, clocks: list[CaseClock], *, new: bool = False) -> None:
    unmet = [c for c in clocks if c.met_at is None]
    running = [c for c in unmet if c.paused_at is None]
    nearest = min(running, key=lambda c: c.due_at, default=None)
    paused = bool(unmet) and not running
    values = {
        "target": nearest.target if nearest else (unmet[0].target if unmet else ""),
        "due_at": nearest.due_at if nearest else None,
        "paused": paused,
    }
    if new:
        insert([CaseDeadline(case_id=case.pk, **values)])
    elif not CaseDeadline.objects.filter(case_id=case.pk).update(**values):
        CaseDeadline.objects.create(case_id=case.pk, **values)
    # What the citizen sees: when the whole answer is due (the last open promise), as they
    # were told it; staff work to the nearest one (the deadline row above).
    expected = max((c.expected_at for c in unmet), default=None)
    if expected is not None and expected != case.due_at:
        Case.objects.filter(pk=case.pk).update(due_at=expected)
        case.due_at = expected


def case_event_recorded(*, case: Case, event: CaseEvent) -> None:
    """Called inside the transaction of every case event (see cases.services.record_event)."""
    if event.kind in CLOCK_EVENTS or event.kind in NEUTRAL_EVENTS:
        return
    if event.kind == EventKind.SUBMITTED:
        sync_case_clocks(case, first_event=event)
    else:
        sync_case_clocks(case)


def recompute_open_clocks(*, case_ids: Iterable[int] | None = None, batch_size: int = 500) -> int:
    """Recompute the clocks of open cases (all, or `case_ids`) after the calendar, a
    commitment or an escalation step changed. Each case in its own short transaction,
    locked, so that staff working on it meanwhile are never overwritten. Idempotent.
    The configuration is read from the database, never from this process's copy: a worker
    may not have heard of the change it recomputes for yet."""
    config = working.fresh_config()
    cases = Case.objects.open().order_by("pk")
    if case_ids is not None:
        cases = cases.filter(pk__in=list(case_ids))
    done, last = 0, 0
    while True:
        ids = list(cases.filter(pk__gt=last).values_list("pk", flat=True)[:batch_size])
        if not ids:
            return done
        for pk in ids:
            with transaction.atomic():
                locked = Case.objects.select_for_update().filter(pk=pk).first()
                if locked is not None:
                    sync_case_clocks(locked, config=config)
                    done += 1
        last = ids[-1]
