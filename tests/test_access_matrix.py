"""Every URL of ours, walked by every persona. A URL missing from the matrix fails the test,
so that no page is added without saying who may use it."""

import importlib
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mithaq.cases import services
from mithaq.cases.models import Attachment
from mithaq.common.cache import invalidate_local_copies
from mithaq.notifications.models import Message
from mithaq.testing import make_case
from mithaq.walkin.testing import hall_world
from tests.access_personas import CONFIGURATION, LOGIN, PERSONAS, STAFF, everyone, only

# Django's own URLs, which are not ours to list: the admin (its site sits behind the staff
# gate, tested in mithaq/accounts/tests) and the language switch (a POST anyone may make).
FRAMEWORK_NAMESPACES = {"admin"}
FRAMEWORK_NAMES = {"set_language"}


def _walk_urls():
    """Every URL pattern of the site as (full name or None, route), outside Django's own."""
    found = []

    def walk(patterns, namespace, prefix):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if ns in FRAMEWORK_NAMESPACES:
                    continue
                walk(p.url_patterns, ns, route)
            elif isinstance(p, URLPattern):
                name = p.name and (f"{namespace}:{p.name}" if namespace else p.name)
                if name not in FRAMEWORK_NAMES:
                    found.append((name, route))

    walk(get_resolver().url_patterns, None, "")
    return found


def our_url_names():
    return {name for name, _route in _walk_urls() if name}


def test_every_url_has_a_name_in_a_namespace():
    """A URL without a name, or outside every app's namespace, could not be in the matrix
    below: the matrix would pass without it."""
    loose = sorted(route for name, route in _walk_urls() if not name or ":" not in name)
    assert not loose, f"name these URLs inside their app's namespace: {loose}"


# name -> (method, args builder, {persona: expected status or LOGIN})
# `w` is the world built below: a case of unit A with a file, and its code.
# Who sees it: its unit's officer, its college's manager, and whoever sees every case (the
# office's reception and manager, leadership, auditors). Not officers of other units, even a
# superuser one, nor administrators.
STAFF_GET_A = only(
    200, "officer_a", "reception", "office_manager", "auditor", "manager_college_a", "leader"
)
MATRIX = {
    "accounts:login": (
        "get",
        lambda w: [],
        everyone(200)
        | {
            # Signed-in people are sent on to their inbox.
            p: 302
            for p in PERSONAS
            if p != "anonymous"
        },
    ),
    "accounts:logout": ("post", lambda w: [], everyone(302)),
    # Nobody here has an authenticator yet: verifying sends them to set one up.
    "accounts:verify": ("get", lambda w: [], everyone(302) | {"anonymous": LOGIN}),
    "accounts:enroll": ("get", lambda w: [], everyone(200) | {"anonymous": LOGIN}),
    "accounts:security": ("get", lambda w: [], everyone(200) | {"anonymous": LOGIN}),
    # Office managers and administrators give staff their second-factor enrolment codes.
    "accounts:enrolment_codes": ("get", lambda w: [], only(200, *CONFIGURATION)),
    # "Stay signed in" on the idle warning: anyone signed in (mithaq.accounts.sessions).
    "accounts:keep_session": ("post", lambda w: [], everyone(204) | {"anonymous": LOGIN}),
    # Every member of staff has an inbox; an administrator, who reads no case, is sent on to
    # the routing rules, an official who reads none to the interviews addressed to them.
    "cases:inbox": (
        "get",
        lambda w: [],
        STAFF | dict.fromkeys(CONFIGURATION - {"office_manager"}, 302) | {"official": 302},
    ),
    # The inbox's views' counts: whoever has an inbox of cases.
    "cases:inbox_views": ("get", lambda w: [], STAFF),
    # Reception, officers and managers register cases; leadership and auditors do not.
    "cases:new": (
        "get",
        lambda w: [],
        only(
            200,
            "officer_a",
            "officer_a2",
            "officer_b",
            "superuser_officer",
            "reception",
            "office_manager",
            "manager_college_a",
        ),
    ),
    "cases:detail": ("get", lambda w: [w["code"]], STAFF_GET_A),
    # The receipt: whoever may register cases, of a case they may see.
    "cases:receipt": (
        "get",
        lambda w: [w["code"]],
        only(200, "officer_a", "reception", "office_manager", "manager_college_a"),
    ),
    "cases:attachment": ("get", lambda w: [w["code"], w["file"]], STAFF_GET_A),
    # A note posted empty: allowed people get the form back with its error (400).
    "cases:act": (
        "post",
        lambda w: [w["code"], "note"],
        only(400, "officer_a", "reception", "office_manager", "manager_college_a", "leader"),
    ),
    # The composer posted empty: whoever may reply or note gets it back with its errors.
    "cases:compose": (
        "post",
        lambda w: [w["code"]],
        only(400, "officer_a", "reception", "office_manager", "manager_college_a", "leader"),
    ),
}
# Messages (mithaq/notifications): the template editor is the office managers' alone.
OFFICE_MANAGER_ONLY = only(200, "office_manager")
MATRIX |= {
    "notifications:templates": ("get", lambda w: [], OFFICE_MANAGER_ONLY),
    "notifications:template_edit": (
        "get",
        lambda w: ["received", "sms", "ar"],
        OFFICE_MANAGER_ONLY,
    ),
    "notifications:template_restore": (
        "post",
        lambda w: ["received", "sms", "ar"],
        OFFICE_MANAGER_ONLY | {"office_manager": 302},
    ),
    "notifications:sms_count": ("post", lambda w: [], OFFICE_MANAGER_ONLY),
    # Resending needs the right to reply on the message's case.
    "notifications:resend": (
        "post",
        lambda w: [Message.objects.filter(case=w["case"]).first().pk],
        only(302, "officer_a", "office_manager", "manager_college_a"),
    ),
    # Gateways post signed receipts, without signing in; an unknown gateway is 404.
    "notifications:receipt": ("post", lambda w: ["unknown"], everyone(404)),
    # Sending a second-factor enrolment code by email: who gives codes (no one chosen here:
    # back to the codes page with the error).
    "notifications:send_enrolment_code": ("post", lambda w: [], only(302, *CONFIGURATION)),
}
# The walk-in hall (mithaq/walkin): the kiosk and a ticket's pages are public (a ticket by its
# unguessable token); the hall's staff pages are for its unit's officers, reception and managers.
HALL_STAFF = only(200, "officer_a", "reception", "office_manager", "manager_college_a")
MATRIX |= {
    "walkin:halls": ("get", lambda w: [], STAFF),
    "walkin:hall": ("get", lambda w: [w["hall"]], HALL_STAFF),
    "walkin:issue": ("get", lambda w: [w["hall"]], HALL_STAFF),
    "walkin:counter": ("get", lambda w: [w["hall"], 1], HALL_STAFF),
    # The window's tablet: the hall's staff, or the window's enrolled tablet (tests of
    # mithaq/walkin/tests/test_screens.py), never another browser.
    "walkin:tablet": ("get", lambda w: [w["hall"], 1], HALL_STAFF),
    # Calling at a closed window: the page comes back with the error (a redirect).
    "walkin:counter_act": (
        "post",
        lambda w: [w["hall"], 1, "call"],
        {p: 302 if s == 200 else s for p, s in HALL_STAFF.items()},
    ),
    "walkin:ticket_case": ("get", lambda w: [w["hall"], w["ticket_pk"]], HALL_STAFF),
    "walkin:supervise": (
        "get",
        lambda w: [w["hall"]],
        only(200, "office_manager", "manager_college_a"),
    ),
    "walkin:kiosk": ("get", lambda w: [w["hall"]], everyone(200)),
    # Enrolling this browser as a kiosk, revoking one: the hall's supervisors.
    "walkin:kiosk_enrol": (
        "post",
        lambda w: [w["hall"]],
        only(302, "office_manager", "manager_college_a"),
    ),
    # Enrolling this browser as a window's rating tablet (no window chosen: back to the
    # supervision page with the error).
    "walkin:tablet_enrol": (
        "post",
        lambda w: [w["hall"]],
        only(302, "office_manager", "manager_college_a"),
    ),
    "walkin:kiosk_revoke": (
        "post",
        lambda w: [w["hall"], w["kiosk_device"]],
        only(302, "office_manager", "manager_college_a"),
    ),
    # The demo's one-time kiosk link: development settings only (404 under any other).
    "walkin:kiosk_enrol_link": ("get", lambda w: [w["hall"], "a-token"], everyone(404)),
    "walkin:ticket": ("get", lambda w: [w["ticket_token"]], everyone(200)),
    "walkin:ticket_print": ("get", lambda w: [w["ticket_token"]], everyone(200)),
    # Rating a ticket not yet served: back to the ticket's page with the error.
    "walkin:ticket_rate": ("post", lambda w: [w["ticket_token"]], everyone(302)),
    # Booked appointments (mithaq.walkin.bookings): the booking page is public, an
    # appointment's page is found by its unguessable link (moving with no time chosen, or
    # cancelling: back to it with the outcome); the hours are its supervisors'.
    "walkin:book": ("get", lambda w: [w["hall"]], everyone(200)),
    "walkin:booking": ("get", lambda w: [w["booking_token"]], everyone(200)),
    "walkin:booking_move": ("post", lambda w: [w["booking_token"]], everyone(302)),
    "walkin:booking_cancel": ("post", lambda w: [w["booking_token"]], everyone(302)),
    "walkin:appointments": (
        "get",
        lambda w: [w["hall"]],
        only(200, "office_manager", "manager_college_a"),
    ),
    # Closing days posted empty: the supervisors get the page back with its errors.
    "walkin:appointment_closures": (
        "post",
        lambda w: [w["hall"]],
        only(400, "office_manager", "manager_college_a"),
    ),
    # The hall's display (mithaq/walkin/display): public, as the TV in the hall is.
    "walkin:display": ("get", lambda w: [w["hall"]], everyone(200)),
    # Its event stream: the test client reads the headers only, never the endless body.
    "walkin:display_stream": ("get", lambda w: [w["hall"]], everyone(200)),
    # The working calendar: office managers and administrators only.
    "routing:calendar": ("get", lambda w: [], only(200, *CONFIGURATION)),
    # A correction posted empty: they get the page back with its error.
    "routing:holiday_date": ("post", lambda w: [_a_holiday()], only(400, *CONFIGURATION)),
}


def _a_holiday() -> int:
    from mithaq.routing.models import Holiday

    return Holiday.objects.filter(calendar__is_active=True).values_list("pk", flat=True)[0]


# Staff sign-in changes nothing on the portal: a case is opened only by a session that proved
# the reference and the citizen's phone or email, so every persona gets the same answers.
PORTAL_MATRIX = {
    "portal:home": ("get", lambda w: [], everyone(200)),
    "portal:submit": ("get", lambda w: ["complaint"], everyone(200)),
    "portal:services": ("get", lambda w: [], everyone(200)),
    # Without a submission in this session there is nothing to show: back home.
    "portal:submitted": ("get", lambda w: [], everyone(302)),
    "portal:track": ("get", lambda w: [], everyone(200)),
    # Not verified in this session: sent to the tracking form.
    "portal:track_case": ("get", lambda w: [w["code"]], everyone(302)),
    "portal:respond": ("post", lambda w: [w["code"]], everyone(302)),
    "portal:contact": ("post", lambda w: [w["code"]], everyone(302)),
    "portal:attachment": ("get", lambda w: [w["code"], w["file"]], everyone(404)),
}


# Each area may keep its rows in a module of its own beside this one, `tests/matrix_<area>.py`,
# holding `MATRIX` (rows as above) and optionally `extend_world(world)`,
# which adds what its rows need to the world.
_PARTS = [
    importlib.import_module(f"tests.{path.stem}")
    for path in sorted(Path(__file__).parent.glob("matrix_*.py"))
]
for _part in _PARTS:
    MATRIX |= _part.MATRIX


def full_matrix():
    return MATRIX | PORTAL_MATRIX


def test_every_url_is_in_the_access_matrix():
    missing = our_url_names() - set(full_matrix())
    assert not missing, f"add these URLs to the access matrix: {sorted(missing)}"
    stale = set(full_matrix()) - our_url_names()
    assert not stale, f"these matrix entries name no URL: {sorted(stale)}"


@pytest.fixture
def world(org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = make_case(
        org, files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4 test\n%%EOF", "application/pdf")]
    )
    services.acknowledge_case(case=case, actor=org.officer_a)
    world = {
        **hall_world(org),
        "org": org,
        "case": case,
        "code": case.code,
        "file": Attachment.objects.get(case=case).pk,
    }
    for part in _PARTS:
        if hasattr(part, "extend_world"):
            part.extend_world(world)
    return world


# The URLs of the matrix shared among this many tests per persona, so that test workers take
# them in parallel.
HALVES = 2


@pytest.mark.parametrize("half", range(HALVES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix(client, world, persona, half):
    """Every URL of the matrix as `persona`, one world for all of them: each request runs in a
    savepoint rolled back after it, with the cache emptied and the persona signed in afresh,
    so that each URL meets the world as built, whatever an earlier one changed (a reply
    posted, a case closed, a sign-out). Building the world for each URL alone took half of
    the whole suite's time."""
    rows = sorted(full_matrix().items())[half::HALVES]
    wrong = []
    for url_name, (method, args, expected) in rows:
        want = expected[persona]
        with transaction.atomic():
            cache.clear()
            invalidate_local_copies()
            if persona != "anonymous":
                client.force_login(getattr(world["org"], persona))
            else:
                client.logout()
            url = reverse(url_name, args=args(world))
            response = getattr(client, method)(url)
            got = response.status_code
            if want == LOGIN:
                if got != 302 or not response["Location"].startswith(reverse("accounts:login")):
                    wrong.append((url_name, "login", got))
            elif got != want:
                wrong.append((url_name, want, got))
            transaction.set_rollback(True)
    assert not wrong, f"{persona}: (URL, expected, got) {wrong}"


_RESTRICTED = importlib.import_module("tests.matrix_privacy").RESTRICTED_MATRIX


@pytest.mark.parametrize("persona", PERSONAS)
def test_restricted_case_matrix(client, world, persona):
    """A case restricted to named people (tests/matrix_privacy.py), walked as the matrix:
    every row in one test per persona (one world each)."""
    if persona != "anonymous":
        client.force_login(getattr(world["org"], persona))
    for name, (method, args, expected) in sorted(_RESTRICTED.items()):
        want = expected[persona]
        response = getattr(client, method)(reverse(name, args=args(world)))
        if want == LOGIN:
            assert response.status_code == 302, (name, persona, response.status_code)
            assert response["Location"].startswith(reverse("accounts:login")), name
        else:
            assert response.status_code == want, (name, persona, response.status_code)
