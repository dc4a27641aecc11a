"""Searches kept under short random keys, so that what staff type into a search box (often a
phone number or a national ID) never travels in a URL.

A search box posts its text; the view keeps it here and answers with a redirect (303) to an
address that carries only its key (`?s=<key>`), beside the filters that name nobody
(state, kind, unit...). Paging, sorting, exports and saved filters pass the key on; the page
resolves it back into the text. So the text stays out of the browser's history, of the
`next=` of the sign-in and second-factor redirects, and of every log. A session keeps its
last KEEP searches; a key it no longer knows (another session's, an old one) shows the page
without the search, saying so, never another search or an error.

Where they are kept: in the cache (Redis when REDIS_URL is set, as it must be for more than
one server process; else this process's memory), under a random id that the session holds,
for as long as a session lives, and forgotten at sign-out. The session itself is written once,
when it gets its id: a box that searches as it is typed would otherwise rewrite the whole
session in the database at every search (2.5 ms of a 16 ms answer, measured in process at
1,000,000 cases). If the cache loses them (a restart), their pages say the search is lost.
"""

import re
import secrets
from collections.abc import Iterable
from functools import wraps
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

SESSION_KEY = "mithaq_searches"  # in the session: the random id of its searches' place
KEEP = 20
KEY = "s"  # the URL parameter that carries a search's key
TEXT = "q"  # the form field that carries its text (never read from a URL)
MAX_LENGTH = 200  # as the inbox's search field
_KEY_SHAPE = re.compile(r"^[A-Za-z0-9_-]{8,16}$")
_ID_SHAPE = re.compile(r"^[A-Za-z0-9_-]{22}$")
_MEMO = "_mithaq_recent_searches"  # on the request: what was read from the cache


def _cache_key(request, *, create: bool = False) -> str | None:
    ident = request.session.get(SESSION_KEY)
    if not isinstance(ident, str) or not _ID_SHAPE.match(ident):
        if not create:
            return None
        ident = secrets.token_urlsafe(16)
        request.session[SESSION_KEY] = ident
    return f"mithaq:searches:{ident}"


def _kept(request) -> list[list[str]]:
    memo = getattr(request, _MEMO, None)
    if memo is not None:
        return memo
    key = _cache_key(request)
    kept = cache.get(key) if key else None
    if not isinstance(kept, list):
        kept = []
    kept = [p for p in kept if isinstance(p, list) and len(p) == 2]
    setattr(request, _MEMO, kept)
    return kept


def remember(request, text: str) -> str:
    """The key of `text` among this session's recent searches: the same text keeps its key
    (a filter changed beside it, the box searching as it is typed), a new one gets a fresh
    key, and the oldest beyond KEEP are forgotten."""
    text = (text or "").strip()[:MAX_LENGTH]
    kept = _kept(request)
    if kept and kept[0][1] == text:
        return kept[0][0]  # nothing changes: nothing is written
    key = next((k for k, t in kept if t == text), None) or secrets.token_urlsafe(8)
    kept = [[key, text], *(p for p in kept if p[0] != key)][:KEEP]
    cache.set(_cache_key(request, create=True), kept, timeout=settings.SESSION_COOKIE_AGE)
    setattr(request, _MEMO, kept)
    return key


def recall(request, key: str | None) -> str | None:
    """The text kept under `key` in this session, or None if it is not (or no longer) kept."""
    if not key or not _KEY_SHAPE.match(key):
        return None
    return next((t for k, t in _kept(request) if k == key), None)


def forget(request) -> None:
    """Drop this session's searches (at sign-out: mithaq.search.apps)."""
    key = _cache_key(request)
    if key:
        cache.delete(key)
    setattr(request, _MEMO, [])


def url_pairs(request, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """A filter's parameters as a URL may carry them: the search text (`q`) kept in the
    session's searches and replaced by its key (`s`); empty values left out."""
    out = []
    for name, value in pairs:
        if not value:
            continue
        if name == TEXT:
            if value.strip():
                out.append((KEY, remember(request, value)))
        elif name != KEY:
            out.append((name, value))
    return out


def resolve(request, params: QueryDict) -> tuple[QueryDict, bool]:
    """A URL's parameters (`s=<key>`) as the page's filter reads them (`q=<text>`), and
    whether the URL named a search this session does not know (`lost`). A `q` in the URL
    itself is never used."""
    data = params.copy()
    data.pop(TEXT, None)
    key = (data.pop(KEY, None) or [""])[-1]
    if not key:
        return data, False
    text = recall(request, key)
    if text is None:
        return data, True
    data[TEXT] = text
    return data, False


def see_other(url: str) -> HttpResponseRedirect:
    """A 303 redirect: after a POST the browser fetches the page with GET."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def address(url: str, query: str = "") -> str:
    """`url` with the query string `query`, if there is one."""
    return f"{url}?{query}" if query else url


def with_params(url: str, pairs: Iterable[tuple[str, str]]) -> str:
    return address(url, urlencode(list(pairs)))


def filter_url(request, view_name: str, source, fields: Iterable[str]) -> str:
    """The address of the page `view_name` for the filter (and search text) of `source` (a
    POST, or a saved filter's query as a QueryDict), with the text kept for the session."""
    pairs = [(name, source.get(name, "")) for name in fields]
    return with_params(reverse(view_name), url_pairs(request, pairs))


def answer_post(url: str, results, *, results_only: bool) -> HttpResponse:
    """A posted filter bar's answer, once its text is kept (`url` carries the key): without
    HTMX a 303 to `url`; from HTMX (the bar as it is typed in) `results(params)` for `url`'s
    own parameters at once, with `url` pushed into the address bar: one round trip, not two."""
    if not results_only:
        return see_other(url)
    response = results(QueryDict(urlsplit(url).query))
    response["HX-Push-Url"] = url
    return response


def page_params(context) -> QueryDict:
    """The parameters of the address a page is for: its own, or those of the address a
    posted filter's answer pushes (`query_params`, see answer_post), for paging and export
    links that go on from it."""
    params = context.get("query_params")
    return context["request"].GET if params is None else params


def text_kept_out_of_urls(view=None, *, to: str | None = None):
    """Put before the sign-in gate of a page with a search box: a GET whose query string
    carries search text (`q`, from an old link or bookmark) is sent (303) to the same page
    (or to the page named `to`) without it, so that the text goes no further (into `next=`,
    the history, a log). The search is not run from the URL: it is typed again."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in ("GET", "HEAD") and TEXT in request.GET:
                params = request.GET.copy()
                del params[TEXT]
                target = reverse(to) if to else request.path
                if request.user.is_authenticated:
                    messages.info(
                        request,
                        _(
                            "For privacy, searches are no longer kept in page addresses: "
                            "type the search again."
                        ),
                    )
                return see_other(address(target, params.urlencode()))
            return view(request, *args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate
