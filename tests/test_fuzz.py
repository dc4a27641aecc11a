"""Bad input never answers 5xx: every named URL, its path's parameters and every query or
form field the code reads, sent out-of-range integers, non-numbers, NUL and long strings."""

import re
import sys
from pathlib import Path

import pytest
from django import forms
from django.urls import NoReverseMatch, resolve, reverse

from tests.access_personas import LOGIN
from tests.test_access_matrix import full_matrix, world  # noqa: F401

# A whole-site check: with PostgreSQL present it runs in that pass only (Makefile).
pytestmark = pytest.mark.site

BAD_VALUES = [
    "9223372036854775808",  # one past PostgreSQL's bigint and SQLite's integer
    "-9223372036854775809",
    "99999999999999999999999999999999",
    "abc",
    "1e5",
    "nul\x00byte",
    "x" * 5000,
    "",
]
# Path parameters: a NUL in a path is refused by the client itself, and an empty one does
# not reverse.
# Each of a view's own fields alone gets these (every value for every field would take minutes).
BAD_ALONE = ["9223372036854775808", "abc", "nul\x00byte"]
BAD_PATH_VALUES = [v for v in BAD_VALUES if v and "\x00" not in v]
READ = re.compile(r"request\.(?:GET|POST)(?:\.get|\.getlist)?[\[(]\"([a-z_0-9]+)\"")


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def field_names() -> list[str]:
    """Every name a view reads from the query or the form: read by hand in the code, or a
    field of one of our forms."""
    names = {"page", "q", "sort", "order", "next"}
    for path in (Path(__file__).parent.parent / "mithaq").rglob("*.py"):
        names.update(READ.findall(path.read_text()))
    for form in _subclasses(forms.BaseForm):
        if form.__module__.startswith("mithaq."):
            names.update(getattr(form, "base_fields", {}))
    return sorted(names)


def view_field_names(url: str) -> list[str]:
    """The names the URL's own view module reads, by hand or through the forms it names."""
    func = resolve(url).func
    func = getattr(func, "view_class", func)
    module = sys.modules[func.__module__]
    names = set(READ.findall(Path(module.__file__).read_text()))
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, forms.BaseForm):
            names.update(getattr(value, "base_fields", {}))
    return sorted(names | {"page"})


PREFERRED = ["office_manager", "officer_a", "reception", "manager_college_a", "leader", "admin"]


def persona_for(expected: dict) -> str:
    allowed = [p for p, status in expected.items() if status not in (404, LOGIN)]
    for persona in PREFERRED + allowed:
        if persona in allowed:
            return persona
    return "anonymous"


# The URLs are shared among this many tests, so that test workers take them in parallel
# (alone, one test took three minutes).
SHARDS = 6


@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_url_answers_5xx_to_bad_input(client, world, shard):  # noqa: F811
    names = field_names()
    failures = []
    for url_name, (method, args, expected) in sorted(full_matrix().items())[shard::SHARDS]:
        persona = persona_for(expected)
        client.logout()
        if persona != "anonymous":
            client.force_login(getattr(world["org"], persona))
        good_args = args(world)
        urls = [reverse(url_name, args=good_args)]
        for i in range(len(good_args)):
            for bad in BAD_PATH_VALUES:
                try:
                    urls.append(reverse(url_name, args=[*good_args[:i], bad, *good_args[i + 1 :]]))
                except NoReverseMatch:
                    continue
        own = view_field_names(urls[0])
        for url in urls:
            # Every name at once, then each of the view's own names alone (a bad value in
            # one field may stop a form before another field is read).
            # A URL with a bad path parameter gets no query (its bad part is the path) and
            # one with every name: its path is refused before a field is read, or not at all.
            if url == urls[0]:
                tries = [dict.fromkeys(names, bad) for bad in BAD_VALUES]
                tries += [{name: bad} for name in own for bad in BAD_ALONE]
            else:
                tries = [{}, dict.fromkeys(names, BAD_VALUES[0])]
            for data in tries:
                bad = next(iter(data.values()), "")
                for verb in {"get", method}:
                    try:
                        status = getattr(client, verb)(url, data).status_code
                    except Exception as exc:  # noqa: BLE001 - each one is a failure listed
                        status = f"{type(exc).__name__}: {str(exc)[:100]}"
                    if not isinstance(status, int) or status >= 500:
                        failures.append(f"{verb} {url_name} {url[:60]} {bad[:20]!r}: {status}")
                        break
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("url", "method", "data", "persona"),
    [
        ("/submit/services/", "get", {"unit": "9223372036854775808"}, "anonymous"),
        ("/staff/", "get", {"page": "9223372036854775808"}, "office_manager"),
        ("/staff/audit/confidential-reads/", "get", {"page": "9223372036854775808"}, "auditor"),
        ("/submit/service_request/", "post", {"unit": "9223372036854775808"}, "anonymous"),
    ],
)
def test_reported_inputs_answer_below_500(client, world, url, method, data, persona):  # noqa: F811
    """The inputs the outside attack run found answering 500 (issue 19, finding 8)."""
    if persona != "anonymous":
        client.force_login(getattr(world["org"], persona))
    response = getattr(client, method)(url.format(hall=world["hall"]), data)
    assert response.status_code in (200, 302, 400, 404)


@pytest.mark.parametrize("ticket", ["abc", "9223372036854775808", ""])
def test_resuming_a_ticket_that_is_not_a_number_is_404(client, world, ticket):  # noqa: F811
    client.force_login(world["org"].officer_a)
    assert client.post(f"/hall/{world['hall']}/window/1/open/").status_code == 302
    response = client.post(f"/hall/{world['hall']}/window/1/resume/", {"ticket": ticket})
    assert response.status_code == 404
