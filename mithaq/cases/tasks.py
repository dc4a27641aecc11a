"""Background jobs of cases: the clocks and the staff's daily digests. Each is idempotent:
running one twice changes nothing and sends nothing twice."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django_tasks import task

from mithaq.notifications.services import notify_staff
from mithaq.notifications.states import StaffEvent

from . import anchors
from .models import Case
from .services import clocks, escalation


@task()
def tick_clocks() -> dict:
    """Mark breaches and fire the escalation steps that came due (every minute)."""
    return escalation.tick_clocks()


@task()
def recompute_clocks(case_ids: list[int] | None = None) -> int:
    """Recompute open cases' clocks after the calendar or the commitments changed."""
    return clocks.recompute_open_clocks(case_ids=case_ids)


def recompute_after_commit(**kwargs) -> None:
    """Routing's clock configuration changed (routing.services.clock_config_saved): open
    cases' clocks are recomputed by a job once the change commits."""
    transaction.on_commit(lambda: recompute_clocks.enqueue())


@task()
def send_daily_digests() -> int:
    """Periodic: each member of staff, once a day, gets the list of their open cases due
    within a day or late. The digest waits for their working hours (notify_staff)."""
    now = timezone.now()
    today = timezone.localdate(now)
    horizon = now + datetime.timedelta(days=1)
    due = Case.objects.open().filter(assignee__isnull=False, due_at__lte=horizon)
    holders = due.values("assignee").annotate(n=Count("id")).filter(n__gt=0)
    made = 0
    for row in holders:
        user = get_user_model().objects.get(pk=row["assignee"])
        # A case restricted to named people is listed only to an assignee named on it.
        mine = due.filter(Q(is_restricted=False) | Q(restricted_to=user), assignee=user)
        count = mine.count()
        if not count:
            continue
        cases = mine.order_by("due_at")[:50]
        message = notify_staff(
            user=user,
            event_key=StaffEvent.DAILY_DIGEST,
            context={"count": count},
            # One line each, written by the digest's item template.
            items=[{"reference": c.code, "subject": c.subject} for c in cases],
            dedupe=f"digest:{today.isoformat()}",
        )
        made += message is not None
    return made


@task()
def anchor_confidential_reads() -> int:
    """Daily: the confidential-reads chain's head appended, signed, to the anchor file outside
    the database (cases.anchors). Running twice only adds a second anchor of the same head."""
    return anchors.write_anchor().count
