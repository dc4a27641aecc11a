"""Settings shared by every environment, driven by environment variables."""

import os
from importlib import resources
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = envbool("DEBUG", "false")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "mithaq.accounts.apps.MithaqAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "mithaq.common",
    "mithaq.accounts",
    "mithaq.catalog",
    "mithaq.cases",
    "mithaq.routing",
    "mithaq.notifications",
    "mithaq.walkin",
    "mithaq.search",
    "mithaq.citizens",
    "mithaq.knowledge",
    "mithaq.surveys",
    "mithaq.demo",
    "mithaq.reports",
    "mithaq.intake",
    "mithaq.scheduling",
    "mithaq.interviews",
    "mithaq.privacy",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy on every response (django-csp), in every environment, so
    # that the browser tests meet the policy production sends.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session and authentication: it needs to see what they did to the response
    # (no-store on every personal page; mithaq/common/headers.py).
    "mithaq.common.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mithaq.common.language.SiteLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mithaq.accounts.signin.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A staff session's idle and absolute limits (MITHAQ_STAFF_IDLE_MINUTES, ..._HOURS).
    "mithaq.accounts.sessions.StaffSessionMiddleware",
    # Last, as its documentation asks: it answers locked-out logins itself.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "mithaq" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mithaq.accounts.institution.site",
                "mithaq.accounts.context_processors.staff",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        options = DATABASES["default"].setdefault("OPTIONS", {})
        if envbool("DATABASE_POOL", "true"):
            # Under ASGI each request runs in a thread of its own, so persistent connections
            # are never reused: a pool is how connections are shared (and bounded).
            options["pool"] = {
                "min_size": envint("DATABASE_POOL_MIN", "2"),
                "max_size": envint("DATABASE_POOL_MAX", "10"),
                "timeout": 10,
            }
        if envbool("DATABASE_PREPARED_STATEMENTS", "true"):
            # Parameters sent apart from the SQL, and a statement run 5 times on a connection
            # prepared there: PostgreSQL then plans it once, not on every page
            # (docs/decisions/0006-prepared-statements.md). Off behind a pooler that cannot
            # keep prepared statements (PgBouncer before 1.21 in transaction mode).
            options["server_side_binding"] = True
            options["prepare_threshold"] = envint("DATABASE_PREPARE_THRESHOLD", "5")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "var" / "mithaq.sqlite3")),
            "OPTIONS": {
                # WAL and a busy timeout let the worker and the web server share the file.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "mithaq.accounts.signin.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cases:inbox"
LOGOUT_REDIRECT_URL = "accounts:login"

# Axes: five failed sign-ins from one address and user lock that pair for 30 minutes; twenty
# to one account from any addresses lock the account.
# The client's address, for the rate limits and the sign-in lockouts, is the connection's
# peer, or, from a proxy listed here, the one it forwarded in X-Forwarded-For (config.wsgi,
# mithaq.common.wsgi; uvicorn is given the same list by scripts/run.py). Comma-separated
# addresses or networks, `*` for any; empty (the default): trust no proxy.
FORWARDED_ALLOW_IPS = os.environ.get("FORWARDED_ALLOW_IPS", "")
AXES_CLIENT_IP_CALLABLE = "mithaq.common.ratelimit.client_address"
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
# Failed sign-ins to one account from any addresses (a password tried from many places).
AXES_ACCOUNT_FAILURE_LIMIT = envint("AXES_ACCOUNT_FAILURE_LIMIT", "20")
AXES_COOLOFF_TIME = 0.5
# Both limits, per address and account and per account (mithaq.accounts.lockout).
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"], "username"]
AXES_HANDLER = "mithaq.accounts.lockout.AccountLockoutHandler"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# Staff sign in with a password and an authenticator app (SPEC §12). Whoever has set one up
# is always asked for it; this says whether setting one up is compulsory.
MITHAQ_REQUIRE_STAFF_2FA = envbool("MITHAQ_REQUIRE_STAFF_2FA", "true")
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Mithaq")
# Setting up the second factor needs a one-time enrolment code from an administrator
# (accounts.two_factor); it expires after this many hours.
MITHAQ_ENROLMENT_CODE_HOURS = envint("MITHAQ_ENROLMENT_CODE_HOURS", "72")

LANGUAGES = [("ar", _("Arabic")), ("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
# The language of a first visit, whatever the browser asks for (mithaq.common.language):
# Arabic unless the institution picks another of LANGUAGES. A visitor's own choice then sticks.
LANGUAGE_CODE = os.environ.get("MITHAQ_DEFAULT_LANGUAGE", "ar")
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(
        f"MITHAQ_DEFAULT_LANGUAGE must be one of {[c for c, _n in LANGUAGES]}"
    )
LANGUAGES_BIDI = ["ar"]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language switch's choice sticks for a year, not only until the browser closes.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Baghdad")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["mithaq.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [
    BASE_DIR / "mithaq" / "static",
    # The Arabic typeface ships as a Python package, so the hall and the offices
    # need no internet to render Arabic.
    ("fonts", str(resources.files("fontpkg_noto_sans_arabic") / "files")),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Uploads are never served by URL: only through access-checked views.
MEDIA_URL = None

CACHES: dict[str, dict[str, Any]]
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "mithaq.common.cache.RedisCache",  # one pool per process
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
    # Sessions live in the database and are read from Redis on every page (written to both).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "mithaq",
            # What it holds (rate-limit counters, staff's recent searches) is culled past
            # this many entries, not Django's 300.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

# Background work (notifications, clock ticks, reports) runs as tasks, never in a request.
# The database backend needs nothing more than the database; TASKS_BACKEND=rq moves it to
# Redis (REDIS_URL) for several worker machines.
if os.environ.get("TASKS_BACKEND", "db") == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

SESSION_COOKIE_HTTPONLY = True
# A staff session ends after this long without activity, and this long after sign-in whatever
# happens (mithaq.accounts.sessions); pages with forms warn two minutes before the idle end.
# Citizens' tracking sessions keep SESSION_COOKIE_AGE.
MITHAQ_STAFF_IDLE_MINUTES = envint("MITHAQ_STAFF_IDLE_MINUTES", "30")
MITHAQ_STAFF_SESSION_HOURS = envint("MITHAQ_STAFF_SESSION_HOURS", "12")
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Browser features no page of ours uses, refused to every page and to anything it embeds
# (mithaq.common.headers). The hall display's chime and speech need none of them.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), display-capture=(), browsing-topics=()"
)
# The Content-Security-Policy (django-csp), the same in every environment: scripts and styles
# only from the site's own static files, never inline (no style="...", no onclick, no <style>
# or <script> blocks) and never eval (HTMX runs with allowEval off: mithaq/templates/base.html).
# Images may be data: URIs (the QR codes, the reports' logo). No page may be framed, nothing
# embedded as an object, no <base> moved, and forms post only to the site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Attachments: what a citizen or officer may upload.
MITHAQ_MAX_UPLOAD_BYTES = envint("MITHAQ_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024))
MITHAQ_MAX_UPLOADS_PER_FORM = envint("MITHAQ_MAX_UPLOADS_PER_FORM", "5")
# The office mailbox (mithaq.intake.mail): a larger email is refused whole; mail from one
# sender beyond this many an hour is left for staff.
MITHAQ_MAIL_MAX_BYTES = envint("MITHAQ_MAIL_MAX_BYTES", str(25 * 1024 * 1024))
MITHAQ_MAIL_PER_SENDER_PER_HOUR = envint("MITHAQ_MAIL_PER_SENDER_PER_HOUR", "20")
MITHAQ_WHATSAPP_PER_SENDER_PER_HOUR = envint("MITHAQ_WHATSAPP_PER_SENDER_PER_HOUR", "30")
# Tries to fetch a WhatsApp message's file (30 s, 2 min, 8 min apart) before a note on the
# case says it could not be (mithaq.intake.whatsapp.fetch_due_media).
MITHAQ_WHATSAPP_MEDIA_ATTEMPTS = envint("MITHAQ_WHATSAPP_MEDIA_ATTEMPTS", "4")
# Office files are zips: refused past this size unpacked or this many entries (zip bombs).
MITHAQ_UPLOAD_MAX_UNPACKED_BYTES = envint(
    "MITHAQ_UPLOAD_MAX_UNPACKED_BYTES", str(100 * 1024 * 1024)
)
MITHAQ_UPLOAD_MAX_ENTRIES = envint("MITHAQ_UPLOAD_MAX_ENTRIES", "2000")
# Antivirus: the path of clamd's Unix socket (e.g. /run/clamav/clamd.ctl); every upload is
# sent to it and refused when infected, or when clamd does not answer. Empty: no scanning.
MITHAQ_CLAMD_SOCKET = os.environ.get("MITHAQ_CLAMD_SOCKET", "")
MITHAQ_CLAMD_TIMEOUT = envint("MITHAQ_CLAMD_TIMEOUT", "30")
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Uploaded files are readable by the application's own user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# The default region for phone numbers written without a country code.
MITHAQ_PHONE_REGION = os.environ.get("MITHAQ_PHONE_REGION", "IQ")
# National IDs and phone numbers encrypted at rest (mithaq.common.crypto, docs/deploy.md
# "Encryption keys"): Fernet keys, comma-separated, the first encrypts and all decrypt (a new
# key goes first; `manage.py rotate_field_keys` re-encrypts, then the old one can go). With
# none, the values are kept in clear. MITHAQ_SEARCH_KEYS: the HMAC keys of their search
# hashes, the first writes and all find; with none, one derived from SECRET_KEY.
MITHAQ_FIELD_KEYS = envlist("MITHAQ_FIELD_KEYS", "")
MITHAQ_SEARCH_KEYS = envlist("MITHAQ_SEARCH_KEYS", "")
# Citizens' tracking page: attempts per address in a 15-minute window.
MITHAQ_TRACK_ATTEMPTS = envint("MITHAQ_TRACK_ATTEMPTS", "10")
# Portal submissions per client address per hour (each one messages the number given).
MITHAQ_SUBMISSIONS_PER_HOUR = envint("MITHAQ_SUBMISSIONS_PER_HOUR", "20")
# Taps on one enrolled kiosk (or from one address on a hall's kiosk networks) per minute:
# generous for a busy door, far below a script's (mithaq.walkin.kiosk).
MITHAQ_KIOSK_TAPS_PER_MINUTE = envint("MITHAQ_KIOSK_TAPS_PER_MINUTE", "60")
# The one-time kiosk links of the demo (`make run` prints one): development settings only.
MITHAQ_KIOSK_ENROL_LINKS = False
# Kiosk tickets per phone number per day (each may send a "your turn is near" SMS).
MITHAQ_TICKETS_PER_PHONE_PER_DAY = envint("MITHAQ_TICKETS_PER_PHONE_PER_DAY", "5")
# Surveys (mithaq.surveys): how long a personal link opens the survey, how long an answer
# may be changed, and answers plus grievances posted per address and hour.
MITHAQ_SURVEY_LINK_DAYS = envint("MITHAQ_SURVEY_LINK_DAYS", "30")
MITHAQ_SURVEY_CHANGE_HOURS = envint("MITHAQ_SURVEY_CHANGE_HOURS", "24")
# The case's short link in an SMS opens the case for this many days (after the phone's last
# four digits); wrong digits allowed per link and hour.
MITHAQ_CASE_LINK_DAYS = envint("MITHAQ_CASE_LINK_DAYS", "365")
MITHAQ_CASE_LINK_ATTEMPTS = envint("MITHAQ_CASE_LINK_ATTEMPTS", "5")
MITHAQ_SURVEY_POSTS_PER_HOUR = envint("MITHAQ_SURVEY_POSTS_PER_HOUR", "20")
# Grievances (تظلم): working days after the answer, per kind ("complaint=15,service_request=10"),
# else the default; grievances posted per address and hour.
MITHAQ_GRIEVANCE_DAYS = envint("MITHAQ_GRIEVANCE_DAYS", "15")
MITHAQ_GRIEVANCE_DAYS_BY_KIND = {
    kind.strip(): int(days)
    for kind, _sep, days in (
        part.partition("=")
        for part in os.environ.get("MITHAQ_GRIEVANCE_DAYS_BY_KIND", "").split(",")
        if part.strip()
    )
}
MITHAQ_GRIEVANCES_PER_HOUR = envint("MITHAQ_GRIEVANCES_PER_HOUR", "5")
# The people's data rights (mithaq.privacy): days after closing before a case's personal data
# is erased by the daily job, per kind; MITHAQ_RETENTION_DAYS="complaint=1825,inquiry=365"
# changes the kinds it names. A kind left out is kept. Defaults: five years for complaints,
# service requests and requests to the president, two for suggestions and praise, one for
# inquiries.
MITHAQ_RETENTION_DAYS = {
    "complaint": 1825,
    "service_request": 1825,
    "president_request": 1825,
    "suggestion": 730,
    "praise": 730,
    "inquiry": 365,
} | {
    kind.strip(): int(days)
    for kind, _sep, days in (
        part.partition("=")
        for part in os.environ.get("MITHAQ_RETENTION_DAYS", "").split(",")
        if part.strip()
    )
}
MITHAQ_INSTITUTION_NAME = os.environ.get("MITHAQ_INSTITUTION_NAME", "")
# The citizens' affairs office's phone: a field visit's finding opens a case in the office's
# name (mithaq.interviews.visits), and a case needs a phone to reach. Unset, the first of
# MITHAQ_HOTLINES that is a valid phone number stands in; with neither, a finding is refused.
MITHAQ_OFFICE_PHONE = os.environ.get("MITHAQ_OFFICE_PHONE", "")
# The public charter page's channels (mithaq/reports): hotlines (comma-separated), the
# emergency number, the office's email and postal address; an empty one is not shown.
MITHAQ_HOTLINES = envlist("MITHAQ_HOTLINES", "")
MITHAQ_EMERGENCY_NUMBER = os.environ.get("MITHAQ_EMERGENCY_NUMBER", "")
MITHAQ_OFFICE_EMAIL = os.environ.get("MITHAQ_OFFICE_EMAIL", "")
MITHAQ_OFFICE_ADDRESS = os.environ.get("MITHAQ_OFFICE_ADDRESS", "")
# The annual report's year: "gregorian" or "hijri" (mithaq/reports/periods.py).
MITHAQ_REPORT_YEAR = os.environ.get("MITHAQ_REPORT_YEAR", "gregorian")
# The digits Arabic pages write numbers with, one style for the institution, the hall's TV
# display and its desks alike: "western" (0-9) or "arabic-indic" (٠-٩).
MITHAQ_DIGITS = os.environ.get("MITHAQ_DIGITS", "western")
if MITHAQ_DIGITS not in ("western", "arabic-indic"):
    raise ImproperlyConfigured('MITHAQ_DIGITS must be "western" or "arabic-indic"')

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Messages ---------------------------------------------------------------------------------
# The outbox and its transports (mithaq/notifications). Each channel's transport: "console"
# (JSON lines in MITHAQ_MESSAGES_FILE; the default, nothing leaves the machine), "smtp"
# (email over EMAIL_HOST), "http" (the active HTTP SMS GatewayConfig, edited in the admin),
# "whatsapp" (the active WhatsApp Business GatewayConfig). Secrets live in environment
# variables named by each GatewayConfig, never in the database.
MITHAQ_TRANSPORTS = {
    "sms": os.environ.get("MITHAQ_SMS_TRANSPORT", "console"),
    "email": os.environ.get("MITHAQ_EMAIL_TRANSPORT", "console"),
    "whatsapp": os.environ.get("MITHAQ_WHATSAPP_TRANSPORT", "console"),
}
MITHAQ_MESSAGES_FILE = os.environ.get(
    "MITHAQ_MESSAGES_FILE", str(BASE_DIR / "var" / "messages" / "outbox.log")
)
# Where links in messages point (the tracking page, a case for staff).
MITHAQ_PUBLIC_URL = os.environ.get("MITHAQ_PUBLIC_URL", "http://127.0.0.1:8000")
# A citizen who gave an email also gets each message by email, beside SMS/WhatsApp.
# A citizen's messages on one case within this many seconds go as one SMS and one email
# (mithaq.notifications.services.notify_citizen with coalesce=True).
MITHAQ_CITIZEN_COALESCE_SECONDS = envint("MITHAQ_CITIZEN_COALESCE_SECONDS", "120")
MITHAQ_CITIZEN_EMAIL_COPY = envbool("MITHAQ_CITIZEN_EMAIL_COPY", "true")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "mithaq@localhost")
MITHAQ_SMTP_TIMEOUT = envint("MITHAQ_SMTP_TIMEOUT", "10")
# Retries: exponential backoff from the base, capped, at most this many attempts.
MITHAQ_MESSAGE_MAX_ATTEMPTS = envint("MITHAQ_MESSAGE_MAX_ATTEMPTS", "10")
MITHAQ_MESSAGE_RETRY_BASE_SECONDS = envint("MITHAQ_MESSAGE_RETRY_BASE_SECONDS", "30")
MITHAQ_MESSAGE_RETRY_MAX_SECONDS = envint("MITHAQ_MESSAGE_RETRY_MAX_SECONDS", "3600")
# A message still "sending" after this long belonged to a worker that died: the next
# dispatch (every 15 s) sends it, so a killed worker's messages go on within a minute. A run
# renews a claim older than half this just before its send: keep every gateway's timeout
# (MITHAQ_SMTP_TIMEOUT, the gateways' own) well under half of it.
MITHAQ_MESSAGE_CLAIM_TIMEOUT = envint("MITHAQ_MESSAGE_CLAIM_TIMEOUT", "45")
# Circuit breaker: this many transient failures in a row pause a gateway for the cool-off.
MITHAQ_BREAKER_THRESHOLD = envint("MITHAQ_BREAKER_THRESHOLD", "5")
MITHAQ_BREAKER_COOLOFF_SECONDS = envint("MITHAQ_BREAKER_COOLOFF_SECONDS", "60")
MITHAQ_BREAKER_PROBE_WAIT = envint("MITHAQ_BREAKER_PROBE_WAIT", "15")
# Delivery receipts older (or newer) than this are refused.
MITHAQ_RECEIPT_MAX_AGE_SECONDS = envint("MITHAQ_RECEIPT_MAX_AGE_SECONDS", "300")
# The scheduler (`manage.py run_scheduler`): (task's dotted path, interval in seconds).
MITHAQ_PERIODIC_TASKS = [
    ("mithaq.notifications.tasks.dispatch_due", 15),
    ("mithaq.cases.tasks.send_daily_digests", 3600),
    ("mithaq.cases.tasks.tick_clocks", 60),
    ("mithaq.reports.tasks.build_due_packs", 3600),
    ("mithaq.intake.tasks.poll_mailboxes", 60),
    ("mithaq.intake.tasks.deliver_webhooks", 15),
    ("mithaq.intake.tasks.fetch_whatsapp_media", 30),
    ("mithaq.interviews.tasks.remind_missing_records", 3600),
    ("mithaq.walkin.tasks.release_booking_no_shows", 60),
    ("mithaq.privacy.tasks.apply_retention", 86400),
    ("mithaq.cases.tasks.anchor_confidential_reads", 86400),
]
# The confidential-reads log's daily anchors (mithaq.cases.anchors): one signed line a day
# appended to this file, which must live where the database's users cannot write (another
# disk or machine, an append-only mount); signed with this key (kept out of the database;
# derived from SECRET_KEY when empty).
MITHAQ_READS_ANCHOR_FILE = Path(
    os.environ.get(
        "MITHAQ_READS_ANCHOR_FILE", str(BASE_DIR / "var" / "audit" / "confidential-reads.anchors")
    )
)
MITHAQ_READS_ANCHOR_KEY = os.environ.get("MITHAQ_READS_ANCHOR_KEY", "")
if TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
    # Its `rqworker` command.
    INSTALLED_APPS += ["django_rq"]

# Live screens
# The hall display listens by Server-Sent Events; calls reach it through a channels layer.
# One process needs nothing more than memory; with REDIS_URL set, several uvicorn processes
# (or machines) share Redis pub/sub, so a call made in one reaches displays held by another.
if os.environ.get("REDIS_URL"):
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [os.environ["REDIS_URL"]],
                "prefix": os.environ.get("CHANNEL_LAYER_PREFIX", "mithaq"),
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# Seconds between two heartbeats on an open display stream: they keep proxies from closing
# an idle connection and let the page notice a connection that died silently.
MITHAQ_DISPLAY_HEARTBEAT = envint("MITHAQ_DISPLAY_HEARTBEAT", "15")
# Display streams one client address may hold open across every process (a hall's screens
# may share an address behind its router); more are refused with 429. Counted in Redis when
# REDIS_URL is set, in the database otherwise (mithaq.walkin.slots); a slot not kept alive
# by its stream's heartbeat for MITHAQ_DISPLAY_SLOT_SECONDS (a killed process's) lapses.
MITHAQ_DISPLAY_STREAMS_PER_ADDRESS = envint("MITHAQ_DISPLAY_STREAMS_PER_ADDRESS", "20")
MITHAQ_DISPLAY_SLOT_SECONDS = envint("MITHAQ_DISPLAY_SLOT_SECONDS", "60")
MITHAQ_DISPLAY_SLOTS_REDIS_URL = os.environ.get("REDIS_URL", "")
