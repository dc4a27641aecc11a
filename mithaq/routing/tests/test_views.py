"""The clocks page, the clock on the case page and the inbox's clock filters, over HTTP."""

import datetime

import pytest
from django.urls import reverse

from mithaq.cases import services
from mithaq.routing.models import CaseClock, Commitment, DurationUnit, Holiday
from mithaq.testing import make_case


def test_office_manager_sees_the_calendar_with_hijri_dates(org, login):
    response = login(org.office_manager).get(reverse("routing:calendar"), HTTP_ACCEPT_LANGUAGE="ar")
    body = response.content.decode()
    assert response.status_code == 200
    assert "عيد الفطر" in body and "شوال" in body


def test_administrator_may_open_the_calendar(org, login):
    assert login(org.admin).get(reverse("routing:calendar")).status_code == 200


@pytest.mark.parametrize("persona", ["officer_a", "manager_college_a", "auditor", "leader"])
def test_other_staff_get_404(org, login, persona):
    assert login(getattr(org, persona)).get(reverse("routing:calendar")).status_code == 404


def test_office_manager_corrects_a_holiday(org, login):
    eid = Holiday.objects.filter(hijri_key__startswith="eid_al_fitr:", date__year=2027).first()
    new_date = eid.date + datetime.timedelta(days=1)
    response = login(org.office_manager).post(
        reverse("routing:holiday_date", args=[eid.pk]), {"date": new_date.isoformat()}
    )
    assert response.status_code == 302
    eid.refresh_from_db()
    assert eid.date == new_date and eid.corrected


def test_officer_cannot_correct_a_holiday(org, login):
    eid = Holiday.objects.first()
    response = login(org.officer_a).post(
        reverse("routing:holiday_date", args=[eid.pk]), {"date": "2027-03-10"}
    )
    assert response.status_code == 404


def test_case_page_shows_each_target_and_time_left(org, case_a, login):
    client = login(org.officer_a)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("cases:detail", args=[case_a.code])).content.decode()
    assert 'id="clocks"' in body
    for label in ("Acknowledgement", "First reply", "Decision", "Resolution"):
        assert label in body
    assert "working" in body


def test_case_page_says_overdue_in_working_time(org, login):
    long_ago = datetime.datetime(2025, 11, 2, 9, tzinfo=datetime.UTC)
    case = make_case(org, now=long_ago)
    client = login(org.officer_a)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("cases:detail", args=[case.code])).content.decode()
    assert "overdue by" in body and "working days" in body


def test_inbox_filters_overdue_and_due_soon_and_sorts_by_due(org, login):
    now = datetime.datetime.now(datetime.UTC)
    late = make_case(org, now=now - datetime.timedelta(days=40), subject="متأخرة")
    fresh = make_case(org, subject="جديدة")
    services.acknowledge_case(case=fresh, actor=org.officer_a)
    client = login(org.officer_a)
    body = client.get(reverse("cases:inbox"), {"clock": "overdue"}).content.decode()
    assert late.code in body and fresh.code not in body
    body = client.get(reverse("cases:inbox"), {"sort": "due"}).content.decode()
    assert body.index(late.code) < body.index(fresh.code)


def test_inbox_filters_paused_clocks(org, login):
    waiting = make_case(org, subject="بانتظار المواطن")
    services.request_information(case=waiting, actor=org.officer_a, question="صورة الهوية")
    other = make_case(org)
    body = login(org.officer_a).get(reverse("cases:inbox"), {"clock": "paused"}).content.decode()
    assert waiting.code in body and other.code not in body
    assert CaseClock.objects.filter(case=waiting, paused_at__isnull=False).exists()


def test_inbox_stays_within_query_budget_with_clock_filters(
    org, case_a, login, django_assert_max_num_queries
):
    client = login(org.office_manager)
    client.get(reverse("accounts:security"))  # the session's one-time write (see cases tests)
    for clock in ("overdue", "due_soon", "paused"):
        with django_assert_max_num_queries(12):
            response = client.get(reverse("cases:inbox"), {"clock": clock, "sort": "due"})
            assert response.status_code == 200


# --- The holiday's page in Django's admin keeps the same limit as the clocks page -----------


def _admin_holiday_post(client, holiday, date):
    return client.post(
        reverse("admin:routing_holiday_change", args=[holiday.pk]),
        {
            "calendar": holiday.calendar_id,
            "date": date.isoformat(),
            "name_ar": holiday.name_ar,
            "name_en": holiday.name_en,
            "corrected": "",
            "_save": "Save",
        },
    )


def test_the_admin_refuses_to_move_a_holiday_further_than_the_clocks_page_does(org, login):
    eid = Holiday.objects.filter(hijri_key__startswith="eid_al_fitr:", date__year=2027).first()
    computed = eid.computed_date
    client = login(org.admin)
    client.cookies["django_language"] = "en"
    response = _admin_holiday_post(client, eid, computed + datetime.timedelta(days=30))
    assert response.status_code == 200
    assert "A correction moves a holiday by a few days at most (7)." in response.content.decode()
    eid.refresh_from_db()
    assert eid.date == computed and not eid.corrected


def test_the_admin_moves_a_holiday_within_the_limit(org, login):
    eid = Holiday.objects.filter(hijri_key__startswith="eid_al_fitr:", date__year=2027).first()
    new_date = eid.computed_date - datetime.timedelta(days=7)
    response = _admin_holiday_post(login(org.admin), eid, new_date)
    assert response.status_code == 302
    eid.refresh_from_db()
    assert eid.date == new_date and eid.corrected


def test_the_clocks_page_counts_working_days_and_hours_in_good_arabic(org, login):
    """ "1 أيام عمل" and "2 ساعات عمل" were written before; the noun now agrees."""
    rows = list(Commitment.objects.order_by("pk")[:4])
    for row, (amount, unit) in zip(
        rows,
        [
            (1, DurationUnit.DAYS),
            (2, DurationUnit.HOURS),
            (3, DurationUnit.DAYS),
            (11, DurationUnit.DAYS),
        ],
        strict=True,
    ):
        Commitment.objects.filter(pk=row.pk).update(amount=amount, unit=unit)
    body = login(org.office_manager).get(reverse("routing:calendar")).content.decode()
    for words in ("يوم عمل واحد", "ساعتا عمل", "3 أيام عمل", "11 يوم عمل"):
        assert words in body, words
    assert "1 أيام" not in body and "2 ساعات" not in body
