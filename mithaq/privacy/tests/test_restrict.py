"""A case restricted to named people: hidden from everyone else in the inbox, the search, the
exports and the API's list (one filter: cases.access.cases_visible_to), set only by those
with the right, through the page and the service."""

from django.urls import reverse
from django.utils import timezone

from mithaq.cases.access import cases_visible_to
from mithaq.cases.models import CaseEvent
from mithaq.cases.services import assign_case
from mithaq.cases.services.privacy import restrict_case
from mithaq.cases.states import EventKind
from mithaq.notifications.models import Message
from mithaq.testing import make_case


def _restrict(client, case, *people):
    return client.post(
        reverse("privacy:restrict", args=[case.code]), {"people": [p.pk for p in people]}
    )


def test_office_manager_restricts_a_case_to_named_people(org, login, case_a):
    other = make_case(org, subject="معاملة عادية")
    office = login(org.office_manager)
    response = _restrict(office, case_a, org.officer_a2)
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.is_restricted
    # Who restricted it is named too, or they would lock themselves out.
    assert set(case_a.restricted_to.all()) == {org.officer_a2, org.office_manager}
    assert CaseEvent.objects.filter(case=case_a, kind=EventKind.RESTRICTED).count() == 1

    # Its own unit's officer, the college's manager, leadership, auditors: not any more.
    for person in (org.officer_a, org.manager_college_a, org.leader, org.auditor, org.reception):
        assert set(cases_visible_to(person)) == {other}, person
        assert login(person).get(reverse("cases:detail", args=[case_a.code])).status_code == 404
    assert set(cases_visible_to(org.officer_a2)) == {case_a}
    assert set(cases_visible_to(org.office_manager)) == {case_a, other}

    # The inbox, and the search's CSV export, of someone who saw it before.
    client = login(org.officer_a)
    link = reverse("cases:detail", args=[case_a.code])
    inbox = client.get(reverse("cases:inbox")).content.decode()
    assert reverse("cases:detail", args=[other.code]) in inbox and link not in inbox
    response = client.get(reverse("search:export", args=["csv"]))
    csv = b"".join(response.streaming_content).decode()
    assert other.code in csv and case_a.code not in csv

    # Named nobody: lifted, everyone as before.
    assert _restrict(login(org.office_manager), case_a).status_code == 302
    case_a.refresh_from_db()
    assert not case_a.is_restricted and not case_a.restricted_to.exists()
    assert case_a in cases_visible_to(org.officer_a)


def test_only_the_right_may_restrict(org, login, case_a):
    for person in (org.officer_a, org.manager_college_a, org.leader, org.auditor):
        assert _restrict(login(person), case_a, person).status_code == 404
    case_a.refresh_from_db()
    assert not case_a.is_restricted


def test_an_inactive_person_cannot_be_named(org, login, case_a):
    org.officer_a2.is_active = False
    org.officer_a2.save()
    response = _restrict(login(org.office_manager), case_a, org.officer_a2)
    assert response.status_code == 200  # the form again, with its error
    case_a.refresh_from_db()
    assert not case_a.is_restricted


def test_staff_not_named_hear_nothing_of_a_restricted_case(org, case_a):
    restrict_case(
        case=case_a, actor=org.office_manager, people=[org.manager_college_a], now=timezone.now()
    )
    assign_case(case=case_a, actor=org.office_manager, assignee=org.officer_a)
    assign_case(case=case_a, actor=org.office_manager, assignee=org.manager_college_a)
    assert not Message.objects.filter(user=org.officer_a).exists()
    assert Message.objects.filter(user=org.manager_college_a).count() == 1
