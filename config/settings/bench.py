"""Load tests (`make bench`): production settings on the bench database, over plain HTTP on
127.0.0.1, with the ceiling view's URLs."""

import os

# Production refuses to start without a key; the bench's sessions only live on loopback.
os.environ.setdefault("SECRET_KEY", "bench-only-key-not-for-any-real-site")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mithaq_bench")
# The bench serves from two processes, and more than one process needs Redis (README): the
# cache (rate limits, sessions read, recent searches) and the live screens are shared there.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")
# Phones and national IDs encrypted, as production should run (bench-only keys).
os.environ.setdefault("MITHAQ_FIELD_KEYS", "YmVuY2gtb25seS1maWVsZC1rZXktbm90LXNlY3JldCE=")
os.environ.setdefault("MITHAQ_SEARCH_KEYS", "bench-only-search-key")

from .prod import *  # noqa: E402, F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
# Served over plain HTTP on loopback: a Secure cookie would never come back from a browser.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# collectstatic goes here (bench/results/ is ignored by git), so that WhiteNoise serves as it
# does in production without touching var/.
STATIC_ROOT = BASE_DIR / "bench" / "results" / "static"  # noqa: F405
# Every request of the load comes from 127.0.0.1: the per-address limit on portal submissions
# would answer 429 to all but the first twenty.
MITHAQ_SUBMISSIONS_PER_HOUR = 10**9
