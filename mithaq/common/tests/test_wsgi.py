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

from mithaq.common.ratelimit import client_address
from mithaq.common.wsgi import ForwardedFor

ROOT = Path(__file__).resolve().parents[3]


def probe(request):
    return HttpResponse(client_address(request).encode(), content_type="text/plain")


urlpatterns = [path("probe/", probe)]


def _call(application, remote_addr, forwarded=None):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/probe/",
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

    with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"]):
        assert _call(config.wsgi.application, "127.0.0.1", "203.0.113.9") == (
            "200 OK",
            "203.0.113.9",
        )
        # The nearest hop that is not a trusted proxy: what the client wrote itself is not.
        assert _call(config.wsgi.application, "127.0.0.1", "10.9.9.9, 198.51.100.7")[1] == (
            "198.51.100.7"
        )
        # From a peer that is not a trusted proxy the header is anyone's to write: ignored.
        assert _call(config.wsgi.application, "192.0.2.44", "203.0.113.9")[1] == "192.0.2.44"
        assert _call(config.wsgi.application, "127.0.0.1")[1] == "127.0.0.1"


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


def test_the_trusted_proxies_come_from_forwarded_allow_ips(monkeypatch):
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.0/8")
    assert _call(ForwardedFor(_echo), "10.1.2.3", "203.0.113.9")[1] == "203.0.113.9"
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
