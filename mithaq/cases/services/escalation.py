"""Reminders, escalations and interim messages fired by the clock tick.

Each step of a clock is claimed with a conditional UPDATE (the clock's escalation level moves
from n to n+1 only if it is still n), in the same transaction as its case event and its
outbox rows: two workers never fire one step twice, and a tick run twice fires nothing the
second time.

Locks follow the one order of every change to a case: the case row first, then its clocks,
then its messages (as every case action does: lock_case, then record_event saves the clocks
and queues the messages). A tick that took a clock row before its case would deadlock with
an officer's action on that case."""

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from mithaq.accounts.models import Membership, OrgUnit, Role, User
from mithaq.notifications import services as outbox
from mithaq.routing import calendar as working
from mithaq.routing import worktime
from mithaq.routing.models import CaseClock, Recipient, Target

from ..messages import STAFF_MESSAGES
from ..models import Case
from ..states import EventKind
from . import clocks
from .events import lock_case, only_named, record_event

# Ticks stop after this many steps; the next tick carries on.
_MAX_STEPS_PER_TICK = 5000


def _managers(unit_ids: list[int]) -> dict[int, list]:
    rows = (
        Membership.objects.filter(
            unit_id__in=unit_ids, role=Role.UNIT_MANAGER, user__is_active=True
        )
        .select_related("user")
        .order_by("user__full_name")
    )
    found: dict[int, list] = {}
    for row in rows:
        found.setdefault(row.unit_id, []).append(row.user)
    return found


def _ancestors(unit: OrgUnit) -> list[int]:
    """The unit's id and its ancestors' ids, nearest first."""
    return [int(part) for part in reversed(unit.path.strip("/").split("/")) if part]


def recipients(recipient: str, case: Case) -> list[User]:
    """Who a step of this kind tells about `case`."""
    chain = _ancestors(case.unit)
    if recipient == Recipient.ASSIGNEE:
        if case.assignee is not None and case.assignee.is_active:
            return [case.assignee]
        recipient = Recipient.UNIT_MANAGER  # nobody holds it: its unit's manager is reminded
    if recipient == Recipient.UNIT_MANAGER:
        managers = _managers(chain)
        return next((managers[u] for u in chain if u in managers), [])
    if recipient == Recipient.PARENT_MANAGER:
        managers = _managers(chain)
        # The nearest manager above the one who was told at breach.
        holders = [u for u in chain if u in managers]
        return managers[holders[1]] if len(holders) > 1 else []
    if recipient == Recipient.OFFICE_MANAGER:
        return [
            m.user
            for m in Membership.objects.filter(role=Role.OFFICE_MANAGER, user__is_active=True)
            .select_related("user")
            .order_by("user__full_name", "user_id")
        ]
    return []


def _format(moment: datetime.datetime, calendar: worktime.Calendar, language: str) -> str:
    with translation.override(language):
        local = moment.astimezone(calendar.tz)
        return formats.date_format(local, "SHORT_DATETIME_FORMAT")


def fire_next_step(
    *, clock_id: int, now: datetime.datetime, config: working.ClockConfig | None = None
) -> bool:
    """Fire the clock's next escalation step if it is due; True if this call fired it."""
    config = config or working.fresh_config()
    calendar = config.calendar
    clock = CaseClock.objects.filter(pk=clock_id).first()
    if clock is None or clock.next_alert_at is None or clock.next_alert_at > now:
        return False
    with transaction.atomic():
        # The case first, then its clock (the lock order of every change to a case), read
        # again once the case is locked.
        case = lock_case(Case(pk=clock.case_id))
        clock = CaseClock.objects.filter(pk=clock_id).first()
        if clock is None or clock.next_alert_at is None or clock.next_alert_at > now:
            return False
        if clock.met_at is not None or clock.paused_at is not None:
            return False
        steps = config.steps_for(clock.target)
        level = clock.escalation_level
        if level >= len(steps):
            return False
        step = steps[level]
        fire_at = clock.next_alert_at
        clock.escalation_level = level + 1
        changes: dict[str, Any] = {"escalation_level": level + 1}
        if step.recipient == Recipient.CITIZEN and clock.late_noticed_at is None:
            changes["late_noticed_at"] = clock.late_noticed_at = now
        changes["next_alert_at"] = clocks.next_alert(config, clock)
        claimed = CaseClock.objects.filter(
            pk=clock.pk,
            escalation_level=level,
            next_alert_at=fire_at,
            met_at__isnull=True,
            paused_at__isnull=True,
        ).update(**changes)
        if not claimed:
            return False
        # A reminder is for before the due moment: one that comes due before the clock
        # started, or is only reached after breach (the worker was down), is skipped.
        if step.offset_hours < 0 and (fire_at < clock.started_at or now >= clock.due_at):
            return False
        target = Target(clock.target)
        if step.recipient == Recipient.CITIZEN:
            _tell_citizen(case, clock, target, now=now, config=config)
        else:
            _tell_staff(case, clock, step, target, now=now, calendar=calendar)
    return True


def _tell_staff(
    case: Case,
    clock: CaseClock,
    step: working.StepRule,
    target: Target,
    *,
    now: datetime.datetime,
    calendar: worktime.Calendar,
) -> None:
    # A case restricted to named people reminds and escalates to them only.
    people = only_named(case, recipients(step.recipient, case))
    reminder = step.recipient == Recipient.ASSIGNEE
    with translation.override(settings.LANGUAGE_CODE):
        names = "، ".join(str(p) for p in people) or _("nobody to tell")
        body = _("%(target)s due %(due)s. Told: %(names)s.") % {
            "target": target.label,
            "due": _format(clock.due_at, calendar, settings.LANGUAGE_CODE),
            "names": names,
        }
    kind = EventKind.REMINDED if reminder else EventKind.ESCALATED
    record_event(
        case,
        kind=kind,
        now=now,
        body=body,
        is_public=False,
        assignee=people[0] if reminder and people else None,
    )
    not_before = None if calendar.is_working_moment(now) else calendar.next_working_moment(now)
    for person in people:
        with translation.override(person.language or settings.LANGUAGE_CODE):
            text = str(target.label)
            due = _format(clock.due_at, calendar, person.language or settings.LANGUAGE_CODE)
        outbox.notify_staff(
            user=person,
            event_key=STAFF_MESSAGES[kind],
            case=case,
            context={"text": text, "due_date": due, "step": f"{clock.pk}:{step.pk}"},
            not_before=not_before,
        )


def _tell_citizen(
    case: Case,
    clock: CaseClock,
    target: Target,
    *,
    now: datetime.datetime,
    config: working.ClockConfig,
) -> None:
    calendar = config.calendar
    expected = clocks._late_expected(config, case, clock)
    language = case.citizen_language or settings.LANGUAGE_CODE
    with translation.override(language):
        body = _(
            "We are sorry: we need more time for this step. The new expected date is %(date)s."
        ) % {"date": _format(expected, calendar, language)}
    # The event's clock hook stores the new expected date on the case before the message
    # (messages.CITIZEN_MESSAGES: "late") is written, so the message and the tracking page
    # say the same date.
    record_event(
        case,
        kind=EventKind.LATE_NOTICE,
        now=now,
        body=body,
        is_public=True,
        message_context={
            "expected_date": _format(expected, calendar, language),
            # Lazy: written in the message's own language (notify_citizen).
            "text": target.label,
        },
    )


def _mark_breaches(now: datetime.datetime) -> int:
    """Mark the running clocks past their due moment, a batch of cases at a time: their case
    rows locked first (in id order), then their clocks updated."""
    breached, last = 0, 0
    while True:
        due = CaseClock.objects.running().filter(breached_at__isnull=True, due_at__lte=now)
        case_ids = list(
            due.filter(case_id__gt=last)
            .order_by("case_id")
            .values_list("case_id", flat=True)
            .distinct()[:200]
        )
        if not case_ids:
            return breached
        with transaction.atomic():
            list(
                Case.objects.select_for_update(of=("self",))
                .filter(pk__in=case_ids)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            breached += due.filter(case_id__in=case_ids).update(breached_at=F("due_at"))
        last = case_ids[-1]


def tick_clocks(*, now: datetime.datetime | None = None) -> dict:
    """Mark the clocks that passed their due moment and fire every escalation step that came
    due. Idempotent: a second run at the same moment finds nothing to do."""
    now = now or timezone.now()
    # A job that stores moments computed from the calendar reads it from the database: this
    # process's copy may be older than a change made in another process.
    config = working.fresh_config()
    breached = _mark_breaches(now)
    fired = 0
    seen = 0
    while seen < _MAX_STEPS_PER_TICK:
        batch = list(
            CaseClock.objects.running()
            .filter(next_alert_at__lte=now)
            .order_by("next_alert_at", "pk")
            .values_list("pk", flat=True)[:200]
        )
        if not batch:
            break
        for pk in batch:
            seen += 1
            fired += fire_next_step(clock_id=pk, now=now, config=config)
    return {"breached": breached, "fired": fired}
