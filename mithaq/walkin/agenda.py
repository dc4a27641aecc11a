"""The day's appointments on the hall's desk and reception pages: the hall's own booked
visitors, and what an app above the hall registers (the day's interviews with officials,
mithaq.interviews, registered from its ready(); the hall does not import it)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .bookings import day_bookings
from .models import Hall


@dataclass(frozen=True)
class AgendaRow:
    at: datetime.datetime
    reference: str
    title: str
    detail: str
    state: str


@dataclass
class AgendaSection:
    title: str
    rows: list[AgendaRow]
    url: str = ""
    empty: str = ""
    # The heading of the rows' `title` column (the service, the official).
    column: str = ""
    extra: dict = field(default_factory=dict)


# (request, hall, local day) -> a section, or None when this person is not to see it.
Provider = Callable[[Any, Hall, datetime.date], AgendaSection | None]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def hall_bookings(hall: Hall, day: datetime.date) -> AgendaSection:
    """The hall's own booked visitors of the day: time, service, state, ticket once in."""
    rows = [
        AgendaRow(
            at=row.booking.starts_at,
            reference=row.ticket.code if row.ticket else "",
            title=str(row.hall_service.service),
            detail="",
            state=row.get_state_display(),
        )
        for row in day_bookings(hall, day)
    ]
    return AgendaSection(
        title=_("Today's booked visitors"),
        rows=rows,
        empty=_("No appointment today."),
        column=_("Service"),
    )


def sections(request, hall: Hall, day: datetime.date) -> list[AgendaSection]:
    """The hall's booked visitors first, then each registered app's section."""
    found = [provider(request, hall, day) for provider in _providers]
    return [hall_bookings(hall, day)] + [section for section in found if section is not None]
