"""Site-wide test set-up: the Chromium harness for `browser` tests, and the database guards.

Browser tests are marked `@pytest.mark.browser` and take the `page` fixture: a fresh
browser context on the live server (relative URLs work), Arabic unless the test
parametrizes `browser_locale` (the context's locale and its language cookie). `new_page(locale=...)` opens more pages, each in its own
context (a citizen and an officer side by side); `screenshot(page, name)` saves a PNG under
artifacts/screenshots/. A failed browser test leaves a screenshot of each of its pages in
artifacts/screenshots/failures/.

Without Chromium the browser tests are skipped, unless MITHAQ_REQUIRE_BROWSER=1 (CI), when
the run stops at once. With MITHAQ_REQUIRE_POSTGRES=1, a run given a DATABASE_URL (the
PostgreSQL pass of `make test`) stops unless that database is a reachable PostgreSQL.
"""

import importlib.util
import os
import re
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in the test thread, and Django then
# refuses ORM calls from the test as "async-unsafe". Nothing in these tests is async.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("MITHAQ_CHROMIUM", "/usr/bin/chromium")
# Headless, and quiet on a machine with no network: no update checks, sync or pings.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000

_reports = pytest.StashKey[dict]()


def _required(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _browser_problem() -> str | None:
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (make install)"
    return None


def _postgres_problem() -> str | None:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        return f"the database engine is {engine}, not PostgreSQL"
    import psycopg

    try:
        # The maintenance database: the one named in the URL need not exist.
        psycopg.connect(os.environ["DATABASE_URL"], dbname="postgres", connect_timeout=10).close()
    except psycopg.Error as exc:
        return f"PostgreSQL is unreachable: {exc}".strip()
    return None


def pytest_configure(config):
    if _required("MITHAQ_REQUIRE_BROWSER") and (problem := _browser_problem()):
        raise pytest.UsageError(f"MITHAQ_REQUIRE_BROWSER=1 but {problem}")
    if (
        _required("MITHAQ_REQUIRE_POSTGRES")
        and os.environ.get("DATABASE_URL")
        and (problem := _postgres_problem())
    ):
        raise pytest.UsageError(f"MITHAQ_REQUIRE_POSTGRES=1 but {problem}")


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    return [
        f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database.get('NAME', '')}",
        f"browser: {_browser_problem() or CHROMIUM}",
    ]


def pytest_collection_modifyitems(config, items):
    problem = _browser_problem()
    if problem is None:
        return
    skip = pytest.mark.skip(reason=problem)
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(_reports, {})[report.when] = report
    return report


# Every page reports what the Content-Security-Policy refused (config/settings/base.py): an
# inline style or script, an eval, a resource from elsewhere. Chromium logs most refusals on
# the console; the event catches the rest (a refused style attribute swapped in by HTMX).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("Content Security Policy violation: " + event.violatedDirective + " " +
    (event.blockedURI || "inline") + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


def _csp_violation(message) -> str | None:
    text = message.text
    return text if "Content Security Policy" in text else None


def _save_screenshot(page, name: str, folder: Path = SCREENSHOTS) -> Path:
    path = folder / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name).strip('-')}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language (Arabic). A request through Django's test
    client leaves the language its LocaleMiddleware chose active in the thread, so a test
    that asked for an English page made the next one in the same worker see English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's live server, serving no uploads when MEDIA_URL is None.

    Uploads are served only by access-checked views, so MEDIA_URL is None; Django's live
    server still wraps every request in a media-files handler, which fails on None.
    """
    from django.conf import settings
    from django.test import testcases

    with pytest.MonkeyPatch.context() as patch:
        if settings.MEDIA_URL is None:
            patch.setattr(testcases._MediaFilesHandler, "_should_handle", lambda self, path: False)
        yield live_server


# Per module, not per run: Playwright's sync API keeps an event loop running in the test
# thread while it is started, where asgiref's async_to_sync (the display's stream tests)
# refuses to run; a module's teardown stops it before the next module's tests.
@pytest.fixture(scope="module")
def _playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(_playwright):
    """One headless Chromium per test module (per xdist worker)."""
    chromium = _playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


@pytest.fixture
def browser_locale():
    """The browser's language (Accept-Language); parametrize it to change it."""
    return "ar"


@pytest.fixture
def csp_violations():
    """What the Content-Security-Policy refused on the test's pages; any left at its end fail
    the test (new_page)."""
    return []


@pytest.fixture
def new_page(request, browser, live_server, csp_violations):
    """new_page(locale="ar", **context_options) opens a page in a fresh browser context."""
    contexts = []
    violations = csp_violations

    def _new_page(locale: str = "ar", **options):
        options.setdefault("viewport", {"width": 1280, "height": 800})
        context = browser.new_context(locale=locale, base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        # The site follows the language switch's cookie, not the browser's Accept-Language
        # (mithaq.common.language): a page in `locale` is a visitor who chose it.
        language = locale.split("-")[0]
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        context.add_init_script(CSP_LISTENER)
        context.on(
            "console",
            lambda message: (found := _csp_violation(message)) and violations.append(found),
        )
        contexts.append(context)
        return context.new_page()

    yield _new_page

    reports = request.node.stash.get(_reports, {})
    if any(report.failed for report in reports.values()):
        folder = SCREENSHOTS / "failures"
        for number, context in enumerate(contexts):
            for page_number, page in enumerate(context.pages):
                name = f"{request.node.nodeid}-{number}-{page_number}"
                try:
                    _save_screenshot(page, name, folder)
                except Exception:  # noqa: S110 - a failed test must still report its own error
                    pass
    for context in contexts:
        context.close()
    # A journey that went well but met a refusal of the CSP fails: the page it saw is not the
    # page a browser enforcing the policy shows.
    if violations and not any(report.failed for report in reports.values()):
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(dict.fromkeys(violations)))


@pytest.fixture
def page(new_page, browser_locale):
    """A page in a fresh browser context on the live server, in `browser_locale`."""
    return new_page(locale=browser_locale)


@pytest.fixture
def screenshot():
    """screenshot(page, name) saves the full page to artifacts/screenshots/<name>.png."""
    return _save_screenshot
