"""The demo, loaded once per test module: `load_demo` takes seconds, and each of these
modules only reads what it made."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def _demo_once(django_db_setup, django_db_blocker):
    """`load_demo`'s printed output, the demo written inside a transaction that is rolled back
    after the module's last test. Each test runs in a savepoint of it (pytest-django's `db`),
    so what a test writes (a second run of the command) is undone before the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        # The test settings run with DEBUG off, where the command refuses unless forced.
        call_command("load_demo", force=True, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_once, db):
    return _demo_once
