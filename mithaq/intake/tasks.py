"""Background jobs of intake: reading the office mailboxes (every minute, run_scheduler).
Idempotent: a message already recorded is only moved (mithaq.intake.mail)."""

import imaplib
import logging

from django_tasks import task

from . import mail, webhooks
from .models import Mailbox

log = logging.getLogger(__name__)


@task()
def poll_mailboxes() -> dict[str, int]:
    totals: dict[str, int] = {}
    for mailbox in Mailbox.objects.filter(is_active=True).select_related("received_by"):
        try:
            counts = mail.poll_mailbox(mailbox)
        except (imaplib.IMAP4.error, OSError) as exc:
            # One mailbox down does not stop the others; the next run tries again.
            log.warning("mailbox %s unreachable: %s", mailbox.pk, type(exc).__name__)
            continue
        for outcome, count in counts.items():
            totals[outcome] = totals.get(outcome, 0) + count
    return totals


@task()
def deliver_webhooks() -> dict[str, int]:
    """Periodic: new case events into the outbox, then the due deliveries sent."""
    webhooks.collect()
    return webhooks.send_due()
