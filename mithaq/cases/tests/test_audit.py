"""The audit trail of confidential reads, through HTTP, in personas."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mithaq.accounts.access import may_view_audit_log
from mithaq.cases import services
from mithaq.cases.models import ConfidentialRead
from mithaq.cases.views.audit import PAGE_SIZE
from mithaq.testing import make_case

URL = reverse("cases:confidential_reads")
T0 = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def secret(org):
    return make_case(org, identity_confidential=True, citizen_name="زينب السرية")


def read(case, user, minutes):
    services.log_confidential_read(
        case=case, user=user, now=T0 + datetime.timedelta(minutes=minutes)
    )


@pytest.mark.parametrize(
    ("persona", "may"),
    [
        ("auditor", True),
        ("office_manager", True),
        ("leader", True),
        ("officer_a", False),
        ("officer_b", False),
        ("reception", False),
        ("manager_college_a", False),
        ("admin", False),
        ("nobody", False),
    ],
)
def test_auditors_office_managers_and_leadership_see_the_log_others_get_404(
    org, login, persona, may
):
    user = getattr(org, persona)
    assert may_view_audit_log(user) is may
    assert login(user).get(URL).status_code == (200 if may else 404)


def test_reads_are_listed_newest_first_with_who_when_and_the_case(org, secret, login):
    other = make_case(org, identity_confidential=True, citizen_phone="+9647809876543")
    read(secret, org.office_manager, 0)
    read(other, org.leader, 5)
    read(secret, org.auditor, 10)
    response = login(org.auditor).get(URL)
    rows = [(r.case.code, r.user) for r in response.context["reads"]]
    assert rows == [
        (secret.code, org.auditor),
        (other.code, org.leader),
        (secret.code, org.office_manager),
    ]
    html = response.content.decode()
    assert f'href="{reverse("cases:detail", args=[secret.code])}"' in html
    assert org.leader.full_name in html
    # The log names the reader and the case, never the citizen.
    assert "زينب السرية" not in html


def test_filter_by_case_reference_as_typed(org, secret, login):
    other = make_case(org, identity_confidential=True, citizen_phone="+9647809876543")
    read(secret, org.office_manager, 0)
    read(other, org.office_manager, 5)
    typed = secret.code.replace("-", " ").lower()
    response = login(org.auditor).get(URL, {"case": typed})
    assert [r.case_id for r in response.context["reads"]] == [secret.pk]


def test_filter_by_staff_member(org, secret, login):
    read(secret, org.office_manager, 0)
    read(secret, org.leader, 5)
    response = login(org.auditor).get(URL, {"user": org.office_manager.pk})
    assert [r.user for r in response.context["reads"]] == [org.office_manager]
    # Only people who read something are offered.
    choices = {str(pk) for pk, _label in response.context["form"].fields["user"].choices if pk}
    assert choices == {str(org.office_manager.pk), str(org.leader.pk)}


def test_a_filter_in_error_is_shown_and_the_others_still_apply(org, secret, login):
    other = make_case(org, identity_confidential=True, citizen_phone="+9647809876543")
    read(secret, org.office_manager, 0)
    read(other, org.office_manager, 5)
    response = login(org.auditor).get(URL, {"case": secret.code, "user": "999999"})
    assert response.status_code == 200
    assert "user" in response.context["form"].errors
    assert 'class="field field-user field-error"' in response.content.decode()
    assert [r.case_id for r in response.context["reads"]] == [secret.pk]


def test_pages_without_counting(org, secret, login):
    ConfidentialRead.objects.bulk_create(
        ConfidentialRead(
            case=secret, user=org.office_manager, at=T0 + datetime.timedelta(seconds=s)
        )
        for s in range(PAGE_SIZE + 1)
    )
    client = login(org.auditor)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(URL)
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert len(first.context["reads"]) == PAGE_SIZE
    assert (first.context["has_next"], first.context["has_previous"]) == (True, False)
    second = client.get(URL, {"page": 2})
    assert [r.at for r in second.context["reads"]] == [T0]
    assert (second.context["has_next"], second.context["has_previous"]) == (False, True)


def test_an_unknown_page_is_the_first(org, secret, login):
    read(secret, org.office_manager, 0)
    response = login(org.auditor).get(URL, {"page": "x"})
    assert response.status_code == 200 and len(response.context["reads"]) == 1


def test_empty_log_says_so(org, login):
    response = login(org.office_manager).get(URL)
    assert response.status_code == 200 and response.context["reads"] == []


# --- The case page's panel -----------------------------------------------------------------


def test_case_page_shows_the_reads_of_its_identity_to_auditors(org, secret, login):
    read(secret, org.office_manager, 0)
    client = login(org.auditor)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("cases:detail", args=[secret.code])).content.decode()
    panel = html.split('id="identity-reads"', 1)[1].split("</section>", 1)[0]
    # The auditor's own reading, logged as the page opened, and the office manager's.
    assert "Seen 2 times." in panel
    assert org.auditor.full_name in panel and org.office_manager.full_name in panel
    assert f"{URL}?case={secret.code}" in panel


def test_case_page_shows_no_reads_panel_to_others_or_for_open_identities(org, secret, login):
    # Reception registered nothing here; the officer may not see the identity at all.
    for user in (org.officer_a, org.reception):
        html = login(user).get(reverse("cases:detail", args=[secret.code])).content.decode()
        assert 'id="identity-reads"' not in html
    # The registering employee sees the identity, but not the audit trail.
    registered = make_case(
        org,
        channel="phone",
        received_by=org.reception,
        identity_confidential=True,
        citizen_phone="+9647809876543",
    )
    html = login(org.reception).get(reverse("cases:detail", args=[registered.code]))
    assert "+9647809876543" in html.content.decode()
    assert 'id="identity-reads"' not in html.content.decode()
    open_case = make_case(org, citizen_phone="+9647501112233")
    html = login(org.auditor).get(reverse("cases:detail", args=[open_case.code]))
    assert 'id="identity-reads"' not in html.content.decode()


def test_case_page_with_many_reads_counts_them_all(org, secret, login):
    now = timezone.now()
    ConfidentialRead.objects.bulk_create(
        ConfidentialRead(case=secret, user=org.leader, at=now - datetime.timedelta(minutes=m))
        for m in range(1, 8)
    )
    client = login(org.office_manager)
    client.cookies["django_language"] = "en"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cases:detail", args=[secret.code]))
    panel = response.content.decode().split('id="identity-reads"', 1)[1].split("</section>", 1)[0]
    assert "Seen 8 times." in panel
    assert panel.count("<li>") == 5
    # The panel's two queries, not one more per read shown.
    reads = [q for q in queries.captured_queries if '"cases_confidentialread"' in q["sql"]]
    # (The read is logged first: the last row's hash, then the insert chained to it.)
    assert [q["sql"].split()[0] for q in reads] == ["SELECT", "INSERT", "SELECT", "SELECT"]
