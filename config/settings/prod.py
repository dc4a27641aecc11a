"""Production: DEBUG off; a secret key and the database must come from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHES, MITHAQ_FIELD_KEYS, MITHAQ_SEARCH_KEYS, SECRET_KEY, envbool, envint

if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production")
DEBUG = False
# Encrypted national IDs and phones are found by their hashes: with a derived search key,
# changing SECRET_KEY (sessions, signed links) would lose every lookup. So a deployment that
# encrypts names its search key too. Without MITHAQ_FIELD_KEYS the deploy check warns
# (mithaq.common.checks).
if MITHAQ_FIELD_KEYS and not MITHAQ_SEARCH_KEYS:
    raise ImproperlyConfigured(
        "MITHAQ_FIELD_KEYS is set: set MITHAQ_SEARCH_KEYS too (docs/deploy.md, 'Encryption keys')"
    )
# Production always runs several processes: the web server (one or more, WEB_CONCURRENCY),
# the task worker and the scheduler. What each keeps in memory (the calendar, the routing
# rules, the message templates: mithaq.common.cache.ProcessCopy) learns of a change made in
# another process through the cache, so a cache each process keeps to itself would leave the
# worker on an old calendar for minutes. The rule: no production start without a shared
# cache (REDIS_URL).
PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
if CACHES["default"]["BACKEND"] in PROCESS_LOCAL_CACHES:
    raise ImproperlyConfigured(
        "Production runs several processes (web server, task worker, scheduler) and they must "
        "share one cache: set REDIS_URL (a cache kept in each process's memory is refused)"
    )
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "true")
CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", "true")
# HTTPS only: HTTP is redirected, and browsers are told to come back over HTTPS alone for a year
# (HSTS; SECURE_HSTS_SECONDS=0 turns it off while a new domain is tried). Behind the proxy, a
# request is HTTPS when the proxy says so in X-Forwarded-Proto: config.wsgi drops that header
# from any peer that is not a trusted proxy (FORWARDED_ALLOW_IPS, mithaq.common.wsgi).
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", str(365 * 24 * 3600))
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "true")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "true")
