"""The inbox's views with their counts: mine, due today, late, waiting for the citizen,
unassigned; each count is the number of cases its link lists."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from mithaq.cases import services
from mithaq.cases.models import Case
from mithaq.routing.calendar import active_calendar
from mithaq.routing.models import CaseDeadline
from mithaq.testing import make_case


def _due(case, moment):
    CaseDeadline.objects.update_or_create(case=case, defaults={"due_at": moment, "paused": False})


def _counts(client) -> dict[str, int]:
    html = client.get(reverse("cases:inbox_views"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html
    found = re.findall(r'data-view="(\w+)">[^<]*<span class="count"><bdi>(\d+)</bdi>', html)
    return {key: int(n) for key, n in found}


def test_each_view_counts_what_its_link_lists(org, login):
    now = timezone.now()
    tz = active_calendar().tz
    end_of_day = datetime.datetime.combine(
        now.astimezone(tz).date() + datetime.timedelta(days=1), datetime.time(), tzinfo=tz
    )
    mine = make_case(org, subject="mine")
    services.assign_case(case=mine, actor=org.office_manager, assignee=org.officer_a)
    _due(mine, end_of_day + datetime.timedelta(days=3))
    late = make_case(org, subject="late")
    _due(late, now - datetime.timedelta(hours=2))
    today = make_case(org, subject="today")
    _due(
        today, min(now + datetime.timedelta(minutes=1), end_of_day - datetime.timedelta(seconds=1))
    )
    waiting = make_case(org, subject="waiting")
    services.acknowledge_case(case=waiting, actor=org.officer_a)
    services.request_information(case=waiting, actor=org.officer_a, question="صورة الهوية")
    _due(waiting, None)
    make_case(org, unit=org.dept_b, subject="another unit, late")  # not officer A's to see
    _due(Case.objects.get(subject="another unit, late"), now - datetime.timedelta(days=1))

    client = login(org.officer_a)
    counts = _counts(client)
    # By hand: A has four cases; one assigned to them, three (late, today, waiting) not.
    assert counts == {"mine": 1, "due_today": 1, "late": 1, "waiting": 1, "unassigned": 3}
    inbox = client.get(reverse("cases:inbox")).content.decode()
    for key, subjects in {
        "mine": {"mine"},
        "due_today": {"today"},
        "late": {"late"},
        "waiting": {"waiting"},
        "unassigned": {"late", "today", "waiting"},
    }.items():
        url = re.search(rf'href="([^"]+)" data-view="{key}"', inbox).group(1).replace("&amp;", "&")
        listed = client.get(url).context["cases"]
        assert {c["subject"] for c in listed} == subjects, key


def test_the_inbox_itself_counts_nothing_and_fetches_the_counts(org, login):
    html = login(org.officer_a).get(reverse("cases:inbox")).content.decode()
    assert f'hx-get="{reverse("cases:inbox_views")}"' in html
    assert 'class="count"' not in html


def test_someone_who_reads_no_cases_gets_404(org, login):
    assert login(org.nobody).get(reverse("cases:inbox_views")).status_code == 404


MONTHS = "January February March April May June July August September October November December"


def test_the_deadline_columns_date_and_countdown_come_from_one_clock(org, login):
    case = make_case(org)
    tz = active_calendar().tz
    late_since = timezone.now() - datetime.timedelta(days=3)
    _due(case, late_since)
    case.refresh_from_db()
    client = login(org.officer_a)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("cases:inbox")).content.decode()
    row = html[html.index(case.code) :]
    row = row[: row.index("</tr>")]
    local = late_since.astimezone(tz).date()
    shown = f"{local.day} {MONTHS.split()[local.month - 1]} {local.year}"
    promised = case.due_at.astimezone(tz).date()
    assert f"<bdi>{shown}</bdi>" in row and "overdue" in row
    if promised != local:  # the date the citizen was given is not the one beside "late"
        assert f"{promised.day} {MONTHS.split()[promised.month - 1]} {promised.year}" not in row
