"""The walk-in hall in a real browser, three pages at once: the kiosk issues a ticket, the
officer calls it and the display in the hall shows it within one second (measured), the
visitor's phone follows the ticket, the officer opens a case from the visit and finishes it.
Also the display's screenshots at 1920x1080, in Arabic and in English.

Why these pages are served by uvicorn started here, not by pytest-django's `live_server`:
the display's stream is an async generator that waits on the channels layer. The live server
is a threaded WSGI server: Django can only serve an async stream there by reading it to the
end first (an endless stream never starts), and a sync generator calling the layer through
`async_to_sync` would give every call its own event loop, which the in-memory layer's queues
do not survive (they belong to one loop). So the whole site is served as in production,
`config.asgi` under uvicorn, in a thread of the test process: it sees the test database
(SQLite's shared in-memory database, or the PostgreSQL test database) and shares the
in-memory channel layer with the views that publish. Every request's sync part runs in one
thread (Django would give each request a thread of its own), so that SQLite's shared-cache
table locks never meet two writers.
"""

import socket
import threading
import time
from unittest import mock

import pytest
from django.conf import settings

from mithaq.walkin import live, services
from mithaq.walkin.testing import make_hall
from tests.browser.conftest import sign_in, wait_for_js

pytestmark = pytest.mark.browser

TV = {"width": 1920, "height": 1080}


class _OneThread:
    """Stands in for asgiref's ThreadSensitiveContext: no thread per request."""

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc_info):
        return False


class Site:
    """The site under uvicorn in a thread of this process, on a fixed port (so that it can be
    stopped and started again where the pages expect it)."""

    def __init__(self):
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
        from django.core.asgi import get_asgi_application

        self.app = ASGIStaticFilesHandler(get_asgi_application())
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = self.thread = None

    def start(self):
        import uvicorn

        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        config = uvicorn.Config(
            self.app, lifespan="off", log_level="warning", timeout_graceful_shutdown=1
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert self.server.started, "uvicorn did not start"

    def stop(self):
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def live_site(transactional_db, monkeypatch):
    """The running `Site`. Ask for it before `new_page`, so that the pages close (and their
    streams end) before the server stops."""
    from channels.layers import InMemoryChannelLayer, channel_layers

    monkeypatch.setattr("django.core.handlers.asgi.ThreadSensitiveContext", _OneThread)
    old_layer = channel_layers.set("default", InMemoryChannelLayer())
    site = Site()
    site.start()
    yield site
    site.stop()
    channel_layers.set("default", old_layer)


@pytest.fixture
def site(live_site):
    """The running site's base URL."""
    return live_site.url


def offline():
    """Changes made by the test itself, not by the server: the display hears of them only
    when it (re)connects. (Publishing needs the server's event loop: the in-memory layer
    lives there, and Playwright keeps a loop of its own running in the test's thread.)"""
    return mock.patch.object(live, "publish_hall_event")


def start_display(page, base, code, query="", screenshot=None):
    page.goto(f"{base}/hall/{code}/display/{query}")
    if screenshot:
        screenshot(page, "display-1920-start-ar")
    page.locator("#start-button").click()
    wait_for_js(page, "document.body.dataset.status === 'live'")


def test_ticket_from_kiosk_to_display_to_case(site, new_page, org, screenshot):
    world = make_hall(org)
    hall = world.hall.code

    # The TV in the hall, started once (the click lets it play sound).
    display = new_page(locale="ar", viewport=TV)
    start_display(display, site, hall)
    assert display.locator("h1").inner_text().startswith("قاعة المراجعين")

    # The office manager enrols the kiosk's browser from the hall's supervision page, and
    # signs out: only an enrolled browser takes tickets (mithaq.walkin.kiosk).
    kiosk = new_page(locale="ar")
    sign_in(kiosk, org.office_manager, base=site)
    kiosk.goto(f"{site}/hall/{hall}/supervise/")
    kiosk.fill("#kiosk-label", "كشك الباب")
    kiosk.locator("form[action$='/kiosk/enrol/'] button").click()
    kiosk.locator("#kiosk-devices").get_by_text("كشك الباب").wait_for()
    screenshot(kiosk, "hall-00-kiosk-enrolled-ar")
    kiosk.locator("form[action$='/logout/'] button").click()
    kiosk.wait_for_url("**/login/")

    # A visitor takes a number for transcripts at the kiosk.
    kiosk.goto(f"{site}/hall/{hall}/kiosk/")
    kiosk.locator(f"button.kiosk-button[value='{world.transcripts.pk}']").click()
    kiosk.wait_for_url("**/print/?kiosk=1")
    screenshot(kiosk, "hall-01-kiosk-ticket-ar")
    ticket = world.hall.tickets.get()
    assert ticket.code == "A001"
    # The display counts the waiting ticket as soon as it is issued, in the institution's
    # digits (MITHAQ_DIGITS: Western unless it writes Arabic-Indic).
    one = "\u0661" if settings.MITHAQ_DIGITS == "arabic-indic" else "1"
    wait_for_js(
        display,
        "one => [...document.querySelectorAll('#waiting .d-wait')].some("
        "li => li.textContent.includes('A') && li.querySelector('.d-count').textContent === one)",
        arg=one,
    )

    # The visitor follows the ticket on their phone (the receipt's QR code).
    phone = new_page(locale="ar", viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.goto(f"{site}/hall/t/{ticket.token}/")
    assert "ticket-waiting" in phone.locator("#ticket-state").get_attribute("class")

    # The officer of window 1 opens it and calls the next ticket.
    officer = new_page(locale="ar")
    sign_in(officer, org.officer_a, base=site)
    officer.goto(f"{site}/hall/{hall}/window/1/")
    officer.locator("form[action$='/open/'] button").click()
    officer.locator("form[action$='/call/'] button").wait_for()
    clicked = time.time()
    officer.locator("form[action$='/call/'] button").click()
    shown = wait_for_js(display, "() => window.mithaqDisplay.shownAt['A001']", timeout=5000)
    latency = shown / 1000 - clicked
    print(f"display shows the call {latency * 1000:.0f} ms after the officer's click")
    assert latency < 1.0, f"the display took {latency:.2f} s"
    card = display.locator("#current .d-call").first
    assert card.locator(".d-ticket").inner_text() == "A001"
    assert card.locator(".d-window").inner_text() == one
    # What the display says: "الرقم A1، الشباك ١", from Mithaq's own clips.
    said = display.evaluate("window.mithaqDisplay.spoken.at(-1)")
    assert said["ar"]["clips"] == ["number", "letter-a", "n1", ",", "window", "n1"]
    # ... and plays them: the chime, then the clips, decoded from the files Mithaq serves.
    wait_for_js(display, "window.mithaqDisplay.played >= 1")
    assert display.evaluate("window.mithaqDisplay.fallbacks") == 0
    screenshot(display, "hall-02-display-call-ar")

    # The phone shows the call (the page refreshes itself every few seconds).
    phone.locator("#ticket-state.ticket-called").wait_for(timeout=8000)
    screenshot(phone, "hall-03-phone-called-ar")

    # The officer opens a case from the visit, then finishes it.
    officer.wait_for_url(f"**/hall/{hall}/window/1/")
    officer.locator(f"a[href$='/tickets/{ticket.pk}/case/']").click()
    officer.fill("#id_subject", "طلب كشف درجات مصدق")
    officer.fill("#id_body", "حضر المراجع إلى القاعة يطلب كشف درجات مصدقاً للسنوات الأربع.")
    officer.fill("#id_citizen_name", "سارة علي")
    if officer.locator("#id_citizen_phone").input_value() == "":
        officer.fill("#id_citizen_phone", "07701234567")
    officer.locator("main form button[type=submit]").click()
    officer.wait_for_url("**/staff/cases/*/")
    ticket.refresh_from_db()
    assert ticket.case is not None
    screenshot(officer, "hall-04-case-from-visit-ar")
    officer.goto(f"{site}/hall/{hall}/window/1/")
    officer.locator("form[action$='/finish/'] button[value='served']").click()
    officer.locator("form[action$='/call/'] button").wait_for()
    ticket.refresh_from_db()
    assert ticket.state == "done"

    # The display no longer shows it at a window; the phone says the visit is over.
    display.locator("#current-empty").wait_for()
    assert display.locator("#recent .d-recent-row").first.get_attribute("data-ticket") == "A001"
    phone.locator("#ticket-state.ticket-done").wait_for(timeout=8000)
    screenshot(phone, "hall-05-phone-served-ar")


def test_display_reconnects_and_resyncs(site, new_page, org):
    world = make_hall(org)
    display = new_page(locale="ar", viewport=TV)
    display.goto(f"{site}/hall/{world.hall.code}/display/")
    wait_for_js(display, "document.body.dataset.status === 'live'")
    # The network drops: the stream is cut from the page's side, and meanwhile a call is
    # made (here, outside the server: the offline display hears nothing of it).
    display.evaluate("window.mithaqDisplay.drop()")
    with offline():
        services.issue_ticket(hall=world.hall, hall_service=world.transcripts)
        services.open_counter(counter=world.window_2, actor=org.officer_a)
        services.issue_ticket(hall=world.hall, hall_service=world.certificates)
        services.call_next_ticket(counter=world.window_2, actor=org.officer_a)
    # Back on its own, with the state it missed.
    wait_for_js(display, "window.mithaqDisplay.connects >= 2", timeout=10000)
    display.locator("#current .d-call[data-ticket='B001']").wait_for()


def test_display_comes_back_after_a_server_restart(live_site, new_page, org):
    world = make_hall(org)
    display = new_page(locale="ar", viewport=TV)
    display.goto(f"{live_site.url}/hall/{world.hall.code}/display/")
    wait_for_js(display, "document.body.dataset.status === 'live'")
    live_site.stop()
    wait_for_js(display, "document.body.dataset.status === 'offline'")
    with offline():
        services.issue_ticket(hall=world.hall, hall_service=world.transcripts)
        services.open_counter(counter=world.window_1, actor=org.officer_a)
        services.call_next_ticket(counter=world.window_1, actor=org.officer_a)
    live_site.start()
    # The browser reconnects by itself (the stream's `retry:` hint) and gets the full state.
    display.locator("#current .d-call[data-ticket='A001']").wait_for(timeout=15000)
    assert display.evaluate("document.body.dataset.status") == "live"


@pytest.mark.parametrize(
    ("locale", "query", "name"),
    [
        ("ar", "", "display-1920-ar"),
        ("ar", "?english=1", "display-1920-ar-with-english"),
        ("en", "", "display-1920-en"),
    ],
)
def test_display_screenshots(site, new_page, org, screenshot, locale, query, name):
    world = make_hall(org)
    hall = world.hall
    with offline():
        make_calls(world, org)
    if locale == "en":
        display = new_page(locale="en", viewport=TV)
        display.context.add_cookies([{"name": "django_language", "value": "en", "url": site}])
    else:
        display = new_page(locale="ar", viewport=TV)
    start_display(
        display, site, hall.code, query, screenshot if name == "display-1920-ar" else None
    )
    assert display.locator("#current .d-call").count() == 3
    screenshot(display, name)


def make_calls(world, org):
    """Ten tickets, three windows at work, one visit finished."""
    hall = world.hall
    for i in range(9):
        services.issue_ticket(
            hall=hall, hall_service=world.transcripts if i % 3 else world.certificates
        )
    services.issue_ticket(hall=hall, hall_service=world.transcripts, is_priority=True)
    windows = [world.window_1, world.window_2, world.window_3]
    for window in windows:
        services.open_counter(counter=window, actor=org.officer_a)
    for window in windows:
        services.call_next_ticket(counter=window, actor=org.officer_a)
    first = hall.tickets.get(counter=world.window_1, state="called")
    services.finish_ticket(ticket=first, actor=org.officer_a, outcome="served")
    services.call_next_ticket(counter=world.window_1, actor=org.officer_a)
