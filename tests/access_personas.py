"""The personas the access matrix walks, shared by tests/test_access_matrix.py and its
per-area parts (tests/matrix_<area>.py): the anonymous visitor and the one persona list
(mithaq.testing.PERSONAS).

The groups below are written from the rules, by hand, not asked of mithaq.accounts.access:
they are the matrix's oracle."""

from mithaq.testing import PERSONAS as PEOPLE

PERSONAS = ["anonymous", *PEOPLE]
LOGIN = "login"  # a redirect to the sign-in page

# Signed in, but holding no role that sees cases: an administrator (superuser or not) keeps
# the configuration and reads no case; an official (the president's assistant) receives
# interviews and reads no case; `nobody` has no membership at all.
NOT_CASE_STAFF = {"administrator", "admin", "official", "nobody"}
# Office managers and administrators keep the working calendar and the routing rules; the
# superuser flag adds nothing (superuser_officer is an officer, and only that).
CONFIGURATION = {"office_manager", "administrator", "admin"}


def everyone(status) -> dict:
    return dict.fromkeys(PERSONAS, status)


def only(status, *personas) -> dict:
    """`status` for `personas`, 404 for everyone else signed in; the anonymous visitor is
    sent to sign in."""
    return everyone(404) | {"anonymous": LOGIN} | dict.fromkeys(personas, status)


# Every signed-in member of staff may; anyone else signed in gets 404; the anonymous visitor
# is sent to sign in.
STAFF = everyone(200) | {"anonymous": LOGIN} | dict.fromkeys(NOT_CASE_STAFF, 404)
# The working calendar and the routing rules.
CONFIGURATION_ONLY = only(200, *CONFIGURATION)
