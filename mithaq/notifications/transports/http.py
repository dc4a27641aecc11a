"""The one place that speaks HTTP to a gateway: stdlib only, a timeout always, and the
status mapped to permanent (4xx but 408/429) or transient (5xx, 408, 429, network)."""

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from . import TransportError


@dataclass(frozen=True)
class Response:
    status: int
    body: str


def request(
    url: str,
    *,
    method: str = "POST",
    params: dict | None = None,
    json_body: dict | None = None,
    headers: dict | None = None,
    timeout: float = 10,
) -> Response:
    if not url.startswith(("http://", "https://")):
        raise TransportError(f"not an http(s) URL: {url!r}", permanent=True)
    headers = dict(headers or {})
    data = None
    if method == "GET" and params:
        url = f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(params)}"
    elif json_body is not None:
        data = json.dumps(json_body, ensure_ascii=False).encode()
        headers.setdefault("Content-Type", "application/json; charset=utf-8")
    elif params is not None:
        data = urllib.parse.urlencode(params).encode()
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
    req = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=timeout) as answer:  # noqa: S310
            return Response(answer.status, answer.read(65536).decode("utf-8", "replace"))
    except urllib.error.HTTPError as exc:
        body = exc.read(65536).decode("utf-8", "replace") if exc.fp else ""
        permanent = 400 <= exc.code < 500 and exc.code not in (408, 425, 429)
        raise TransportError(
            f"HTTP {exc.code}: {body[:200]}", permanent=permanent, http_status=exc.code
        ) from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        raise TransportError(f"network: {exc}", permanent=False) from exc


def auth_headers(kind: str, *, username: str = "", secret: str = "", header: str = "") -> dict:
    if kind == "basic":
        token = base64.b64encode(f"{username}:{secret}".encode()).decode()
        return {"Authorization": f"Basic {token}"}
    if kind == "bearer":
        return {"Authorization": f"Bearer {secret}"}
    if kind == "header":
        return {header or "X-API-Key": secret}
    return {}
