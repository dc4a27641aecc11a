"""Local development and `make run`: DEBUG on, SQLite unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F403
from .base import envbool, os

DEBUG = envbool("DEBUG", "true")
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-never-in-production"  # noqa: S105

# `make run` serves through gunicorn and uvicorn (scripts/run.py), not runserver: WhiteNoise
# serves static files straight from the apps and packages, and picks up edits without a
# restart.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# The demo's logins work with a password alone; anyone may still add an authenticator.
MITHAQ_REQUIRE_STAFF_2FA = envbool("MITHAQ_REQUIRE_STAFF_2FA", "false")
