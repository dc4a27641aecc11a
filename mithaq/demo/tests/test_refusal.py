"""`load_demo` refuses to fill a database served with DEBUG off (production) unless forced.
Apart from test_load_demo.py, whose modules see the demo loaded."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mithaq.accounts.models import OrgUnit


def test_refuses_to_run_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", stdout=io.StringIO())
    assert not OrgUnit.objects.exists()
