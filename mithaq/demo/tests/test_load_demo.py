"""`manage.py load_demo`: the demo loads, its printed logins work, its cases cover every state
with true histories, and a second run changes nothing."""

import io

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from mithaq.accounts.models import Membership, OrgUnit, Role, User
from mithaq.cases.models import Case, CaseEvent
from mithaq.cases.states import Channel, EventKind, Kind, State
from mithaq.catalog.models import Service


def load_demo() -> str:
    out = io.StringIO()
    # The test settings run with DEBUG off, where the command refuses unless forced.
    call_command("load_demo", force=True, stdout=out)
    return out.getvalue()


def printed_logins(output: str) -> dict[str, str]:
    """username -> password, read from the printed table."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:2] == ["username", "password"])
    logins = {}
    for line in lines[start + 2 :]:
        if not line.strip():
            break
        username, password, *_ = line.split()
        logins[username] = password
    return logins


def test_every_role_has_an_account_that_signs_in_with_the_printed_password(demo):
    logins = printed_logins(demo)
    request = RequestFactory().post("/staff/login/")
    for role in Role:
        holders = Membership.objects.filter(role=role, user__username__in=logins)
        assert holders.exists(), f"no printed login for {role}"
        user = holders.first().user
        signed_in = authenticate(request, username=user.username, password=logins[user.username])
        assert signed_in == user, f"{user.username} cannot sign in"
        assert user.full_name and user.language == "ar"
    admin = User.objects.get(memberships__role=Role.ADMINISTRATOR)
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.filter(is_staff=True).exclude(pk=admin.pk).exists()


def test_the_links_are_printed(demo):
    for url in ("http://127.0.0.1:8000/", "http://127.0.0.1:8000/staff/", "/admin/"):
        assert url in demo


def test_the_institution_takes_no_cases_and_has_one_citizens_office(demo):
    root = OrgUnit.objects.get(parent=None)
    assert not root.accepts_cases
    assert OrgUnit.objects.filter(is_citizens_office=True).count() == 1
    assert all(unit.path.startswith(root.path) for unit in OrgUnit.objects.all())
    assert Service.objects.filter(unit__accepts_cases=False).count() == 0


def test_cases_cover_every_state_kind_and_channel(demo):
    cases = Case.objects.all()
    assert set(cases.values_list("state", flat=True)) == set(State)
    assert set(cases.values_list("kind", flat=True)) == set(Kind)
    assert set(cases.values_list("channel", flat=True)) == set(Channel)
    assert cases.filter(is_collective=True, head_count__gte=2).exists()
    assert cases.filter(is_urgent=True).exists()
    assert cases.filter(identity_confidential=True).exists()
    assert cases.exclude(letter_number="").filter(letter_date__isnull=False).exists()
    assert cases.filter(state=State.CLOSED).exclude(external_reference="").exists()
    # A case the citizen answered is back under review.
    assert cases.filter(state=State.UNDER_REVIEW, events__kind=EventKind.CITIZEN_RESPONDED).exists()
    for decision in ("accepted", "rejected"):
        assert cases.filter(state=State.DECIDED, decision=decision).exists()


def test_staff_registered_every_case_that_did_not_come_from_the_portal(demo):
    assert not Case.objects.exclude(channel=Channel.WEB).filter(received_by=None).exists()
    assert not Case.objects.filter(channel=Channel.WEB).exclude(received_by=None).exists()
    assert all(case.citizen_phone.startswith("+9647") for case in Case.objects.all())


def test_every_case_history_starts_with_its_submission_and_chains_its_states(demo):
    now = timezone.now()
    for case in Case.objects.prefetch_related("events"):
        events = list(case.events.all())
        assert events[0].kind == EventKind.SUBMITTED, case.code
        assert events[0].at == case.created_at
        state = ""
        for before, event in zip([None, *events], events, strict=False):
            assert before is None or before.at <= event.at < now, case.code
            if event.to_state:
                assert event.from_state == state, (case.code, event.kind)
                state = event.to_state
        assert state == case.state, case.code


def test_a_second_run_changes_nothing(demo):
    models = (OrgUnit, Service, User, Membership, Case, CaseEvent)
    before = {model: list(model.objects.values_list("pk", flat=True)) for model in models}
    updated = list(Case.objects.order_by("pk").values_list("updated_at", flat=True))

    output = load_demo()

    assert "nothing changed" in output
    assert printed_logins(output) == printed_logins(demo)
    for model in models:
        assert list(model.objects.values_list("pk", flat=True)) == before[model], model
    assert list(Case.objects.order_by("pk").values_list("updated_at", flat=True)) == updated


def test_the_president_and_the_dean_receive_interviews(demo):
    from mithaq.interviews.models import InterviewRequest
    from mithaq.scheduling.models import Schedule

    officials = Schedule.objects.filter(official__isnull=False)
    assert sorted(officials.values_list("official__username", flat=True)) == [
        "dean",
        "president",
    ]
    states = sorted(InterviewRequest.objects.values_list("state", flat=True))
    assert states == ["requested", "scheduled"]


def test_the_demo_hall_takes_appointments_sunday_to_thursday(demo):
    from mithaq.scheduling.models import WeeklyHours
    from mithaq.walkin.models import HallService

    booked = HallService.objects.filter(schedule__isnull=False).order_by("position")
    assert [s.position for s in booked] == [1, 2]
    for service in booked:
        hours = WeeklyHours.objects.filter(schedule=service.schedule)
        # Python's weekdays: Monday is 0; Friday (4) and Saturday (5) are the weekend.
        assert sorted(hours.values_list("weekday", flat=True)) == [0, 1, 2, 3, 6]
        assert {(str(h.starts), str(h.ends), h.quota) for h in hours} == {
            ("09:00:00", "12:00:00", 12)
        }
