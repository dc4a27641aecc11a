"""Test helpers: every URL a response hands the browser, to check that no search text is in one."""

from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, unquote, urlsplit

# Attributes whose value the browser requests, follows or writes into its history.
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "hx-get",
    "hx-post",
    "hx-put",
    "hx-patch",
    "hx-delete",
    "hx-push-url",
    "hx-replace-url",
}
URL_HEADERS = ("Location", "HX-Location", "HX-Push-Url", "HX-Redirect", "HX-Replace-Url")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value:
                self.urls.append(value)
        # The language switch posts the page's address back as `next`.
        if tag == "input" and values.get("name") == "next" and values.get("value"):
            self.urls.append(values["value"])


def urls_in(response) -> list[str]:
    """The URLs of a response: its redirect and HTMX headers and, for HTML, every attribute
    the browser requests or pushes into its history."""
    urls = [response[h] for h in URL_HEADERS if response.has_header(h)]
    if not getattr(response, "streaming", False) and "html" in response.get("Content-Type", ""):
        collector = _Collector()
        collector.feed(response.content.decode())
        urls += collector.urls
    return urls


def leaks(response, *fragments: str) -> list[str]:
    """The URLs of `response` that carry a `q` parameter or hold any of `fragments` (as
    typed or percent-encoded)."""
    found = []
    for url in urls_in(response):
        names = {name for name, _value in parse_qsl(urlsplit(url).query, keep_blank_values=True)}
        plain = unquote(url)
        if "q" in names or any(f in plain or quote(f) in url for f in fragments):
            found.append(url)
    return found
