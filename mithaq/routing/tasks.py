"""Background jobs of the clocks. Both are idempotent: running one twice changes nothing."""

from django_tasks import task

from . import clocks, escalation


@task()
def tick_clocks() -> dict:
    """Mark breaches and fire the escalation steps that came due (every minute)."""
    return escalation.tick_clocks()


@task()
def recompute_clocks(case_ids: list[int] | None = None) -> int:
    """Recompute open cases' clocks after the calendar or the commitments changed."""
    return clocks.recompute_open_clocks(case_ids=case_ids)
