"""The routing app's one door to the outbox (mithaq.notifications.services)."""

import logging

logger = logging.getLogger(__name__)


def _outbox():
    try:
        from mithaq.notifications import services
    except ImportError:  # pragma: no cover (the notifications app ships with Mithaq)
        return None
    return services


def notify_staff(*, user, event_key: str, case=None, context: dict, not_before=None):
    outbox = _outbox()
    if outbox is None or not hasattr(outbox, "notify_staff"):
        logger.warning("no outbox: %s for %s not sent", event_key, user)
        return None
    return outbox.notify_staff(
        user=user, event_key=event_key, case=case, context=context, not_before=not_before
    )


def notify_citizen(*, case, event_key: str, context: dict):
    outbox = _outbox()
    if outbox is None or not hasattr(outbox, "notify_citizen"):
        logger.warning("no outbox: %s for case %s not sent", event_key, case.pk)
        return None
    return outbox.notify_citizen(case=case, event_key=event_key, context=context)
