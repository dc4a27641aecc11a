"""The inbox's search never travels in a URL: it is posted, kept in the session under a key,
and the pages, paging, exports, saved filters and bulk actions pass the key on."""

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory
from django.urls import reverse

from mithaq.common import recent
from mithaq.search.models import SavedFilter
from mithaq.search.testing import leaks, urls_in
from mithaq.testing import make_case

INBOX = reverse("cases:inbox")
PHONE_TYPED = "٠٧٧٠ ١٢٣ ٤٥٦٧"
# Whatever way the phone could show up in an address.
PHONE_PARTS = ("7701234567", "770 123", "٠٧٧٠", "١٢٣")
LOST_NOTE = "search-lost"


def key_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["s"][0]


def search(client, **params):
    """Post the filter bar; returns the 303 answer."""
    response = client.post(INBOX, params)
    assert response.status_code == 303, response.status_code
    return response


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.fixture
def cases(org):
    zainab = make_case(
        org, subject="تأخر توقيع الأستاذة", citizen_name="زينب", citizen_phone="+9647701234567"
    )
    other = make_case(org, subject="انقطاع الإنترنت", citizen_phone="+9647801112222")
    theirs = make_case(org, unit=org.dept_b, subject="تأخر التدريب", citizen_phone="+9647701234567")
    return zainab, other, theirs


# --- The session's recent searches ---------------------------------------------------------


def _request():
    request = RequestFactory().get("/")
    request.session = SessionStore()
    return request


def test_the_same_text_keeps_its_key_and_a_session_keeps_its_last_searches(db):
    request = _request()
    first = recent.remember(request, " 07701234567 ")
    assert 8 <= len(first) <= 16 and "7701" not in first
    assert recent.remember(request, "07701234567") == first
    assert recent.recall(request, first) == "07701234567"
    for n in range(recent.KEEP):
        recent.remember(request, f"word {n}")
    assert recent.recall(request, first) is None  # the oldest is forgotten
    assert recent.recall(request, recent.remember(request, "word 3")) == "word 3"
    # The session holds only the id of their place; the texts are in the cache.
    assert "word" not in str(dict(request.session.items()))
    assert len(recent._kept(_again(request))) == recent.KEEP


def _again(request_or_session):
    """The next request of the same session (nothing remembered on the request)."""
    later = RequestFactory().get("/")
    later.session = getattr(request_or_session, "session", request_or_session)
    return later


def test_searches_outlive_the_request_and_are_forgotten_at_sign_out(org, login):
    client = login(org.officer_a)
    posted = search(client, q=PHONE_TYPED)
    key = key_of(posted["Location"])
    assert LOST_NOTE not in client.get(posted["Location"]).content.decode()
    session = client.session
    assert PHONE_TYPED not in str(dict(session.items()))
    assert recent.recall(_again(session), key) == PHONE_TYPED
    client.post(reverse("accounts:logout"))
    assert recent.recall(_again(session), key) is None


def test_a_session_is_written_once_for_its_searches_not_at_each_one(org, login):
    from django.contrib.sessions.models import Session

    client = login(org.officer_a)
    search(client, q="first")
    saved = Session.objects.get().session_data
    for text in ("second", "07701234567", "third"):
        search(client, q=text)
    assert Session.objects.get().session_data == saved


def test_another_session_does_not_know_the_key(db):
    mine, theirs = _request(), _request()
    key = recent.remember(mine, "07701234567")
    assert recent.recall(theirs, key) is None
    for bad in ("", None, "../../etc", "x" * 40, "short"):
        assert recent.recall(mine, bad) is None


# --- The inbox ---------------------------------------------------------------------------


def test_a_phone_search_never_appears_in_a_url(org, login, cases):
    zainab, other, theirs = cases
    client = login(org.officer_a)
    posted = search(client, q=PHONE_TYPED, state="open", kind="complaint")
    assert posted["Location"].startswith(INBOX + "?s=")
    assert "state=open" in posted["Location"] and "kind=complaint" in posted["Location"]
    assert not leaks(posted, *PHONE_PARTS)
    page = client.get(posted["Location"])
    body = page.content.decode()
    assert zainab.code in body and other.code not in body and theirs.code not in body
    assert f'value="{PHONE_TYPED}"' in body  # the box keeps what was typed, in the page only
    urls = urls_in(page)
    assert any(u.startswith(reverse("search:export", args=["csv"]) + "?s=") for u in urls)
    assert not leaks(page, *PHONE_PARTS), leaks(page, *PHONE_PARTS)
    # The HTMX answer (the results swapped in) and the panels it loads are as clean.
    partial = client.post(
        INBOX,
        {"q": PHONE_TYPED},
        follow=True,
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="inbox-results",
    )
    assert zainab.code in partial.content.decode() and "<h1" not in partial.content.decode()
    assert not leaks(partial, *PHONE_PARTS)
    panel_url = next(u for u in urls if u.startswith(reverse("search:filters")))
    panel = client.get(panel_url, HTTP_HX_REQUEST="true")
    assert "save-filter" in panel.content.decode()
    assert PHONE_TYPED not in panel.content.decode()  # not even in the hidden field
    assert not leaks(panel, *PHONE_PARTS)


def test_a_filter_changed_beside_the_search_keeps_its_key(org, login, cases):
    client = login(org.officer_a)
    first = key_of(search(client, q="الأستاذة")["Location"])
    second = search(client, q="الأستاذة", state="received")["Location"]
    assert key_of(second) == first
    assert key_of(search(client, q="07701234567")["Location"]) != first
    # No text, no key: the other filters only.
    assert search(client, q="  ", state="open")["Location"] == INBOX + "?state=open"


def test_paging_keeps_the_search(org, login):
    for i in range(27):
        make_case(org, subject=f"تأخير المختبر {i}")
    make_case(org, subject="قاعة باردة")
    client = login(org.officer_a)
    location = search(client, q="المختبر")["Location"]
    first = client.get(location)
    assert first.content.decode().count('class="code"') == 25
    next_url = next(u for u in urls_in(first) if "page=2" in u)
    assert key_of(next_url) == key_of(location)
    second = client.get(INBOX + next_url).content.decode()
    assert second.count('class="code"') == 2 and "قاعة باردة" not in second
    assert LOST_NOTE not in second


def test_the_filter_bar_typed_in_gets_its_results_in_one_answer(org, login):
    """HTMX (the box searching as it is typed): the POST answers with the results, and the
    address it pushes carries the key, which a reload or a new tab resolves the same way."""
    for i in range(27):
        make_case(org, subject=f"تأخير المختبر {i}", citizen_phone="+9647701234567")
    make_case(org, subject="قاعة باردة", citizen_phone="+9647801112222")
    client = login(org.officer_a)
    answer = client.post(
        INBOX, {"q": PHONE_TYPED}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="inbox-results"
    )
    body = answer.content.decode()
    assert answer.status_code == 200 and "<h1" not in body
    assert body.count('class="code"') == 25 and "قاعة باردة" not in body
    pushed = answer["HX-Push-Url"]
    assert pushed.startswith(INBOX + "?s=") and not leaks(answer, *PHONE_PARTS)
    # The next page and the exports go on from the pushed address.
    next_url = next(u for u in urls_in(answer) if "page=2" in u)
    assert key_of(next_url) == key_of(pushed)
    assert any(
        u.startswith(reverse("search:export", args=["csv"])) and key_of(u) == key_of(pushed)
        for u in urls_in(answer)
    )
    reloaded = client.get(pushed).content.decode()
    assert reloaded.count('class="code"') == 25 and LOST_NOTE not in reloaded
    # Without HTMX the form still answers with a redirect to that address.
    assert search(client, q=PHONE_TYPED)["Location"] == pushed


def test_an_unknown_key_shows_the_inbox_without_the_search_and_says_so(org, login, cases):
    zainab, other, _theirs = cases
    client = login(org.officer_a)
    for key in ("AbCdEfGh12", "not a key at all"):
        page = client.get(INBOX, {"s": key, "state": "open"})
        body = page.content.decode()
        assert page.status_code == 200
        assert LOST_NOTE in body and zainab.code in body and other.code in body
    partial = client.get(
        INBOX, {"s": "AbCdEfGh12"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="inbox-results"
    )
    assert LOST_NOTE in partial.content.decode()


def test_another_persons_key_is_not_theirs_to_use(org, login, cases):
    zainab, _other, _theirs = cases
    url = search(login(org.officer_a), q="الأستاذة")["Location"]
    stranger = Client()
    stranger.force_login(org.office_manager)
    body = stranger.get(url).content.decode()
    assert LOST_NOTE in body and 'value="الأستاذة"' not in body


def test_an_old_link_with_the_text_is_sent_on_without_it(org, login, cases):
    zainab, _other, _theirs = cases
    # Before the sign-in gate: next= never carries the text.
    anonymous = Client().get(INBOX, {"q": "07701234567", "state": "open"})
    assert anonymous.status_code == 303 and anonymous["Location"] == INBOX + "?state=open"
    to_sign_in = Client().get(anonymous["Location"])
    assert "7701234567" not in to_sign_in["Location"]
    client = login(org.officer_a)
    response = client.get(INBOX, {"q": "07701234567", "state": "open"})
    assert response.status_code == 303 and response["Location"] == INBOX + "?state=open"
    page = client.get(response["Location"])
    assert "flash" in page.content.decode()  # it says why
    assert 'value="07701234567"' not in page.content.decode()  # the search was not run


# --- Export, saved filters, bulk actions ----------------------------------------------------


def test_export_honours_the_search_and_access(org, login, cases):
    zainab, _other, theirs = cases
    client = login(org.officer_a)
    page = client.get(search(client, q=PHONE_TYPED)["Location"])
    export_url = next(u for u in urls_in(page) if "/export/csv/" in u)
    rows = csv_rows(client.get(export_url))
    assert [r[0] for r in rows[1:]] == [zainab.code]  # not unit B's case with the same phone
    # The same address in another session is not that search: back to the inbox, saying so.
    stranger = Client()
    stranger.force_login(org.officer_b)
    response = stranger.get(export_url)
    assert response.status_code == 303 and response["Location"].startswith(INBOX + "?s=")
    # Their own search for the phone exports only what they may see.
    stranger_page = stranger.get(search(stranger, q=PHONE_TYPED)["Location"])
    url = next(u for u in urls_in(stranger_page) if "/export/csv/" in u)
    assert [r[0] for r in csv_rows(stranger.get(url))[1:]] == [theirs.code]


def test_an_old_export_link_with_the_text_exports_nothing(org, login, cases):
    client = login(org.officer_a)
    response = client.get(reverse("search:export", args=["csv"]), {"q": "07701234567"})
    assert response.status_code == 303 and response["Location"] == INBOX
    assert not response.has_header("Content-Disposition")


def test_a_saved_search_is_applied_through_a_key(org, login, cases):
    zainab, other, _theirs = cases
    client = login(org.officer_a)
    url = search(client, q=PHONE_TYPED, state="open")["Location"]
    query = urlsplit(url).query
    saved = client.post(reverse("search:filters"), {"name": "هاتف زينب", "query": query})
    assert saved.status_code == 303 and not leaks(saved, *PHONE_PARTS)
    stored = SavedFilter.objects.get(user=org.officer_a)
    assert parse_qs(stored.query) == {"q": [PHONE_TYPED], "state": ["open"]}
    listing = client.get(reverse("search:filters"))
    apply_url = reverse("search:apply_filter", args=[stored.pk])
    assert apply_url in urls_in(listing) and not leaks(listing, *PHONE_PARTS)
    # Applied in a new session (signed in again): the text is kept in that one.
    fresh = Client()
    fresh.force_login(org.officer_a)
    applied = fresh.get(apply_url)
    assert applied.status_code == 303 and not leaks(applied, *PHONE_PARTS)
    body = fresh.get(applied["Location"]).content.decode()
    assert zainab.code in body and other.code not in body and LOST_NOTE not in body
    other_person = Client()
    other_person.force_login(org.officer_a2)
    assert other_person.get(apply_url).status_code == 404


def test_saving_a_search_this_session_no_longer_keeps_is_refused(org, login):
    client = login(org.officer_a)
    response = client.post(
        reverse("search:filters"), {"name": "x", "query": "s=AbCdEfGh12&state=open"}
    )
    assert response.status_code == 400
    # Next to the form, in the user's language (Arabic by default).
    assert "لم يعد هذا البحث محفوظًا: ابحث مرة أخرى ثم احفظه." in response.content.decode()
    assert not SavedFilter.objects.exists()


def test_a_bulk_action_returns_to_the_same_search(org, login, cases):
    zainab, _other, _theirs = cases
    client = login(org.officer_a)
    url = search(client, q=PHONE_TYPED)["Location"]
    response = client.post(
        reverse("search:bulk"),
        {
            "bulk-action": "assign",
            "bulk-cases": [zainab.code],
            "bulk-assignee": org.officer_a.pk,
            "bulk-back": urlsplit(url).query,
        },
    )
    assert response["Location"] == url
    page = client.get(response["Location"]).content.decode()
    assert zainab.code in page and LOST_NOTE not in page
