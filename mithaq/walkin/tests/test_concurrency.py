"""Many kiosks and windows at once, on PostgreSQL: numbers without gaps or twins, and no
ticket called twice. SQLite serialises every write, so there is nothing to race there."""

import datetime
from collections import Counter as Tally

import pytest
from django.db import connection

from mithaq.testing import run_at_once
from mithaq.walkin import services
from mithaq.walkin.models import Call, Ticket
from mithaq.walkin.states import Outcome, TicketState
from mithaq.walkin.testing import make_hall

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrency needs PostgreSQL (SQLite serialises writes); set DATABASE_URL",
)


@pytest.fixture
def hw(transactional_db):
    from mithaq.testing import make_org

    org = make_org()
    world = make_hall(org)
    world.org = org
    return world


def test_twenty_kiosks_issue_200_tickets_numbered_1_to_200(hw):
    def kiosk(i):
        return [
            services.issue_ticket(hall=hw.hall, hall_service=hw.certificates).number
            for _ in range(10)
        ]

    numbers = [n for batch in run_at_once(20, kiosk) for n in batch]
    assert sorted(numbers) == list(range(1, 201))
    stored = list(
        Ticket.objects.filter(hall_service=hw.certificates).values_list("number", flat=True)
    )
    assert sorted(stored) == list(range(1, 201))


def test_two_windows_calling_1000_times_never_call_one_ticket_twice(hw):
    org = hw.org
    now = datetime.datetime.now(tz=datetime.UTC)
    day = hw.hall.local_day(now)
    Ticket.objects.bulk_create(
        Ticket(
            hall=hw.hall,
            hall_service=hw.certificates,
            issued_service=hw.certificates,
            day=day,
            number=n,
            code=f"B{n:03d}",
            issued_at=now + datetime.timedelta(microseconds=n),
            queued_at=now + datetime.timedelta(microseconds=n),
            is_priority=n % 7 == 0,
        )
        for n in range(1, 1001)
    )
    windows = [(hw.window_1, org.officer_a), (hw.window_2, org.officer_b)]
    for counter, officer in windows:
        services.open_counter(counter=counter, actor=officer)

    def window(i):
        counter, officer = windows[i]
        called = []
        while True:
            ticket = services.call_next_ticket(counter=counter, actor=officer)
            if ticket is None:
                if not Ticket.objects.filter(state=TicketState.WAITING).exists():
                    return called
                continue  # the only rows left were locked by the other window: look again
            called.append(ticket.pk)
            services.finish_ticket(ticket=ticket, actor=officer, outcome=Outcome.SERVED)

    first, second = run_at_once(2, window)
    every = first + second
    assert len(every) == 1000
    assert not [pk for pk, n in Tally(every).items() if n > 1]
    assert first and second  # both windows worked
    assert Call.objects.count() == 1000
    assert Ticket.objects.filter(state=TicketState.DONE).count() == 1000
