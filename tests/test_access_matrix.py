"""Every URL of ours, walked by every persona. A URL missing from the matrix fails the test,
so that no page is added without saying who may use it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mithaq.cases import services
from mithaq.cases.models import Attachment
from mithaq.testing import make_case

PERSONAS = [
    "anonymous",
    "officer_a",
    "officer_b",
    "reception",
    "office_manager",
    "auditor",
    "manager_college_a",
]
OUR_NAMESPACES = {"portal", "accounts", "cases"}
LOGIN = "login"  # a redirect to the sign-in page


def our_url_names():
    names = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name and namespace in OUR_NAMESPACES:
                names.add(f"{namespace}:{p.name}")

    walk(get_resolver().url_patterns, None)
    return names


def _everyone(status):
    return dict.fromkeys(PERSONAS, status)


# name -> (method, args builder, {persona: expected status or LOGIN})
# `w` is the world built below: a case of unit A with a file, and its code.
STAFF_GET_A = {
    "anonymous": LOGIN,
    "officer_a": 200,
    "officer_b": 404,
    "reception": 200,
    "office_manager": 200,
    "auditor": 200,
    "manager_college_a": 200,
}
MATRIX = {
    "accounts:login": (
        "get",
        lambda w: [],
        _everyone(200)
        | {
            # Signed-in people are sent on to their inbox.
            p: 302
            for p in PERSONAS
            if p != "anonymous"
        },
    ),
    "accounts:logout": ("post", lambda w: [], _everyone(302)),
    # Nobody here has an authenticator yet: verifying sends them to set one up.
    "accounts:verify": ("get", lambda w: [], _everyone(302) | {"anonymous": LOGIN}),
    "accounts:enroll": ("get", lambda w: [], _everyone(200) | {"anonymous": LOGIN}),
    "accounts:security": ("get", lambda w: [], _everyone(200) | {"anonymous": LOGIN}),
    "cases:inbox": ("get", lambda w: [], _everyone(200) | {"anonymous": LOGIN}),
    "cases:new": (
        "get",
        lambda w: [],
        {
            "anonymous": LOGIN,
            "officer_a": 200,
            "officer_b": 200,
            "reception": 200,
            "office_manager": 200,
            "auditor": 404,
            "manager_college_a": 200,
        },
    ),
    "cases:detail": ("get", lambda w: [w["code"]], STAFF_GET_A),
    "cases:attachment": ("get", lambda w: [w["code"], w["file"]], STAFF_GET_A),
    # A note posted empty: allowed people get the form back with its error (400).
    "cases:act": (
        "post",
        lambda w: [w["code"], "note"],
        {
            "anonymous": LOGIN,
            "officer_a": 400,
            "officer_b": 404,
            "reception": 400,
            "office_manager": 400,
            "auditor": 404,
            "manager_college_a": 400,
        },
    ),
}
# Staff sign-in changes nothing on the portal: a case is opened only by a session that proved
# the reference and the citizen's phone or email, so every persona gets the same answers.
PORTAL_MATRIX = {
    "portal:home": ("get", lambda w: [], _everyone(200)),
    "portal:submit": ("get", lambda w: ["complaint"], _everyone(200)),
    "portal:services": ("get", lambda w: [], _everyone(200)),
    # Without a submission in this session there is nothing to show: back home.
    "portal:submitted": ("get", lambda w: [], _everyone(302)),
    "portal:track": ("get", lambda w: [], _everyone(200)),
    # Not verified in this session: sent to the tracking form.
    "portal:track_case": ("get", lambda w: [w["code"]], _everyone(302)),
    "portal:respond": ("post", lambda w: [w["code"]], _everyone(302)),
    "portal:attachment": ("get", lambda w: [w["code"], w["file"]], _everyone(404)),
}


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
    return {
        "org": org,
        "case": case,
        "code": case.code,
        "file": Attachment.objects.get(case=case).pk,
    }


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(MATRIX) + ["portal"])
def test_access_matrix(client, world, name, persona):
    matrix = MATRIX if name != "portal" else PORTAL_MATRIX
    names = [name] if name != "portal" else sorted(matrix)
    for url_name in names:
        method, args, expected = matrix[url_name]
        want = expected[persona]
        if persona != "anonymous":
            client.force_login(getattr(world["org"], persona))
        else:
            client.logout()
        url = reverse(url_name, args=args(world))
        response = getattr(client, method)(url)
        if want == LOGIN:
            assert response.status_code == 302, (url_name, persona, response.status_code)
            assert response["Location"].startswith(reverse("accounts:login")), url_name
        else:
            assert response.status_code == want, (url_name, persona, response.status_code)
