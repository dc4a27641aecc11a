"""The dashboard: each linked number is what the inbox shows behind its link."""

import datetime
import html
import re
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from mithaq.cases.models import Case
from mithaq.testing import make_case

from . import fixture

BAGHDAD = ZoneInfo("Asia/Baghdad")  # the seeded calendar's time zone
LINK = re.compile(r'<a data-count="(\w+)" href="([^"]+)">(?:<bdi>)?(\d+)(?:</bdi>)?</a>')


def _links(page: str) -> list[tuple[str, str, int]]:
    return [(kind, html.unescape(href), int(n)) for kind, href, n in LINK.findall(page)]


def test_every_number_is_the_inbox_behind_its_link(org, login):
    codes = fixture.build(org)
    client = login(org.office_manager)
    page = client.get(reverse("dashboard:index")).content.decode()
    links = _links(page)
    # Open now (6 December 2026): A B F I J L (K was closed on 2 December; G merged).
    assert sum(n for kind, _href, n in links if kind == "open") == 6
    assert sum(n for kind, _href, n in links if kind == "open") == Case.objects.open().count()
    assert sum(n for kind, _href, n in links if kind == "overdue") > 0
    for _kind, href, n in links:
        inbox = client.get(href).content.decode()
        shown = sum(1 for code in codes.values() if code in inbox)
        assert shown == n, href


def test_unit_manager_sees_the_subtree(org, login):
    fixture.build(org)
    client = login(org.manager_college_a)
    page = client.get(reverse("dashboard:index")).content.decode()
    units = {int(u) for u in re.findall(r'<tr data-unit="(\d+)">', page)}
    assert units == {org.dept_a.pk, org.dept_a2.pk}
    # A J L in civil engineering, B in electrical.
    assert sum(n for kind, _h, n in _links(page) if kind == "open") == 4


def test_received_today_links_to_the_inbox_of_exactly_those(org, login):
    # Midnight in the institution's time zone is today; a second before it is yesterday.
    now = timezone.now()
    midnight = datetime.datetime.combine(
        timezone.localdate(now, BAGHDAD), datetime.time(), tzinfo=BAGHDAD
    )
    today = [make_case(org, now=midnight), make_case(org, now=now)]
    yesterday = make_case(org, now=midnight - datetime.timedelta(seconds=1))
    elsewhere = make_case(org, unit=org.dept_b, now=now)
    client = login(org.office_manager)
    page = client.get(reverse("dashboard:index")).content.decode()
    [(href, n)] = [(h, n) for kind, h, n in _links(page) if kind == "new_today" and n == 2]
    inbox = client.get(href).content.decode()
    assert all(case.code in inbox for case in today)
    assert yesterday.code not in inbox and elsewhere.code not in inbox
    assert sum(n for kind, _h, n in _links(page) if kind == "new_today") == 3
