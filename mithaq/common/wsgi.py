"""The pages' WSGI application under gunicorn: the client's address as the proxy saw it.

gunicorn puts the connection's peer in REMOTE_ADDR, and behind the proxy that is the proxy,
for every client: the sign-in lockouts (django-axes) and the portal's limits per address
(mithaq.common.ratelimit) would count everyone together. From a proxy it trusts, this takes
the client from X-Forwarded-For instead, as uvicorn's --proxy-headers does for the streams:
the nearest address in the header that is not itself a trusted proxy. The trusted proxies are
the setting FORWARDED_ALLOW_IPS (comma-separated addresses or networks, `*` for any; from the
environment variable gunicorn and uvicorn read too, and scripts/run.py hands uvicorn): none
when it is unset, so that a client's own X-Forwarded-For never changes its address (issue 19,
finding 5). A connection without an address (a Unix socket) is trusted, as gunicorn trusts it.
From a peer it does not trust, X-Forwarded-For and X-Forwarded-Proto are dropped: the latter
says whether the request came over HTTPS (SECURE_PROXY_SSL_HEADER in production)."""

import ipaddress

from django.conf import settings


def _networks(spec: str):
    if spec.strip() == "*":
        return None  # any peer
    return [
        ipaddress.ip_network(part.strip(), strict=False) for part in spec.split(",") if part.strip()
    ]


class ForwardedFor:
    def __init__(self, application, trusted: str | None = None):
        self.application = application
        if trusted is None:
            trusted = settings.FORWARDED_ALLOW_IPS
        self.trusted = _networks(trusted)

    def trusts(self, address: str) -> bool:
        if self.trusted is None:
            return True
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return not address.strip()  # a Unix socket has no address
        return any(ip in network for network in self.trusted)

    def client(self, forwarded: str) -> str:
        """The nearest untrusted address of an X-Forwarded-For, or its farthest one."""
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        for hop in reversed(hops):
            if not self.trusts(hop):
                return hop
        return hops[0] if hops else ""

    def __call__(self, environ, start_response):
        if not self.trusts(environ.get("REMOTE_ADDR", "")):
            environ.pop("HTTP_X_FORWARDED_FOR", None)
            environ.pop("HTTP_X_FORWARDED_PROTO", None)
            return self.application(environ, start_response)
        forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            client = self.client(forwarded)
            try:
                environ["REMOTE_ADDR"] = str(ipaddress.ip_address(client))
            except ValueError:  # "unknown", or garbage: the peer's address stays
                pass
        return self.application(environ, start_response)
