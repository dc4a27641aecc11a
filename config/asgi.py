"""ASGI entry point (uvicorn)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

# The middleware runs in one thread switch, not a dozen (mithaq.common.asgi).
from mithaq.common.asgi import get_asgi_application  # noqa: E402

application = get_asgi_application()

# Searches (phones, national IDs) travel in query strings: the access log keeps paths only.
from mithaq.common.logs import keep_queries_out_of_access_logs  # noqa: E402

keep_queries_out_of_access_logs()
