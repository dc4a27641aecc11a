"""The daily retention job (settings.MITHAQ_PERIODIC_TASKS): closed cases past their kind's
retention period lose their personal data (services.apply_retention). Idempotent."""

from django_tasks import task

from . import services


@task()
def apply_retention() -> int:
    return services.apply_retention()
