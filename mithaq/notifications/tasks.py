"""The messages app's jobs. Each is idempotent: running it twice sends nothing twice."""

import datetime

from django.conf import settings
from django.db.models import Count
from django.utils import timezone, translation
from django_tasks import task

from . import dispatch


@task()
def dispatch_message(message_id: int) -> str:
    """Send one message right after the change that wrote it commits."""
    return dispatch.dispatch_one(message_id).outcome


@task()
def dispatch_messages(message_ids: list[int]) -> list[str]:
    """Send the messages one change wrote together (a citizen's SMS and email), in turn."""
    return [dispatch.dispatch_one(message_id).outcome for message_id in message_ids]


@task()
def dispatch_due() -> dict:
    """Periodic: retries whose time has come, messages that waited for a gateway or for the
    working day, and anything whose after-commit enqueue was lost."""
    return dispatch.dispatch_due()


@task()
def send_daily_digests() -> int:
    """Periodic: each member of staff, once a day, gets the list of their open cases due
    within a day or late. The digest waits for their working hours (notify_staff)."""
    from django.contrib.auth import get_user_model

    from mithaq.cases.models import Case

    from .services import notify_staff

    now = timezone.now()
    today = timezone.localdate(now)
    horizon = now + datetime.timedelta(days=1)
    due = Case.objects.open().filter(assignee__isnull=False, due_at__lte=horizon)
    holders = due.values("assignee").annotate(n=Count("id")).filter(n__gt=0)
    made = 0
    for row in holders:
        user = get_user_model().objects.get(pk=row["assignee"])
        cases = due.filter(assignee=user).order_by("due_at")[:50]
        with translation.override(user.language or settings.LANGUAGE_CODE):
            lines = [f"- {c.code}: {c.subject}" for c in cases]
        message = notify_staff(
            user=user,
            event_key="daily_digest",
            context={"count": row["n"], "text": "\n".join(lines)},
            dedupe=f"digest:{today.isoformat()}",
        )
        made += message is not None
    return made
