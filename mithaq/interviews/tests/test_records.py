"""The monthly interview records: each official's month (held through Mithaq and recorded
after the fact), who has not submitted, and a dean's office sees only its unit's."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from mithaq.accounts.models import Membership, Role
from mithaq.interviews import records, services
from mithaq.interviews.models import MonthlyRecord
from mithaq.interviews.testing import REQUEST, make_official

TZ = ZoneInfo(settings.TIME_ZONE)
NOW = datetime.datetime(2027, 9, 5, 9, 0, tzinfo=TZ)
SEPTEMBER = datetime.date(2027, 9, 1)


@pytest.fixture
def officials(org):
    president = make_official(org)
    dean = make_official(org, username="dean", unit=org.college_a, name="عميد الهندسة")
    surgeon = make_official(org, username="dean_b", unit=org.college_b, name="عميد الطب")
    return {
        name: Membership.objects.get(user=user, role=Role.OFFICIAL)
        for name, user in (("president", president), ("dean", dean), ("dean_b", surgeon))
    }


def _held(org, membership):
    row = services.submit_request(
        official=membership.user, unit=membership.unit, now=NOW, **REQUEST
    )
    services.schedule_request(
        request=row,
        starts_at=datetime.datetime(2027, 9, 7, 10, 0, tzinfo=TZ),
        actor=org.office_manager,
        now=NOW,
    )
    services.record_meeting(
        request=row,
        actor=org.office_manager,
        attendees="-",
        asked="-",
        said="-",
        now=datetime.datetime(2027, 9, 7, 10, 30, tzinfo=TZ),
    )


def test_the_overview_counts_each_officials_month_and_who_has_not_submitted(org, officials):
    _held(org, officials["president"])
    records.add_recorded_interview(
        membership=officials["dean"],
        month=SEPTEMBER,
        held_on=datetime.date(2027, 9, 9),
        citizen_name="مراجع",
        subject="الدرجات",
        outcome="",
        actor=org.manager_college_a,
        now=datetime.datetime(2027, 9, 10, 9, 0, tzinfo=TZ),
    )
    records.submit_month(
        membership=officials["dean"],
        month=SEPTEMBER,
        actor=org.manager_college_a,
        now=datetime.datetime(2027, 10, 2, 9, 0, tzinfo=TZ),
    )
    from django.db.models import Q

    rows = {r.membership.user.username: r for r in records.month_overview(Q(), SEPTEMBER)}
    assert (rows["official"].held, rows["official"].recorded, rows["official"].submitted) == (
        1,
        0,
        False,
    )
    assert (rows["dean"].held, rows["dean"].recorded, rows["dean"].submitted) == (0, 1, True)
    assert rows["dean_b"].submitted is False


def test_a_month_not_over_cannot_be_submitted_and_a_submitted_one_is_closed(org, officials):
    with pytest.raises(ValidationError):
        records.submit_month(
            membership=officials["dean"], month=SEPTEMBER, actor=org.manager_college_a, now=NOW
        )
    after = datetime.datetime(2027, 10, 1, 9, 0, tzinfo=TZ)
    records.submit_month(
        membership=officials["dean"], month=SEPTEMBER, actor=org.manager_college_a, now=after
    )
    with pytest.raises(ValidationError) as closed:
        records.add_recorded_interview(
            membership=officials["dean"],
            month=SEPTEMBER,
            held_on=datetime.date(2027, 9, 9),
            citizen_name="x",
            subject="y",
            outcome="",
            actor=org.manager_college_a,
            now=after,
        )
    assert closed.value.code == "closed"
    assert MonthlyRecord.objects.get().entries.count() == 0


def test_a_deans_office_sees_only_its_units_officials(client, org, officials):
    client.force_login(org.manager_college_a)
    page = client.get(reverse("interview_office:records") + "?month=2027-09").content.decode()
    assert "عميد الهندسة" in page
    assert "عميد الطب" not in page and "رئيس الجامعة للمقابلات" not in page
    other = reverse("interview_office:record", args=[officials["dean_b"].pk, "2027-09"])
    assert client.get(other).status_code == 404
    mine = reverse("interview_office:record", args=[officials["dean"].pk, "2027-09"])
    assert client.get(mine).status_code == 200


def test_the_office_sees_every_official(client, org, officials):
    client.force_login(org.office_manager)
    page = client.get(reverse("interview_office:records") + "?month=2027-09").content.decode()
    assert "عميد الهندسة" in page and "عميد الطب" in page and "رئيس الجامعة للمقابلات" in page


def test_a_deans_office_adds_an_interview_through_the_page(client, org, officials):
    client.force_login(org.manager_college_a)
    url = reverse("interview_office:record_add", args=[officials["dean"].pk, "2026-11"])
    response = client.post(
        url,
        {"held_on": "2026-11-10", "citizen_name": "مراجع", "subject": "الدرجات", "outcome": ""},
    )
    assert response.status_code == 302
    assert MonthlyRecord.objects.get().entries.get().subject == "الدرجات"
    # A date outside the month: the page again with the error, nothing written.
    bad = client.post(
        url, {"held_on": "2026-10-10", "citizen_name": "x", "subject": "y", "outcome": ""}
    )
    assert bad.status_code == 400
    assert MonthlyRecord.objects.get().entries.count() == 1


# Reminders: October 2027 opens on a Friday and a Saturday (the weekend) and Sunday the 3rd is
# National Day, so its first working days are Monday 4, Tuesday 5 and Wednesday 6; Thursday 7
# is the fourth.
def _reminders(day: int) -> int:
    return records.remind_missing_records(now=datetime.datetime(2027, 10, day, 10, 0, tzinfo=TZ))


def test_officials_who_have_not_submitted_are_reminded_on_the_first_three_working_days(
    org, officials
):
    from mithaq.notifications.models import Message

    records.submit_month(
        membership=officials["dean"],
        month=SEPTEMBER,
        actor=org.manager_college_a,
        now=datetime.datetime(2027, 10, 1, 9, 0, tzinfo=TZ),
    )
    # Friday, Saturday, the holiday: nothing.
    assert [_reminders(1), _reminders(2), _reminders(3)] == [0, 0, 0]
    # The president, his assistant (the persona `official`) and the dean of medicine have
    # not submitted September; the dean of engineering has.
    assert _reminders(4) == 3
    assert _reminders(4) == 0  # the hourly job again the same day: already told
    assert [_reminders(5), _reminders(6), _reminders(7)] == [3, 3, 0]
    sent = Message.objects.filter(event_key="interview_record_due")
    assert sent.count() == 9
    assert set(sent.values_list("user__username", flat=True)) == {"assistant", "dean_b", "official"}
    one = sent.filter(user__username="dean_b").first()
    assert one.language == "ar"
    assert one.subject.startswith("تذكير: سجل مقابلات شهر") and "09/2027" in one.subject
    record_url = reverse("interview_office:record", args=[officials["dean_b"].pk, "2027-09"])
    assert record_url in one.body and "كلية الطب" in one.body


def test_the_reminder_speaks_the_officials_language(org, officials):
    from mithaq.notifications.models import Message

    officials["dean_b"].user.__class__.objects.filter(username="dean_b").update(language="fr")
    _reminders(4)
    french = Message.objects.get(event_key="interview_record_due", user__username="dean_b")
    assert french.subject.startswith("Rappel : le registre des entretiens de")
    assert "College of Medicine" in french.body  # a unit has Arabic and English names
