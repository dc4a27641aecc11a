"""The pages are served through WSGI (gunicorn) behind a proxy: docs/decisions/0008."""

import datetime
import io
import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from mithaq.common.ratelimit import client_address, over_limit
from mithaq.common.wsgi import ForwardedFor

ROOT = Path(__file__).resolve().parents[3]


def probe(request):
    return HttpResponse(client_address(request).encode(), content_type="text/plain")


urlpatterns = [path("probe/", probe)]


def _call(application, remote_addr, forwarded=None, *, path="/probe/", proto=None):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": remote_addr,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }
    if forwarded is not None:
        environ["HTTP_X_FORWARDED_FOR"] = forwarded
    if proto is not None:
        environ["HTTP_X_FORWARDED_PROTO"] = proto
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = status

    body = b"".join(application(environ, start_response))
    return answer["status"], body.decode()


@pytest.mark.django_db
def test_behind_the_proxy_a_page_sees_the_clients_address_not_the_proxys():
    """What gunicorn serves (config.wsgi) gives the rate limits and lockouts the address the
    proxy forwarded: else every citizen would share the proxy's 127.0.0.1, and one of them
    would use up the tracking attempts of all."""
    import config.wsgi

    with override_settings(
        ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"], FORWARDED_ALLOW_IPS="127.0.0.1"
    ):
        application = ForwardedFor(config.wsgi.application.application)
        assert _call(application, "127.0.0.1", "203.0.113.9") == ("200 OK", "203.0.113.9")
        # The nearest hop that is not a trusted proxy: what the client wrote itself is not.
        assert _call(application, "127.0.0.1", "10.9.9.9, 198.51.100.7")[1] == "198.51.100.7"
        # From a peer that is not a trusted proxy the header is anyone's to write: ignored.
        assert _call(application, "192.0.2.44", "203.0.113.9")[1] == "192.0.2.44"
        assert _call(application, "127.0.0.1")[1] == "127.0.0.1"


def limited_probe(request):
    """A view limited per address as the portal's are (mithaq.common.ratelimit)."""
    if over_limit(f"probe:{client_address(request)}", limit=3, window=60):
        return HttpResponse(b"blocked", status=429)
    return HttpResponse(client_address(request).encode())


urlpatterns.append(path("limited/", limited_probe))


@pytest.mark.django_db
def test_a_client_rotating_x_forwarded_for_does_not_escape_a_limit():
    """By default no proxy is trusted (FORWARDED_ALLOW_IPS unset): a local client writing a
    new X-Forwarded-For each time is still one address, and its fourth request is refused.
    Before issue 19 (finding 5) 127.0.0.1 was trusted, and each request was a new client."""
    import config.wsgi

    with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"]):
        application = ForwardedFor(config.wsgi.application.application)
        answers = [
            _call(application, "127.0.0.1", f"203.0.113.{n}", path="/limited/") for n in range(1, 6)
        ]
    assert [status for status, _body in answers] == ["200 OK"] * 3 + ["429 Too Many Requests"] * 2
    assert answers[0][1] == "127.0.0.1"


def test_the_x_forwarded_proto_of_an_untrusted_peer_is_dropped():
    """Production takes HTTPS from the proxy's X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER):
    a client's own header must not make plain HTTP look secure."""
    seen = {}

    def keep(environ, start_response):
        seen.update(environ)
        return _echo(environ, start_response)

    _call(ForwardedFor(keep, ""), "192.0.2.44", "203.0.113.9", proto="https")
    assert "HTTP_X_FORWARDED_PROTO" not in seen and "HTTP_X_FORWARDED_FOR" not in seen
    _call(ForwardedFor(keep, "192.0.2.44"), "192.0.2.44", "203.0.113.9", proto="https")
    assert seen["HTTP_X_FORWARDED_PROTO"] == "https"


def _echo(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [environ["REMOTE_ADDR"].encode()]


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded", "seen"),
    [
        ("127.0.0.1,::1", "::1", "203.0.113.9", "203.0.113.9"),
        ("10.0.0.0/8", "10.1.2.3", "203.0.113.9, 10.4.4.4", "203.0.113.9"),  # two proxies
        ("10.0.0.0/8", "10.1.2.3", "10.5.5.5, 10.4.4.4", "10.5.5.5"),  # all trusted: the first
        ("10.0.0.0/8", "127.0.0.1", "203.0.113.9", "127.0.0.1"),  # not a trusted peer
        ("*", "192.0.2.1", "203.0.113.9", "203.0.113.9"),
        ("127.0.0.1", "127.0.0.1", "unknown", "127.0.0.1"),  # not an address: kept
        ("127.0.0.1", "", "203.0.113.9", "203.0.113.9"),  # a Unix socket: trusted
    ],
)
def test_the_forwarded_client_is_the_nearest_untrusted_hop(trusted, peer, forwarded, seen):
    assert _call(ForwardedFor(_echo, trusted), peer, forwarded)[1] == seen


def test_the_trusted_proxies_come_from_the_forwarded_allow_ips_setting(settings):
    settings.FORWARDED_ALLOW_IPS = "10.0.0.0/8"
    assert _call(ForwardedFor(_echo), "10.1.2.3", "203.0.113.9")[1] == "203.0.113.9"
    assert _call(ForwardedFor(_echo), "127.0.0.1", "203.0.113.9")[1] == "127.0.0.1"


def test_by_default_no_proxy_is_trusted(settings):
    settings.FORWARDED_ALLOW_IPS = ""
    assert _call(ForwardedFor(_echo), "127.0.0.1", "203.0.113.9")[1] == "127.0.0.1"


def test_gunicorns_access_log_keeps_the_path_and_drops_a_searched_phone(tmp_path):
    """config/gunicorn.py's format, through gunicorn's own logger: neither the request line
    nor the referring page carries the query string into the log."""
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    cfg = Config()
    for name, value in runpy.run_path(str(ROOT / "config" / "gunicorn.py")).items():
        if name in cfg.settings:
            cfg.set(name, value)
    log_file = tmp_path / "access.log"
    cfg.set("accesslog", str(log_file))
    logger = Logger(cfg)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/staff/?q=07701234567&state=open",
        "PATH_INFO": "/staff/",
        "QUERY_STRING": "q=07701234567&state=open",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": "https://mithaq.example.org/staff/?q=07701234567",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    logger.access(
        response,
        SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])]),
        environ,
        datetime.timedelta(milliseconds=7),
    )
    for handler in logging.getLogger("gunicorn.access").handlers:
        handler.flush()
    line = log_file.read_text()
    assert '"GET /staff/ HTTP/1.1" 200 512 7ms' in line
    assert line.startswith("203.0.113.9 ")
    assert "0770" not in line and "state=" not in line
