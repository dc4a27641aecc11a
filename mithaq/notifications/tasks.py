"""The messages app's jobs. Each is idempotent: running it twice sends nothing twice."""

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
