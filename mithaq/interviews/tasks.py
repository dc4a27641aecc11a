"""The interviews' periodic jobs (settings.MITHAQ_PERIODIC_TASKS)."""

from django_tasks import task

from . import records


@task()
def remind_missing_records() -> int:
    """Hourly: on the first working days of a month, remind each official whose last
    month's interview record is not submitted (once a day each; see records)."""
    return records.remind_missing_records()
