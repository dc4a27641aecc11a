"""Enqueue each periodic task of settings.MITHAQ_PERIODIC_TASKS once per interval.

Several schedulers may run (one per machine): each period of each task is claimed by
inserting its ScheduledRun row, and only the scheduler whose insert succeeds enqueues it.
SIGTERM or SIGINT stops the loop between ticks."""

import datetime
import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from mithaq.notifications.models import ScheduledRun

logger = logging.getLogger("mithaq.scheduler")


def run_due(*, now: datetime.datetime | None = None, tasks=None) -> list[str]:
    """Enqueue every task whose current period nobody has claimed yet; return their paths."""
    now = now or timezone.now()
    enqueued = []
    for path, interval in tasks if tasks is not None else settings.MITHAQ_PERIODIC_TASKS:
        try:
            job = import_string(path)
        except ImportError:
            # Another app's task that is not built yet: skip it, quietly after the first time.
            logger.debug("periodic task %s is not importable; skipped", path)
            continue
        period = int(now.timestamp()) // int(interval)
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(task_path=path, period=period, enqueued_at=now)
                job.enqueue()
        except IntegrityError:
            continue  # another scheduler has this period
        enqueued.append(path)
    # Claims older than a day are no longer needed to tell periods apart.
    ScheduledRun.objects.filter(enqueued_at__lt=now - datetime.timedelta(days=1)).delete()
    return enqueued


class Command(BaseCommand):
    help = "Run the periodic tasks (settings.MITHAQ_PERIODIC_TASKS) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--tick", type=float, default=1.0, help="seconds between checks")
        parser.add_argument("--once", action="store_true", help="check once and exit")

    def say(self, line: str) -> None:
        # Flushed at once: under a supervisor or a pipe, a line kept in a buffer until exit
        # says nothing about a scheduler that is running now.
        self.stdout.write(line)
        self.stdout.flush()

    def handle(self, *args, tick, once, **options):
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        paths = ", ".join(path for path, _ in settings.MITHAQ_PERIODIC_TASKS)
        self.say(f"scheduler: {paths}")
        while not stopping:
            close_old_connections()
            for path in run_due():
                self.say(f"scheduler: enqueued {path}")
            if once:
                break
            deadline = time.monotonic() + tick
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(0.1, tick))
        self.say("scheduler: stopped")
