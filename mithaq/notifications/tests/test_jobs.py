"""The jobs: the Redis backend is a settings change, the scheduler claims each period once
and stops on SIGTERM."""

import datetime
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.test import override_settings

from mithaq.notifications import tasks
from mithaq.notifications.management.commands.run_scheduler import run_due
from mithaq.notifications.models import Message, ScheduledRun
from mithaq.testing import make_case

REDIS_URL = os.environ.get("MITHAQ_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
ROOT = Path(__file__).resolve().parents[3]


def redis_or_skip():
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no local Redis")
    return connection


@pytest.mark.django_db
def test_dispatch_runs_on_the_redis_backend_with_an_rq_worker(org, messages_file):
    connection = redis_or_skip()
    connection.flushdb()  # our own database number only
    case = make_case(org, citizen_email="")
    message = Message.objects.get(case=case)
    rq_settings = {
        "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        "RQ_QUEUES": {"default": {"URL": REDIS_URL}},
    }
    try:
        with override_settings(**rq_settings):
            import django_rq
            from rq import SimpleWorker

            result = tasks.dispatch_message.enqueue(message.pk)
            tasks.dispatch_message.enqueue(message.pk)  # twice: still sent once
            from django_tasks_rq.backend import Job

            queue = django_rq.get_queue("default", job_class=Job)
            assert queue.count == 2
            worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
            worker.work(burst=True)
            assert tasks.dispatch_message.get_result(result.id).return_value == "sent"
    finally:
        connection.flushdb()
    message.refresh_from_db()
    assert message.status == "sent"
    assert len(messages_file.read_text().splitlines()) == 1


@pytest.mark.django_db
def test_scheduler_enqueues_each_period_once_across_schedulers():
    jobs = [("mithaq.notifications.tasks.dispatch_due", 15), ("mithaq.nowhere.tasks.tick", 60)]
    now = datetime.datetime(2030, 1, 1, 9, 0, 1, tzinfo=datetime.UTC)
    assert run_due(now=now, tasks=jobs) == ["mithaq.notifications.tasks.dispatch_due"]
    # A second scheduler, or the same one a moment later in the same period: nothing.
    assert run_due(now=now + datetime.timedelta(seconds=5), tasks=jobs) == []
    later = now + datetime.timedelta(seconds=15)
    assert run_due(now=later, tasks=jobs) == ["mithaq.notifications.tasks.dispatch_due"]
    assert ScheduledRun.objects.count() == 2
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path__endswith="dispatch_due").count() == 2


def test_scheduler_stops_cleanly_on_sigterm(tmp_path):
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "SQLITE_PATH": str(tmp_path / "s.sqlite3"),
    }
    env.pop("DATABASE_URL", None)
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    process = subprocess.Popen(
        [python, "manage.py", "run_scheduler", "--tick", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    # Signal only once the scheduler has shown it is looping (its handlers are installed before
    # its first line), not after a fixed sleep: on a loaded machine Django's start alone can
    # take longer than any sleep chosen here. A watchdog ends a scheduler that never says so.
    watchdog = threading.Timer(60, process.kill)
    watchdog.start()
    seen = []
    try:
        for line in process.stdout:
            seen.append(line)
            if "enqueued mithaq.notifications.tasks.dispatch_due" in line:
                break
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=30)
    finally:
        watchdog.cancel()
    out = "".join(seen) + out
    assert process.returncode == 0
    assert "enqueued mithaq.notifications.tasks.dispatch_due" in out
    assert out.strip().endswith("scheduler: stopped")


@pytest.mark.django_db
def test_daily_digest_once_a_day(org, case_a):
    from mithaq.cases import services as cases
    from mithaq.cases import tasks as case_tasks

    cases.assign_case(case=case_a, actor=org.office_manager, assignee=org.officer_a)
    type(case_a).objects.filter(pk=case_a.pk).update(due_at=case_a.created_at)
    assert case_tasks.send_daily_digests.call() == 1
    assert case_tasks.send_daily_digests.call() == 0
    digest = Message.objects.get(event_key="daily_digest")
    assert case_a.code in digest.body and digest.user == org.officer_a


@pytest.mark.django_db
def test_the_messages_of_one_change_are_sent_by_one_task(org, messages_file):
    from django_tasks_db.models import DBTaskResult

    case = make_case(org)  # an SMS and an email
    (queued,) = DBTaskResult.objects.filter(task_path__endswith=".dispatch_messages")
    ids = queued.args_kwargs["args"][0]
    assert sorted(ids) == sorted(Message.objects.filter(case=case).values_list("pk", flat=True))
    assert tasks.dispatch_messages.call(ids) == ["sent", "sent"]
    assert tasks.dispatch_messages.call(ids) == ["skipped", "skipped"]  # sent once
    assert set(Message.objects.filter(case=case).values_list("status", flat=True)) == {"sent"}
