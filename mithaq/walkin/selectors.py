"""Reads of the hall: who may work where, a ticket's place in line, the display's state, and
the supervisor's figures."""

import datetime
import math
import statistics
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import Call, Counter, Hall, HallService, Rating, Ticket
from .states import Face, TicketState

DEFAULT_SERVICE_MINUTES = 5
RECENT_FOR_ESTIMATE = 20


def get_counter(hall: Hall, number: int) -> Counter:
    counter = (
        Counter.objects.filter(hall=hall, number=number, is_active=True)
        .select_related("hall__unit", "officer")
        .first()
    )
    if counter is None:
        raise Http404
    return counter


def get_public_ticket(token: str) -> Ticket:
    ticket = (
        Ticket.objects.select_related("hall", "hall_service__service", "counter")
        .filter(token=token)
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


# -- line -----------------------------------------------------------------------------------


def kiosk_services(hall: Hall) -> list[HallService]:
    return list(
        hall.services.filter(is_active=True, service__is_active=True).select_related("service")
    )


def people_ahead(ticket: Ticket) -> int:
    """Waiting tickets of the same service before this one in line (0 when not waiting)."""
    if ticket.state != TicketState.WAITING:
        return 0
    before = Q(queued_at__lt=ticket.queued_at) | Q(queued_at=ticket.queued_at, id__lt=ticket.pk)
    qs: QuerySet[Ticket] = Ticket.objects.waiting().filter(
        before, hall_service_id=ticket.hall_service_id
    )
    if ticket.is_priority:
        qs = qs.filter(is_priority=True)
    return qs.count()


def average_service_time(hall_service: HallService) -> datetime.timedelta:
    # Served tickets: called and finished.
    rows: list[tuple[Any, Any]] = list(
        Ticket.objects.filter(
            hall_service=hall_service, state=TicketState.DONE, called_at__isnull=False
        )
        .order_by("-finished_at")
        .values_list("called_at", "finished_at")[:RECENT_FOR_ESTIMATE]
    )
    if not rows:
        return datetime.timedelta(minutes=DEFAULT_SERVICE_MINUTES)
    return sum((end - start for start, end in rows), datetime.timedelta()) / len(rows)


def estimated_wait(ticket: Ticket, *, ahead: int | None = None) -> datetime.timedelta:
    """People ahead times the recent service time, shared by the open windows taking it."""
    if ahead is None:
        ahead = people_ahead(ticket)
    windows = Counter.objects.filter(
        services=ticket.hall_service_id, is_open=True, is_active=True
    ).count()
    minutes = average_service_time(ticket.hall_service).total_seconds() / 60
    return datetime.timedelta(minutes=math.ceil(ahead * minutes / max(windows, 1)))


def counter_ticket(counter: Counter) -> Ticket | None:
    return (
        Ticket.objects.filter(counter=counter, state=TicketState.CALLED)
        .select_related("hall_service__service", "case")
        .first()
    )


def parked_tickets(hall: Hall) -> list[Ticket]:
    return list(
        Ticket.objects.filter(hall=hall, state=TicketState.PARKED)
        .select_related("hall_service__service", "counter")
        .order_by("queued_at")
    )


def last_finished_unrated(counter: Counter) -> Ticket | None:
    """The tablet at the window asks the visitor just served."""
    return (
        Ticket.objects.filter(counter=counter, state=TicketState.DONE, rating__isnull=True)
        .select_related("hall_service__service")
        .order_by("-finished_at")
        .first()
    )


def waiting_counts(hall: Hall) -> list[dict]:
    services = (
        hall.services.filter(is_active=True, service__is_active=True)
        .order_by("position", "letter")
        .values("pk", "letter", "service__name_ar", "service__name_en")
    )
    counts = dict(
        Ticket.objects.waiting()
        .filter(hall=hall)
        .values_list("hall_service")
        .annotate(n=Count("id"))
        .values_list("hall_service", "n")
    )
    return [
        {
            "letter": s["letter"],
            "service_ar": s["service__name_ar"],
            "service_en": s["service__name_en"],
            "count": counts.get(s["pk"], 0),
        }
        for s in services
    ]


_CALL_FIELDS = {
    "ticket": "code",
    "counter": "counter__number",
    "is_priority": "is_priority",
    "service_ar": "hall_service__service__name_ar",
    "service_en": "hall_service__service__name_en",
    "called_at": "called_at",
    "recall_count": "recall_count",
}


def _rows(queryset: QuerySet, columns: dict) -> list[dict]:
    """values() under the display's own key names: no model instances on the hot path (the
    state is read after every call, for every screen)."""
    rows = []
    for row in queryset.values(*columns.values()):
        item = {key: row[column] for key, column in columns.items()}
        if item.get("called_at") is not None:
            item["called_at"] = item["called_at"].isoformat()
        rows.append(item)
    return rows


def display_state(hall: Hall, *, last: int = 8) -> dict:
    """Everything the hall's display shows, JSON-serialisable (see README.md)."""
    current = Ticket.objects.filter(hall=hall, state=TicketState.CALLED).order_by("-called_at")
    # The last calls' ids by the (hall, -at, -id) index first, then their details: the
    # planner never joins a whole day of calls only to keep eight.
    recent_ids = list(
        Call.objects.filter(hall=hall).order_by("-at", "-id").values_list("pk", flat=True)[:last]
    )
    recent = _rows(
        Call.objects.filter(pk__in=recent_ids).order_by("-at", "-id"),
        {
            **{key: f"ticket__{column}" for key, column in _CALL_FIELDS.items()},
            "counter": "counter__number",
            "called_at": "at",
            "is_recall": "is_recall",
        },
    )
    return {
        "hall": {
            "id": hall.pk,
            "code": hall.code,
            "name_ar": hall.name_ar,
            "name_en": hall.name_en,
        },
        "current": _rows(current, _CALL_FIELDS),
        "recent": recent,
        "waiting": waiting_counts(hall),
        "at": timezone.now().isoformat(),
    }


# -- the supervisor -------------------------------------------------------------------------


def live_overview(hall: Hall, *, now: datetime.datetime | None = None) -> dict:
    now = now or timezone.now()
    today = hall.local_day(now)
    waiting = list(
        Ticket.objects.waiting()
        .filter(hall=hall)
        .values("hall_service")
        .annotate(n=Count("id"), oldest=Min("queued_at"))
    )
    by_service = {row["hall_service"]: row for row in waiting}
    services: list[dict[str, Any]] = []
    for s in kiosk_services(hall):
        row = by_service.get(s.pk)
        longest = (now - row["oldest"]) if row else None
        services.append(
            {
                "service": s,
                "waiting": row["n"] if row else 0,
                "longest": longest,
                "over_target": bool(longest and longest > s.target_wait),
            }
        )
    # Any: each window is given its `current_ticket` here, for the template.
    counters: list[Any] = list(
        Counter.objects.filter(hall=hall, is_active=True)
        .select_related("officer")
        .order_by("number")
    )
    at_counter = {
        t.counter_id: t
        for t in Ticket.objects.filter(hall=hall, state=TicketState.CALLED).select_related(
            "hall_service"
        )
    }
    for c in counters:
        c.current_ticket = at_counter.get(c.pk)
    served_today = Ticket.objects.filter(hall=hall, day=today, state=TicketState.DONE).count()
    return {
        "services": services,
        "counters": counters,
        "open_counters": sum(1 for c in counters if c.is_open),
        "waiting_total": sum(s["waiting"] for s in services),
        "longest": max((s["longest"] for s in services if s["longest"]), default=None),
        "served_today": served_today,
        "no_show_today": Ticket.objects.filter(
            hall=hall, day=today, state=TicketState.NO_SHOW
        ).count(),
    }


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass
class Figures:
    label: str
    tickets: int
    served: int
    no_shows: int
    wait_avg: float | None  # minutes
    wait_p90: float | None
    service_avg: float | None
    service_p90: float | None
    within_target: float | None  # share of called tickets called within the service's target


def _figures(label: str, rows: list[dict], counts: dict) -> Figures:
    waits = [
        (r["first_called_at"] - r["issued_at"]).total_seconds() / 60
        for r in rows
        if r["first_called_at"]
    ]
    services = [
        (r["finished_at"] - r["called_at"]).total_seconds() / 60
        for r in rows
        if r["state"] == TicketState.DONE and r["called_at"] and r["finished_at"]
    ]
    called = [r for r in rows if r["first_called_at"]]
    within = [
        r
        for r in called
        if (r["first_called_at"] - r["issued_at"]).total_seconds() / 60 <= r["target"]
    ]
    return Figures(
        label=label,
        tickets=counts.get("tickets", 0),
        served=counts.get("served", 0),
        no_shows=counts.get("no_shows", 0),
        wait_avg=_mean(waits),
        wait_p90=_p90(waits),
        service_avg=_mean(services),
        service_p90=_p90(services),
        within_target=(len(within) / len(called)) if called else None,
    )


def hall_figures(hall: Hall, *, day: datetime.date) -> dict:
    """The day's figures, all tickets and the priority ones apart, for the day and by hour:
    counts by SQL aggregates; averages and the 90th percentile in Python over the day's rows."""
    base = Ticket.objects.filter(hall=hall, day=day)
    agg = {
        "tickets": Count("id"),
        "served": Count("id", filter=Q(state=TicketState.DONE)),
        "no_shows": Count("id", filter=Q(state=TicketState.NO_SHOW)),
    }
    totals = {
        "all": base.aggregate(**agg),
        "priority": base.filter(is_priority=True).aggregate(**agg),
    }
    # Any: each row is given its `target` and `hour` here.
    rows: list[Any] = list(
        base.values(
            "issued_at",
            "first_called_at",
            "called_at",
            "finished_at",
            "state",
            "is_priority",
            "issued_service__target_wait_minutes",
        )
    )
    for r in rows:
        r["target"] = r.pop("issued_service__target_wait_minutes")
        r["hour"] = r["issued_at"].astimezone(hall.tzinfo).hour

    def split(selected: list[dict], key_counts: dict) -> Figures:
        return _figures("", selected, key_counts)

    def counts_of(selected: list[dict]) -> dict[str, int]:
        return {
            "tickets": len(selected),
            "served": sum(1 for r in selected if r["state"] == TicketState.DONE),
            "no_shows": sum(1 for r in selected if r["state"] == TicketState.NO_SHOW),
        }

    prio = [r for r in rows if r["is_priority"]]
    hours = sorted({r["hour"] for r in rows})
    by_hour = []
    for hour in hours:
        in_hour = [r for r in rows if r["hour"] == hour]
        in_hour_p = [r for r in in_hour if r["is_priority"]]
        by_hour.append(
            {
                "hour": hour,
                "all": split(in_hour, counts_of(in_hour)),
                "priority": split(in_hour_p, counts_of(in_hour_p)),
            }
        )
    ratings = dict(
        Rating.objects.filter(ticket__hall=hall, ticket__day=day)
        .values_list("face")
        .annotate(n=Count("id"))
        .values_list("face", "n")
    )
    return {
        "day": day,
        "all": split(rows, totals["all"]),
        "priority": split(prio, totals["priority"]),
        "by_hour": by_hour,
        "ratings": [(face, ratings.get(face.value, 0)) for face in Face],
    }
