"""Load tests (`make bench`): production settings on the bench database, over plain HTTP on
127.0.0.1, with the ceiling view's URLs."""

import os

# Production refuses to start without a key; the bench's sessions only live on loopback.
os.environ.setdefault("SECRET_KEY", "bench-only-key-not-for-any-real-site")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mithaq_bench")

from .prod import *  # noqa: E402, F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
# Served over plain HTTP on loopback: a Secure cookie would never come back from a browser.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Under ASGI every request runs in its own thread, so a persistent connection (CONN_MAX_AGE)
# is never reused and is left open: under load PostgreSQL runs out of connections. Without a
# pool, one connection per request, as Django's documentation advises for ASGI.
if not DATABASES["default"].get("OPTIONS", {}).get("pool"):  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
