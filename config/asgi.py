"""ASGI entry point (uvicorn): the hall displays' event streams (docs/decisions/0008).

The pages are served through WSGI (config.wsgi, gunicorn); the proxy sends only the streams'
paths here. Without Redis, `make run` serves everything from here (scripts/run.py)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_asgi_application()

# Searches (phones, national IDs) travel in query strings: the access log keeps paths only.
from mithaq.common.logs import keep_queries_out_of_access_logs  # noqa: E402

keep_queries_out_of_access_logs()
