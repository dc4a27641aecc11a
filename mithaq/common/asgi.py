"""Django's ASGI handler with the middleware run in one thread, as under WSGI and in the tests.

Django builds its middleware chain for ASGI as async as it can: every middleware that can
run both ways is called through its async side, and a MiddlewareMixin's async side runs each
of its process_request and process_response in the request's thread through sync_to_async.
One sync-only middleware (WhiteNoise) near the top turns the chain back to sync, so a request
went loop -> thread -> loop -> thread ... about a dozen times before and after the view, all
of it to run synchronous code: 5.7 ms of a 6 ms bare page (bench/urls.py's ceiling, measured
at p50 with one client on the 2-core machine), ahead of every page's own work.

Here the chain is built synchronous from top to bottom and called once in the request's
thread (`ThreadSensitiveContext`, where the view and the database run anyway): one switch in,
one out. The chain is then the one the test client runs. An async view (the hall display's
event stream) is called from that thread through async_to_sync, as a sync chain always calls
it, and its streamed body is still sent by the event loop."""

from typing import Any

import django
from django.core.handlers.asgi import ASGIHandler


class SyncChainASGIHandler(ASGIHandler):
    _middleware_chain: Any  # Django's own (the stubs give it no type)

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)
        # get_response_async awaits the chain: the whole sync chain, in one thread switch.
        self._middleware_chain = self.adapt_method_mode(
            True, self._middleware_chain, False, name="the middleware chain"
        )


def get_asgi_application() -> SyncChainASGIHandler:
    django.setup(set_prefix=False)
    return SyncChainASGIHandler()
