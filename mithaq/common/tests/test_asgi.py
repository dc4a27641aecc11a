import asyncio
import threading

from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path
from django.utils.deprecation import MiddlewareMixin

from mithaq.common.asgi import SyncChainASGIHandler

SEEN: list[tuple[str, int]] = []


class Recorder(MiddlewareMixin):
    """A middleware that can run either way, as Django's own ones can: which side Django
    calls, and in which thread."""

    def __call__(self, request):
        SEEN.append(("middleware, sync", threading.get_ident()))
        return super().__call__(request)

    async def __acall__(self, request):
        SEEN.append(("middleware, async", threading.get_ident()))
        return await super().__acall__(request)


def view(request):
    SEEN.append(("view", threading.get_ident()))
    return HttpResponse(b"ok")


urlpatterns = [path("probe/", view)]


def _get(application, path_):
    async def run():
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path_,
            "raw_path": path_.encode(),
            "query_string": b"",
            "headers": [(b"host", b"testserver")],
            "client": ("127.0.0.1", 5000),
            "server": ("testserver", 80),
        }
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(5)
        body = await communicator.receive_output(5)
        await communicator.wait(5)
        SEEN.append(("event loop", threading.get_ident()))
        return start["status"], body["body"]

    # In a thread of its own with its own event loop: the browser tests' Playwright keeps a
    # loop running in this thread.
    answer = []
    thread = threading.Thread(target=lambda: answer.append(asyncio.run(run())))
    thread.start()
    thread.join(10)
    return answer[0]


def test_the_middleware_runs_synchronously_in_the_views_thread():
    """Django's own handler would call an async-capable middleware on the event loop and hop
    to a thread for each sync part; here the whole chain is one sync call in one thread."""
    SEEN.clear()
    middleware = [*settings.MIDDLEWARE, f"{__name__}.Recorder"]
    with override_settings(ROOT_URLCONF=__name__, MIDDLEWARE=middleware, ALLOWED_HOSTS=["*"]):
        status, body = _get(SyncChainASGIHandler(), "/probe/")
    assert (status, body) == (200, b"ok")
    assert [name for name, _ in SEEN] == ["middleware, sync", "view", "event loop"]
    assert SEEN[0][1] == SEEN[1][1]  # one thread for the chain and the view
    assert SEEN[1][1] != SEEN[2][1]  # and not the event loop's


def test_the_site_answers_through_the_asgi_entry_point():
    import config.asgi

    assert isinstance(config.asgi.application, SyncChainASGIHandler)
    status, _body = _get(config.asgi.application, "/staff/")
    assert status == 302  # to the sign-in: the whole chain ran (sessions, auth, OTP)
