"""The site's URLs plus the ceiling: a bare view behind the same middleware."""

import os

from django.http import HttpResponse
from django.urls import path

from config.urls import handler400  # noqa: F401  (the site's 400 answers, as config.urls)
from config.urls import urlpatterns as site_urlpatterns


def worker(request):
    """Which server process answers this connection (the bench's own URL: the search bench
    spreads its users' connections over the workers, as many users' would be)."""
    return HttpResponse(str(os.getpid()).encode(), content_type="text/plain")


def ceiling(request):
    """The fastest page the stack can serve: every middleware, no query, no template."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/ceiling/", ceiling, name="bench-ceiling"),
    path("bench/worker/", worker, name="bench-worker"),
    *site_urlpatterns,
]
