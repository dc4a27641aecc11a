"""Local development and `make run`: DEBUG on, SQLite unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F403
from .base import BASE_DIR, envbool, envlist, os

DEBUG = envbool("DEBUG", "true")
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-never-in-production"  # noqa: S105

# `make run` serves through gunicorn and uvicorn (scripts/run.py), not runserver: WhiteNoise
# serves static files straight from the apps and packages, and picks up edits without a
# restart.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# `make run` encrypts national IDs and phones as production would, with keys everyone can
# read (dev only); MITHAQ_FIELD_KEYS / MITHAQ_SEARCH_KEYS in the environment win.
MITHAQ_FIELD_KEYS = envlist("MITHAQ_FIELD_KEYS", "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1hLXNlY3JldCE=")
MITHAQ_SEARCH_KEYS = envlist("MITHAQ_SEARCH_KEYS", "dev-only-search-key-not-a-secret")

# The demo's logins work with a password alone; anyone may still add an authenticator.
MITHAQ_REQUIRE_STAFF_2FA = envbool("MITHAQ_REQUIRE_STAFF_2FA", "false")

if not os.environ.get("REDIS_URL"):
    # `make run` starts three processes (the web server, the task worker, the scheduler):
    # they share one cache, files under var/cache, so that a change made in one of them (the
    # calendar, a message template) reaches the others' copies within a second
    # (mithaq.common.cache.ProcessCopy). Django's in-memory cache would be one per process.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("MITHAQ_CACHE_DIR", str(BASE_DIR / "var" / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

# The demo's kiosk link, printed by `make run`, enrols the browser that opens it (once).
MITHAQ_KIOSK_ENROL_LINKS = True
