"""WSGI entry point: the pages, under gunicorn (config/gunicorn.py, docs/decisions/0008)."""

import os

from django.core.wsgi import get_wsgi_application

from mithaq.common.wsgi import ForwardedFor

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
# Behind the proxy, the client's address comes from its X-Forwarded-For (mithaq.common.wsgi).
application = ForwardedFor(get_wsgi_application())
