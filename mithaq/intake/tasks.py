"""Background jobs of intake: reading the office mailboxes (every minute, run_scheduler),
fetching WhatsApp messages' files, delivering outgoing webhooks. Idempotent: a message
already recorded is only moved (mithaq.intake.mail); a file is fetched by the worker that
claimed its row (mithaq.intake.whatsapp)."""

import imaplib
import logging

from django_tasks import task

from . import mail, webhooks, whatsapp
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


@task()
def fetch_whatsapp_media() -> dict[str, int]:
    """Enqueued when a message with a file is recorded, and periodic: the files whose turn
    has come (new ones, and failures whose backoff is over)."""
    return whatsapp.fetch_due_media()
