"""The test suite: fast hashing, files in a temporary folder."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import AXES_FAILURE_LIMIT  # noqa: F401

SECRET_KEY = "test-only-key"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="mithaq-test-media-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
WHITENOISE_AUTOREFRESH = True
# Each test process keeps its own cache, whatever REDIS_URL says: rate-limit tests count on it.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tests sign personas in directly; the second factor has tests of its own that turn it on.
MITHAQ_REQUIRE_STAFF_2FA = False
# National IDs and phones encrypted in every test, on SQLite and PostgreSQL alike (test-only
# keys; mithaq.common.tests.test_crypto turns them off and rotates them).
MITHAQ_FIELD_KEYS = ["Tk9UX0FfUkVBTF9LRVlfdGVzdHMtb25seS0wMDAwMDA="]
MITHAQ_SEARCH_KEYS = ["test-only-search-key"]
# Live screens fan out in this process only, whatever REDIS_URL says (tests of the Redis
# layer build their own).
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# Display stream slots in the test database, whatever REDIS_URL says (tests that try the
# Redis store make their own); the reads log's anchors in a folder of this run.
MITHAQ_DISPLAY_SLOTS_REDIS_URL = ""
MITHAQ_READS_ANCHOR_FILE = Path(tempfile.mkdtemp(prefix="mithaq-test-audit-")) / "reads.anchors"
