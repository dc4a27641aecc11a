"""Settings of several processes: `make run`'s processes share one cache, and production
refuses to start with a cache each process keeps to itself. Each case runs real Python
processes with the settings module under test."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SET = """
import django
django.setup()
from django.core.cache import cache
cache.set("shared-by-make-run", "from the first process", None)
"""
GET = """
import django
django.setup()
from django.core.cache import cache
print(cache.get("shared-by-make-run"))
"""


def _python(code: str, settings: str, **env) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(DJANGO_SETTINGS_MODULE=settings, **env)
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_processes_of_make_run_share_one_cache(tmp_path):
    env = {"MITHAQ_CACHE_DIR": str(tmp_path / "cache"), "SQLITE_PATH": str(tmp_path / "db")}
    first = _python(SET, "config.settings.dev", **env)
    assert first.returncode == 0, first.stderr
    second = _python(GET, "config.settings.dev", **env)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "from the first process"


def test_production_refuses_a_cache_kept_in_each_process():
    env = {"SECRET_KEY": "a-production-key"}
    refused = _python(GET, "config.settings.prod", **env)
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr and "REDIS_URL" in refused.stderr
    # With Redis it starts (nothing is read from Redis before the first cache call).
    started = _python(
        "import django; django.setup()",
        "config.settings.prod",
        REDIS_URL="redis://127.0.0.1:6379/11",
        **env,
    )
    assert started.returncode == 0, started.stderr
