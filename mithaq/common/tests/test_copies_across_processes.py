"""A copy kept per process (mithaq.common.cache.ProcessCopy) across two real processes that
share one database and one cache: a committed change reaches the other process within its
promise (a look at the version every second), and a rolled-back change is never seen, in
either process. The copies under test: the message templates, the institution's name that
heads every page, the inbox filter's rendered units and the public catalogue.

On PostgreSQL only: the second process must see the test database, and SQLite's test
database lives in the first process's memory."""

import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone, translation

from mithaq.accounts.access import StaffAccess
from mithaq.accounts.institution import _institution_name
from mithaq.accounts.models import OrgUnit, UnitKind
from mithaq.accounts.services import create_unit, save_unit
from mithaq.cases import selectors
from mithaq.catalog.models import RequiredDocument, Service, ServiceVersion
from mithaq.catalog.public import public_service
from mithaq.catalog.services import services_changed, versions_changed
from mithaq.common.cache import invalidate_local_copies
from mithaq.notifications import services as notifications
from mithaq.notifications.models import MessageTemplate
from mithaq.testing import make_org

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a second process needs the test database on PostgreSQL; set DATABASE_URL",
)

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("MITHAQ_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
PROMISE = 1.0  # seconds: the copy's check_every
KEY = ("received", "sms", "ar")

OTHER_PROCESS = """
import json, os, sys
from django.conf import settings
settings.CACHES = json.loads(os.environ["MITHAQ_TEST_CACHES"])
import django
django.setup()
from django.utils import translation
from mithaq.accounts.access import StaffAccess
from mithaq.accounts.institution import _institution_name
from mithaq.accounts.models import User
from mithaq.cases import selectors
from mithaq.notifications import services
translation.activate("ar")
print("ready", flush=True)
for line in sys.stdin:
    what, *args = json.loads(line)
    if what == "template":
        answer = services._template(*args)[1]
    elif what == "institution":
        answer = _institution_name()
    elif what == "catalogue":  # the documents of a service's version in effect
        from mithaq.catalog.public import public_service

        version = public_service(args[0]).version_on()
        answer = " | ".join(doc.name_en for doc in version.documents.all()) if version else ""
    elif what == "catalogue-list":  # the public list as kept with the copy, in English
        from django.test import Client

        translation.activate("en")
        html = Client().get("/services/", HTTP_COOKIE="django_language=en").content.decode()
        translation.activate("ar")
        answer = "yes" if args[0] in html else "no"
    else:  # the inbox filter's units as one person sees them
        answer = selectors.filter_options_for(StaffAccess(User.objects.get(pk=args[0])))[
            "unit"
        ].html
    print(json.dumps(answer), flush=True)
"""


class OtherProcess:
    def __init__(self, caches: dict):
        name = connection.settings_dict["NAME"]
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="config.settings.test",
            DATABASE_URL=os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}",
            MITHAQ_TEST_CACHES=json.dumps(caches),
        )
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and code
            [sys.executable, "-c", OTHER_PROCESS],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready"

    def ask(self, *question) -> str:
        self.process.stdin.write(json.dumps(question) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def template(self) -> str:
        return self.ask("template", *KEY)

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


def _redis_caches():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return {"default": {"BACKEND": "mithaq.common.cache.RedisCache", "LOCATION": REDIS_URL}}


def _file_caches(tmp_path):
    # What `make run`'s three processes share without Redis (config.settings.dev).
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }


class _Undo(Exception):
    pass


@pytest.mark.parametrize("shared", ["redis", "files"])
def test_a_change_reaches_the_other_process_and_a_rollback_never_does(
    shared, transactional_db, tmp_path
):
    caches = _redis_caches() if shared == "redis" else _file_caches(tmp_path)
    with override_settings(CACHES=caches):
        notifications._TEMPLATES.invalidate_local()
        row = notifications.save_template(
            template=MessageTemplate(event_key=KEY[0], channel=KEY[1], language=KEY[2]),
            subject="",
            body="first",
            actor=None,
        )
        other = OtherProcess(caches)
        try:
            assert other.template() == "first"

            # A committed change: here at once, there within the promise.
            with transaction.atomic():
                notifications.save_template(template=row, subject="", body="second", actor=None)
            committed = time.monotonic()
            assert notifications._template(*KEY)[1] == "second"
            seen = other.template()
            while seen != "second" and time.monotonic() - committed < 3 * PROMISE:
                time.sleep(0.05)
                seen = other.template()
            waited = time.monotonic() - committed
            assert seen == "second"
            assert waited <= PROMISE + 0.3, f"seen after {waited:.2f} s"

            # A rolled-back change: read in its own transaction, then never again, here or
            # there, however long either waits.
            with pytest.raises(_Undo), transaction.atomic():
                notifications.save_template(
                    template=row, subject="", body="never saved", actor=None
                )
                assert notifications._template(*KEY)[1] == "never saved"
                assert other.template() == "second"
                raise _Undo
            rolled_back = time.monotonic()
            while time.monotonic() - rolled_back < 2 * PROMISE:
                assert notifications._template(*KEY)[1] == "second"
                assert other.template() == "second"
                time.sleep(0.1)
        finally:
            other.close()
            notifications._TEMPLATES.invalidate_local()


def _seen_within_the_promise(read, expected: str, since: float) -> float:
    """Seconds from `since` until `expected` is in what `read()` gives; fails past three
    promises."""
    seen = read()
    while expected not in seen and time.monotonic() - since < 3 * PROMISE:
        time.sleep(0.05)
        seen = read()
    assert expected in seen
    return time.monotonic() - since


@pytest.mark.parametrize("shared", ["redis", "files"])
def test_the_institution_name_and_the_filter_units_cross_processes_and_rollbacks_do_not(
    shared, transactional_db, tmp_path
):
    """The two memos of decision 0010 that were once kept a minute on a clock of their own:
    a rename or a new unit made in one process shows in the other within the promise, and
    one rolled back shows in neither."""
    caches = _redis_caches() if shared == "redis" else _file_caches(tmp_path)
    # Both processes read the names in Arabic (the other activates it as it starts).
    with override_settings(CACHES=caches), translation.override("ar"):
        invalidate_local_copies()
        org = make_org()
        manager = StaffAccess(org.office_manager)

        def units_here() -> str:
            return selectors.filter_options_for(manager)["unit"].html

        def units_there() -> str:
            return other.ask("units", org.office_manager.pk)

        other = OtherProcess(caches)
        try:
            assert other.ask("institution") == _institution_name() == "جامعة الاختبار"
            assert "قسم جديد" not in units_there()

            with transaction.atomic():
                root = OrgUnit.objects.get(pk=org.root.pk)
                root.name_ar = "جامعة الرافدين"
                save_unit(unit=root)
                create_unit(
                    parent=org.dept_a.parent,
                    kind=UnitKind.DEPARTMENT,
                    code="new",
                    name_ar="قسم جديد",
                    name_en="New department",
                )
            committed = time.monotonic()
            assert _institution_name() == "جامعة الرافدين"  # here at once
            assert "قسم جديد" in units_here()
            for read, expected in (
                (lambda: other.ask("institution"), "جامعة الرافدين"),
                (units_there, "قسم جديد"),
            ):
                waited = _seen_within_the_promise(read, expected, committed)
                assert waited <= PROMISE + 0.3, f"{expected} seen after {waited:.2f} s"

            with pytest.raises(_Undo), transaction.atomic():
                root = OrgUnit.objects.get(pk=org.root.pk)
                root.name_ar = "اسم لم يبق"
                save_unit(unit=root)
                create_unit(
                    parent=org.dept_a.parent,
                    kind=UnitKind.DEPARTMENT,
                    code="gone",
                    name_ar="قسم لم يبق",
                    name_en="Undone department",
                )
                assert _institution_name() == "اسم لم يبق"
                assert "قسم لم يبق" in units_here()
                assert other.ask("institution") == "جامعة الرافدين"
                raise _Undo
            rolled_back = time.monotonic()
            while time.monotonic() - rolled_back < 2 * PROMISE:
                assert _institution_name() == other.ask("institution") == "جامعة الرافدين"
                assert "قسم لم يبق" not in units_here()
                assert "قسم لم يبق" not in units_there()
                time.sleep(0.1)
        finally:
            other.close()
            invalidate_local_copies()


@pytest.mark.parametrize("shared", ["redis", "files"])
def test_a_service_page_s_documents_cross_processes_and_rollbacks_do_not(
    shared, transactional_db, tmp_path
):
    """The public catalogue (mithaq.catalog.public, decision 0014): a document added
    to the version in effect in one process is on the other's service page within the
    promise; one added in a transaction rolled back is on neither. The same for a service's
    new name on the list, whose rendering is kept with the copy."""
    caches = _redis_caches() if shared == "redis" else _file_caches(tmp_path)
    with override_settings(CACHES=caches):
        invalidate_local_copies()
        org = make_org()
        code = org.service_a.code
        version = ServiceVersion.objects.create(
            service=org.service_a,
            effective_from=timezone.localdate() - datetime.timedelta(days=1),
        )
        RequiredDocument.objects.create(version=version, position=1, name_ar="أ", name_en="ID")

        def here() -> str:
            current = public_service(code).version_on()
            return " | ".join(doc.name_en for doc in current.documents.all())

        other = OtherProcess(caches)
        try:
            assert other.ask("catalogue", code) == here() == "ID"
            assert other.ask("catalogue-list", "Renamed service") == "no"
            with transaction.atomic():
                RequiredDocument.objects.create(
                    version=version, position=2, name_ar="ب", name_en="Photo"
                )
                versions_changed()  # as the office's version page says (save_version)
                Service.objects.filter(code=code).update(name_en="Renamed service")
                services_changed()
            committed = time.monotonic()
            assert here() == "ID | Photo"
            waited = _seen_within_the_promise(
                lambda: other.ask("catalogue", code), "Photo", committed
            )
            assert waited <= PROMISE + 0.3, f"seen after {waited:.2f} s"
            assert other.ask("catalogue-list", "Renamed service") == "yes"

            with pytest.raises(_Undo), transaction.atomic():
                RequiredDocument.objects.create(
                    version=version, position=3, name_ar="ج", name_en="Undone"
                )
                versions_changed()
                Service.objects.filter(code=code).update(name_en="Undone name")
                services_changed()
                assert "Undone" in here()  # its own transaction reads afresh
                assert "Undone" not in other.ask("catalogue", code)
                raise _Undo
            rolled_back = time.monotonic()
            while time.monotonic() - rolled_back < 2 * PROMISE:
                assert here() == other.ask("catalogue", code) == "ID | Photo"
                assert other.ask("catalogue-list", "Undone name") == "no"
                time.sleep(0.1)
        finally:
            other.close()
            invalidate_local_copies()
