"""Production: DEBUG off; a secret key and the database must come from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, envbool

if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production")
DEBUG = False
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "true")
CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", "true")
