"""Every change in the hall. Each function is one transaction that checks the ticket's
transition table, writes its HallEvent, and tells the display after commit."""

import datetime
import logging
import uuid
from collections.abc import Callable
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mithaq.accounts.models import User
from mithaq.cases import services as case_services
from mithaq.cases.models import Case
from mithaq.cases.states import Channel
from mithaq.common.phones import parse_phone
from mithaq.notifications import services as messages
from mithaq.routing import calendar as working_calendar

from . import live
from .models import (
    Call,
    Counter,
    DailySequence,
    Hall,
    HallEvent,
    HallService,
    KioskDevice,
    Rating,
    Ticket,
)
from .states import TRANSITIONS, Face, HallEventKind, IssuedAt, Outcome, TicketAction, TicketState

log = logging.getLogger(__name__)


class HallError(ValidationError):
    """The hall, the window or the ticket does not allow this now."""


# -- helpers --------------------------------------------------------------------------------


def _payload(event: HallEventKind, ticket: Ticket, now: datetime.datetime) -> dict:
    service = ticket.hall_service.service
    return {
        "event": event.value,
        "ticket": ticket.code,
        "counter": cast(Counter, ticket.counter).number if ticket.counter_id else None,
        "is_priority": ticket.is_priority,
        "service_ar": service.name_ar,
        "service_en": service.name_en,
        "at": now.isoformat(),
    }


def _publish(hall_id: int, payload: dict) -> None:
    def send() -> None:
        try:
            live.publish_hall_event(hall_id, payload)
        except Exception:  # a display that is down never undoes a call
            log.exception("hall event not published")

    transaction.on_commit(send)


def _record(
    *,
    hall: Hall,
    kind: HallEventKind,
    now: datetime.datetime,
    actor: User | None = None,
    ticket: Ticket | None = None,
    counter: Counter | None = None,
    from_state: str = "",
    detail: str = "",
    publish: bool = True,
) -> HallEvent:
    event = HallEvent.objects.create(
        hall=hall,
        ticket=ticket,
        counter=counter,
        kind=kind,
        at=now,
        actor=actor,
        from_state=from_state,
        to_state=ticket.state if ticket is not None else "",
        detail=detail[:200],
    )
    if publish and ticket is not None:
        _publish(hall.pk, _payload(kind, ticket, now))
    return event


def _lock_ticket(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("hall", "hall_service__service", "counter")
        .get(pk=ticket.pk)
    )


def _lock_counter(counter: Counter) -> Counter:
    return Counter.objects.select_for_update(of=("self",)).select_related("hall").get(pk=counter.pk)


def _check(action: TicketAction, ticket: Ticket) -> None:
    if ticket.state not in TRANSITIONS[action].sources:
        raise HallError(
            _("Ticket %(ticket)s cannot be changed this way while it is “%(state)s”.")
            % {"ticket": ticket.code, "state": ticket.get_state_display()},
            code="bad_state",
        )


def _check_at_counter(ticket: Ticket, counter: Counter | None) -> None:
    if counter is not None and ticket.counter_id != counter.pk:
        raise HallError(_("This ticket is not at your window."), code="other_counter")


def hall_is_open(hall: Hall, now: datetime.datetime) -> bool:
    """Whether the kiosk issues tickets now: in the institution's working hours (the routing
    app's calendar) when the hall follows them, otherwise
    between the hall's own times (none set: always)."""
    if hall.hours_from_calendar:
        return working_calendar.is_working_moment(now)
    local = now.astimezone(hall.tzinfo).time()
    if hall.opens_at and local < hall.opens_at:
        return False
    if hall.closes_at and local >= hall.closes_at:
        return False
    return True


def _next_number(*, hall_service: HallService, day: datetime.date) -> int:
    """One statement that creates or increments the day's counter row and returns the
    number, holding the row's lock until the caller's transaction ends."""
    table = DailySequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (hall_service_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (hall_service_id, day) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [hall_service.pk, day],
        )
        return int(cursor.fetchone()[0])


# -- issuing --------------------------------------------------------------------------------


@transaction.atomic
def issue_ticket(
    *,
    hall: Hall,
    hall_service: HallService,
    is_priority: bool = False,
    phone: str = "",
    language: str = "ar",
    issued_by: User | None = None,
    submission_token: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> Ticket:
    """A new ticket for `hall_service`, numbered from 1 each local day. The same
    submission token returns the ticket already issued for it (a double tap prints one)."""
    if submission_token is not None:
        existing = Ticket.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            return existing
    now = now or timezone.now()
    if hall_service.hall_id != hall.pk or not hall_service.is_active or not hall.is_active:
        raise HallError(_("This hall does not serve that service."), code="service")
    # The kiosk keeps the opening hours; the desk may still hand a ticket to a latecomer.
    if issued_by is None and not hall_is_open(hall, now):
        raise HallError(_("The hall is closed now."), code="closed")
    phone = parse_phone(phone) if phone else ""
    day = hall.local_day(now)
    try:
        # A savepoint around number and ticket: if a racing double tap already made the
        # ticket, both roll back together, so the day's numbers keep no gap.
        with transaction.atomic():
            number = _next_number(hall_service=hall_service, day=day)
            ticket = _create_ticket(
                hall=hall,
                hall_service=hall_service,
                day=day,
                number=number,
                is_priority=is_priority,
                phone=phone,
                language=language,
                issued_by=issued_by,
                submission_token=submission_token,
                now=now,
            )
    except IntegrityError:
        existing = (
            Ticket.objects.filter(submission_token=submission_token).first()
            if submission_token is not None
            else None
        )
        if existing is None:
            raise
        return existing
    _record(hall=hall, kind=HallEventKind.ISSUED, now=now, actor=issued_by, ticket=ticket)
    return ticket


def _create_ticket(
    *,
    hall: Hall,
    hall_service: HallService,
    day: datetime.date,
    number: int,
    is_priority: bool,
    phone: str,
    language: str,
    issued_by: User | None,
    submission_token: uuid.UUID | None,
    now: datetime.datetime,
) -> Ticket:
    return Ticket.objects.create(
        hall=hall,
        hall_service=hall_service,
        issued_service=hall_service,
        day=day,
        number=number,
        code=f"{hall_service.letter}{number:03d}",
        is_priority=is_priority,
        phone=phone,
        language=language,
        issued_via=IssuedAt.RECEPTION if issued_by is not None else IssuedAt.KIOSK,
        issued_by=issued_by,
        submission_token=submission_token,
        issued_at=now,
        queued_at=now,
    )


# -- the window -----------------------------------------------------------------------------


@transaction.atomic
def open_counter(*, counter: Counter, actor: User, now: datetime.datetime | None = None) -> Counter:
    now = now or timezone.now()
    counter = _lock_counter(counter)
    if not counter.is_active:
        raise HallError(_("This window is not in use."), code="inactive")
    if counter.is_open and counter.officer_id not in (None, actor.pk):
        raise HallError(
            _("Window %(number)s is open by %(name)s.")
            % {"number": counter.number, "name": counter.officer},
            code="taken",
        )
    counter.is_open, counter.officer, counter.opened_at = True, actor, now
    counter.save(update_fields=["is_open", "officer", "opened_at"])
    _record(
        hall=counter.hall, kind=HallEventKind.COUNTER_OPENED, now=now, actor=actor, counter=counter
    )
    return counter


@transaction.atomic
def close_counter(
    *, counter: Counter, actor: User, now: datetime.datetime | None = None
) -> Counter:
    now = now or timezone.now()
    counter = _lock_counter(counter)
    if Ticket.objects.filter(counter=counter, state=TicketState.CALLED).exists():
        raise HallError(
            _("Finish, transfer or set aside the ticket at your window first."), code="busy"
        )
    counter.is_open, counter.officer, counter.opened_at = False, None, None
    counter.save(update_fields=["is_open", "officer", "opened_at"])
    _record(
        hall=counter.hall, kind=HallEventKind.COUNTER_CLOSED, now=now, actor=actor, counter=counter
    )
    return counter


def _priority_first(counter: Counter) -> bool:
    """The priority window always calls priority tickets first. Another window does so while
    no priority window is busy (each is closed, or open with nobody at it); while one is
    busy, the others follow the line, where priority tickets keep their place by time."""
    if counter.is_priority:
        return True
    priority_windows = Counter.objects.filter(
        hall_id=counter.hall_id, is_priority=True, is_active=True
    )
    busy = priority_windows.filter(is_open=True, tickets__state=TicketState.CALLED).exists()
    return not busy


@transaction.atomic
def call_next_ticket(
    *, counter: Counter, actor: User, now: datetime.datetime | None = None
) -> Ticket | None:
    """Call the next ticket to `counter`: priority tickets first at the priority window (and
    at the others while it is closed or idle), otherwise the longest waiting among the
    window's services; tickets transferred to this window are among them. Returns None
    when nobody waits. Two windows never call one ticket: the row is claimed with
    FOR UPDATE SKIP LOCKED (on SQLite, writes are serialised)."""
    now = now or timezone.now()
    counter = _lock_counter(counter)
    if not counter.is_open:
        raise HallError(_("Open your window first."), code="closed")
    if Ticket.objects.filter(counter=counter, state=TicketState.CALLED).exists():
        raise HallError(
            _("Finish, transfer or set aside the ticket at your window first."), code="busy"
        )
    # The window's services as a subquery: one round trip fewer on the busiest path.
    services_taken = counter.services.filter(is_active=True).values("pk")
    candidates = Ticket.objects.filter(hall_id=counter.hall_id, state=TicketState.WAITING).filter(
        Q(target_counter=counter) | Q(target_counter__isnull=True, hall_service__in=services_taken)
    )
    order = ["queued_at", "id"]
    if _priority_first(counter):
        order = ["-is_priority", *order]
    candidates = candidates.order_by(*order).select_related("hall_service__service")
    if connection.features.has_select_for_update_skip_locked:
        candidates = candidates.select_for_update(skip_locked=True, of=("self",))
    ticket = candidates.first()
    if ticket is None:
        return None
    from_state = ticket.state
    ticket.state = TRANSITIONS[TicketAction.CALL].target
    ticket.counter = counter
    ticket.target_counter = None
    ticket.called_at = now
    ticket.first_called_at = ticket.first_called_at or now
    ticket.recall_count = 0
    ticket.save(
        update_fields=[
            "state",
            "counter",
            "target_counter",
            "called_at",
            "first_called_at",
            "recall_count",
        ]
    )
    Call.objects.create(hall_id=counter.hall_id, ticket=ticket, counter=counter, at=now)
    _record(
        hall=counter.hall,
        kind=HallEventKind.CALLED,
        now=now,
        actor=actor,
        ticket=ticket,
        counter=counter,
        from_state=from_state,
    )
    hall, service_id = counter.hall, ticket.hall_service_id
    if hall.notify_when_ahead:
        transaction.on_commit(lambda: notify_turn_near(hall=hall, hall_service_id=service_id))
    return ticket


@transaction.atomic
def recall_ticket(
    *,
    ticket: Ticket,
    actor: User,
    counter: Counter | None = None,
    now: datetime.datetime | None = None,
) -> Ticket:
    now = now or timezone.now()
    ticket = _lock_ticket(ticket)
    _check(TicketAction.RECALL, ticket)
    _check_at_counter(ticket, counter)
    ticket.recall_count += 1
    ticket.called_at = now
    ticket.save(update_fields=["recall_count", "called_at"])
    Call.objects.create(
        hall_id=ticket.hall_id,
        ticket=ticket,
        counter=cast(Counter, ticket.counter),  # a called ticket is at a window
        at=now,
        is_recall=True,
    )
    _record(
        hall=ticket.hall,
        kind=HallEventKind.RECALLED,
        now=now,
        actor=actor,
        ticket=ticket,
        counter=ticket.counter,
        from_state=ticket.state,
        detail=str(ticket.recall_count),
    )
    return ticket


def _move(
    ticket: Ticket,
    action: TicketAction,
    kind: HallEventKind,
    *,
    actor: User,
    counter: Counter | None,
    now: datetime.datetime,
    check: Callable[[Ticket], None] | None = None,
    detail: str = "",
    **changes: Any,
) -> Ticket:
    """Lock the ticket, check the transition and the window, move it to the action's target
    state with `changes`, and write its history row."""
    ticket = _lock_ticket(ticket)
    _check(action, ticket)
    _check_at_counter(ticket, counter)
    if check is not None:
        check(ticket)
    from_state = ticket.state
    ticket.state = TRANSITIONS[action].target
    for field, value in changes.items():
        setattr(ticket, field, value)
    ticket.save(update_fields=["state", *changes])
    _record(
        hall=ticket.hall,
        kind=kind,
        now=now,
        actor=actor,
        ticket=ticket,
        counter=ticket.counter,
        from_state=from_state,
        detail=detail,
    )
    return ticket


def may_mark_no_show(ticket: Ticket) -> bool:
    return ticket.state == TicketState.CALLED and (
        ticket.recall_count >= ticket.hall.recalls_before_no_show
    )


@transaction.atomic
def mark_no_show(
    *,
    ticket: Ticket,
    actor: User,
    counter: Counter | None = None,
    now: datetime.datetime | None = None,
) -> Ticket:
    now = now or timezone.now()

    def recalled_enough(ticket: Ticket) -> None:
        if not may_mark_no_show(ticket):
            left = ticket.hall.recalls_before_no_show - ticket.recall_count
            raise HallError(
                ngettext(
                    "Call the ticket again first: %(count)s more time.",
                    "Call the ticket again first: %(count)s more times.",
                    left,
                )
                % {"count": left},
                code="recall_first",
            )

    return _move(
        ticket,
        TicketAction.NO_SHOW,
        HallEventKind.NO_SHOW,
        actor=actor,
        counter=counter,
        now=now,
        check=recalled_enough,
        finished_at=now,
    )


@transaction.atomic
def transfer_ticket(
    *,
    ticket: Ticket,
    actor: User,
    to_service: HallService | None = None,
    to_counter: Counter | None = None,
    counter: Counter | None = None,
    now: datetime.datetime | None = None,
) -> Ticket:
    """Send the ticket to another service or window. It waits again in its original place
    (its issue time), so a transfer never sends a visitor to the back of the line."""
    now = now or timezone.now()
    ticket = _lock_ticket(ticket)
    _check(TicketAction.TRANSFER, ticket)
    _check_at_counter(ticket, counter)
    if (to_service is None) == (to_counter is None):
        raise HallError(_("Choose a service or a window to transfer to."), code="target")
    if to_service is not None and (
        to_service.hall_id != ticket.hall_id or not to_service.is_active
    ):
        raise HallError(_("This hall does not serve that service."), code="service")
    if to_counter is not None:
        if to_counter.hall_id != ticket.hall_id or not to_counter.is_active:
            raise HallError(_("Choose a window of this hall."), code="counter")
        if ticket.counter_id == to_counter.pk:
            raise HallError(_("The ticket is already at this window."), code="counter")
    from_state, from_counter = ticket.state, ticket.counter
    if to_service is not None:
        ticket.hall_service = to_service
        detail = to_service.letter
    else:
        detail = str(cast(Counter, to_counter).number)  # one of the two is given
    ticket.state = TRANSITIONS[TicketAction.TRANSFER].target
    ticket.target_counter = to_counter
    ticket.counter = None
    ticket.called_at = None
    ticket.recall_count = 0
    ticket.save(
        update_fields=[
            "hall_service",
            "state",
            "target_counter",
            "counter",
            "called_at",
            "recall_count",
        ]
    )
    ticket.hall_service = HallService.objects.select_related("service").get(
        pk=ticket.hall_service_id
    )
    _record(
        hall=ticket.hall,
        kind=HallEventKind.TRANSFERRED,
        now=now,
        actor=actor,
        ticket=ticket,
        counter=from_counter,
        from_state=from_state,
        detail=detail,
    )
    return ticket


@transaction.atomic
def park_ticket(
    *,
    ticket: Ticket,
    actor: User,
    counter: Counter | None = None,
    now: datetime.datetime | None = None,
) -> Ticket:
    """Set the ticket aside (the visitor fetches a document); the window may call others."""
    return _move(
        ticket,
        TicketAction.PARK,
        HallEventKind.PARKED,
        actor=actor,
        counter=counter,
        now=now or timezone.now(),
    )


@transaction.atomic
def resume_ticket(
    *, ticket: Ticket, counter: Counter, actor: User, now: datetime.datetime | None = None
) -> Ticket:
    """Call a set-aside ticket back, to `counter` (which must be open and free)."""
    now = now or timezone.now()
    counter = _lock_counter(counter)
    ticket = _lock_ticket(ticket)
    _check(TicketAction.RESUME, ticket)
    if counter.hall_id != ticket.hall_id:
        raise HallError(_("Choose a window of this hall."), code="counter")
    if not counter.is_open:
        raise HallError(_("Open your window first."), code="closed")
    if Ticket.objects.filter(counter=counter, state=TicketState.CALLED).exists():
        raise HallError(
            _("Finish, transfer or set aside the ticket at your window first."), code="busy"
        )
    from_state = ticket.state
    ticket.state = TRANSITIONS[TicketAction.RESUME].target
    ticket.counter = counter
    ticket.called_at = now
    ticket.save(update_fields=["state", "counter", "called_at"])
    Call.objects.create(hall_id=ticket.hall_id, ticket=ticket, counter=counter, at=now)
    _record(
        hall=ticket.hall,
        kind=HallEventKind.RESUMED,
        now=now,
        actor=actor,
        ticket=ticket,
        counter=counter,
        from_state=from_state,
    )
    return ticket


@transaction.atomic
def finish_ticket(
    *,
    ticket: Ticket,
    actor: User,
    outcome: str,
    counter: Counter | None = None,
    now: datetime.datetime | None = None,
) -> Ticket:
    now = now or timezone.now()
    if outcome not in Outcome.values:
        raise HallError(_("Choose how the visit ended."), code="outcome")
    return _move(
        ticket,
        TicketAction.FINISH,
        HallEventKind.FINISHED,
        actor=actor,
        counter=counter,
        now=now,
        detail=outcome,
        outcome=outcome,
        finished_at=now,
    )


# -- the visit and its case -----------------------------------------------------------------


@transaction.atomic
def open_case_from_ticket(*, ticket: Ticket, actor: User, case_fields: dict) -> Case:
    """Register a walk-in case for the visitor (through cases.services.submit_case) and
    link it to the ticket, in one transaction."""
    ticket = _lock_ticket(ticket)
    if ticket.state not in (TicketState.CALLED, TicketState.DONE):
        raise HallError(_("Open a case from a ticket at a window or served."), code="bad_state")
    if ticket.case_id is not None:
        raise HallError(_("This visit already has a case."), code="has_case")
    fields = dict(case_fields)
    fields["channel"] = Channel.WALK_IN
    case = case_services.submit_case(**fields, received_by=actor)
    now = timezone.now()
    ticket.case = case
    ticket.save(update_fields=["case"])
    _record(
        hall=ticket.hall,
        kind=HallEventKind.CASE_OPENED,
        now=now,
        actor=actor,
        ticket=ticket,
        counter=ticket.counter,
        detail=case.code,
        publish=False,
    )
    return case


@transaction.atomic
def attach_ticket_to_case(*, ticket: Ticket, actor: User, case: Case) -> Ticket:
    """Record that this visit belongs to an existing case (already access-checked)."""
    ticket = _lock_ticket(ticket)
    if ticket.state not in (TicketState.CALLED, TicketState.DONE):
        raise HallError(_("Open a case from a ticket at a window or served."), code="bad_state")
    ticket.case = case
    ticket.save(update_fields=["case"])
    _record(
        hall=ticket.hall,
        kind=HallEventKind.CASE_ATTACHED,
        now=timezone.now(),
        actor=actor,
        ticket=ticket,
        counter=ticket.counter,
        detail=case.code,
        publish=False,
    )
    return ticket


@transaction.atomic
def rate_visit(
    *, ticket: Ticket, face: str, on_tablet: bool = False, now: datetime.datetime | None = None
) -> Rating:
    """The visitor's three-face rating, once per served ticket."""
    now = now or timezone.now()
    if face not in Face.values:
        raise HallError(_("Choose one of the faces."), code="face")
    ticket = _lock_ticket(ticket)
    if ticket.state != TicketState.DONE:
        raise HallError(_("A visit is rated after it is served."), code="bad_state")
    if Rating.objects.filter(ticket=ticket).exists():
        raise HallError(_("This visit has been rated already. Thank you."), code="rated")
    rating = Rating.objects.create(
        ticket=ticket,
        hall_service=ticket.hall_service,
        counter=ticket.counter,
        face=face,
        at=now,
        on_tablet=on_tablet,
    )
    _record(
        hall=ticket.hall,
        kind=HallEventKind.RATED,
        now=now,
        ticket=ticket,
        counter=ticket.counter,
        detail=face,
        publish=False,
    )
    return rating


# -- your turn is near ----------------------------------------------------------------------


def notify_turn_near(
    *, hall: Hall, hall_service_id: int, now: datetime.datetime | None = None
) -> int:
    """Run after a call commits: tell each visitor with a phone, once, when at most the
    hall's configured number of people are ahead of them. Returns how many were told."""
    notify_phone = messages.notify_phone
    if not hall.notify_when_ahead:
        return 0
    now = now or timezone.now()
    line = list(
        Ticket.objects.waiting()
        .filter(hall_service_id=hall_service_id, target_counter__isnull=True)
        .in_line_order()
        .values_list("pk", "phone", "near_notified_at")[: hall.notify_when_ahead + 1]
    )
    told = 0
    for pk, phone, notified in line:
        if not phone or notified is not None:
            continue
        with transaction.atomic():
            # The claim is a conditional UPDATE: two calls committing at once tell one visitor once.
            claimed = Ticket.objects.filter(pk=pk, near_notified_at__isnull=True).update(
                near_notified_at=now
            )
            if not claimed:
                continue
            ticket = Ticket.objects.select_related("hall", "hall_service__service").get(pk=pk)
            _record(
                hall=ticket.hall,
                kind=HallEventKind.TURN_NEAR,
                now=now,
                ticket=ticket,
                publish=False,
            )
            # Not called yet: the windows that may call it are the open ones taking its service.
            windows = Counter.objects.filter(
                hall=hall, is_open=True, services=ticket.hall_service_id
            ).values_list("number", flat=True)
            notify_phone(
                phone=ticket.phone,
                language=ticket.language,
                event_key="turn_near",
                context={
                    "ticket": ticket.code,
                    "counter": ("، " if ticket.language == "ar" else ", ").join(
                        str(n) for n in sorted(windows)
                    ),
                    # Makes the message this ticket's own (the outbox dedupes by context).
                    "token": ticket.token,
                },
            )
            told += 1
    return told


# -- kiosk devices (mithaq.walkin.kiosk) ---------------------------------------------------


@transaction.atomic
def enrol_kiosk_device(
    *, hall: Hall, actor: User | None, label: str = "", counter: Counter | None = None
) -> KioskDevice:
    """A new kiosk of the hall, or with `counter` the rating tablet of that window; the
    browser that asked gets its cookie (the view sets it)."""
    if counter is not None and counter.hall_id != hall.pk:
        raise ValidationError(_("This window is not in this hall."))
    if counter is not None:
        default = _("Rating tablet, window %(n)s") % {"n": counter.number}
    else:
        default = _("Kiosk %(n)s") % {"n": hall.kiosk_devices.filter(counter=None).count() + 1}
    return KioskDevice.objects.create(
        hall=hall, counter=counter, enrolled_by=actor, label=label.strip()[:100] or default
    )


@transaction.atomic
def revoke_kiosk_device(*, device: KioskDevice, actor: User) -> None:
    """The device's cookie opens nothing from now on. Revoking twice changes nothing."""
    KioskDevice.objects.filter(pk=device.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )


@transaction.atomic
def claim_kiosk_enrolment(*, token: str) -> KioskDevice | None:
    """The device a one-time enrolment link names, its link spent; None if spent or unknown."""
    if not token:
        return None
    device: KioskDevice | None = (
        KioskDevice.objects.usable()
        .select_for_update()
        .filter(enrol_token=token, hall__is_active=True)
        .select_related("hall")
        .first()
    )
    if device is None:
        return None
    device.enrol_token = ""
    device.save(update_fields=["enrol_token"])
    return device
