"""The dashboard: each linked number is what the inbox shows behind its link."""

import datetime
import html
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from freezegun import freeze_time

from mithaq.cases.models import Case
from mithaq.cases.services import acknowledge_case
from mithaq.cases.states import OPEN_STATES, State
from mithaq.reports import dashboard
from mithaq.routing.selectors import ClockFilter
from mithaq.testing import make_case
from mithaq.walkin import services as hall_services
from mithaq.walkin.testing import make_hall

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


# Sunday 6 December 2026, 09:00 in Baghdad.
SUNDAY = datetime.datetime(2026, 12, 6, 9, tzinfo=BAGHDAD)


def test_compliance_numbers_are_the_cases_behind_their_links(org, login):
    codes = fixture.build(org)
    # M: received Monday 30 November 09:00, acknowledged Wednesday 2 December 10:00: its
    # acknowledgement fell due on 1 December at 09:00 (six working hours of 08:00-14:00) and
    # was met late.
    m = make_case(org, unit=org.dept_b, now=fixture.at(11, 30, 9))
    acknowledge_case(case=m, actor=org.office_manager, now=fixture.at(12, 2, 10))
    codes["M"] = m.code
    with freeze_time(SUNDAY):
        client = login(org.office_manager)
        page = client.get(reverse("dashboard:index")).content.decode()
        rows = dict(re.findall(r'<tr data-unit="(\d+)"><td>.*?</td>(.*?)</tr>', page, re.S))
        links = {
            (unit, kind): (href, n)
            for unit, cells in rows.items()
            for kind, href, n in _links(cells)
            if kind in ("on_time", "late", "past_due")
        }
        # By hand, the promises due from 1 December to now: J (civil, received 1 December
        # 01:00) its acknowledgement (1 December 14:00) and its resolution (3 December
        # 14:00), both unmet: one case past due; M's acknowledgement, met late, and its
        # resolution (3 December 09:00), unmet: M is in both columns. L's second round falls
        # due after now; the rest fell due in November.
        civil, surgery = str(org.dept_a.pk), str(org.dept_b.pk)
        assert {k: n for k, (_h, n) in links.items()} == {
            (civil, "on_time"): 0,
            (civil, "late"): 0,
            (civil, "past_due"): 1,
            (surgery, "on_time"): 0,
            (surgery, "late"): 1,
            (surgery, "past_due"): 1,
        }
        for (_unit, _kind), (href, n) in links.items():
            inbox = client.get(href).content.decode()
            shown = {name for name, code in codes.items() if code in inbox}
            assert len(shown) == n, href
        assert codes["J"] in client.get(links[(civil, "past_due")][0]).content.decode()
        assert codes["M"] in client.get(links[(surgery, "late")][0]).content.decode()


def test_due_columns_say_what_the_inbox_filter_counts(org, login):
    fixture.build(org)
    client = login(org.office_manager)
    page = client.get(reverse("dashboard:index")).content.decode()
    head = re.search(r'<table id="dashboard-units">\s*<thead>(.*?)</thead>', page, re.S)[1]
    headers = [html.unescape(h) for h in re.findall(r"<th>(.*?)</th>", head)]
    inbox = client.get(reverse("cases:inbox")).content.decode()
    # The inbox's deadline filter, as its select shows it (in the same language).
    options = {
        value: html.unescape(label)
        for value, label in re.findall(r'<option value="(\w+)">([^<]*)</option>', inbox)
    }
    assert headers[-2:] == [options[ClockFilter.DUE_TODAY], options[ClockFilter.DUE_SOON]]
    with translation.override("ar"):
        assert headers[-2:] == [_("Due today"), _("Due within one working day")]
    hrefs = {kind: href for kind, href, _n in _links(page)}
    assert f"clock={ClockFilter.DUE_TODAY}" in hrefs["due_today"]
    assert f"clock={ClockFilter.DUE_SOON}" in hrefs["due_soon"]


def test_hall_numbers_link_to_the_hall_for_its_supervisors_only(org, login):
    hw = make_hall(org)
    now = timezone.now()
    hall_services.issue_ticket(hall=hw.hall, hall_service=hw.transcripts, now=now)
    hall_services.issue_ticket(hall=hw.hall, hall_service=hw.transcripts, now=now)
    client = login(org.office_manager)
    page = client.get(reverse("dashboard:index")).content.decode()
    supervise = reverse("walkin:supervise", args=[hw.hall.code])
    waiting = re.search(r'<a data-hall-count="waiting" href="([^"]+)">(?:<bdi>)?(\d+)', page)
    assert waiting and waiting[1] == f"{supervise}#live" and waiting[2] == "2"
    assert client.get(supervise).status_code == 200
    # The auditor reads the dashboard but supervises no hall: the numbers, no links.
    auditor = login(org.auditor).get(reverse("dashboard:index")).content.decode()
    assert f'data-hall="{hw.hall.code}"' in auditor and "data-hall-count" not in auditor


def test_past_months_of_the_trend_are_kept_at_most_six_hours(org, login):
    """The trend's months before this one are kept (dashboard.TREND_KEEP_SECONDS), so a
    change to a closed month (a bulk import, a merge, an erasure) shows within six hours,
    never later; this month is counted live, and the page says when the rest was counted."""
    now = fixture.at(12, 6, 9)
    for month, day in ((10, 5), (10, 6), (10, 7), (11, 3), (11, 4), (12, 1)):
        make_case(org, now=fixture.at(month, day, 10))
    cache.clear()

    def received() -> dict[str, int]:
        got = dashboard.trend(None, now=timezone.now())
        return {m["month"]: m["received"] for m in got["months"] if m["received"]}

    with freeze_time(now):
        assert received() == {"2026-10": 3, "2026-11": 2, "2026-12": 1}
    # Two November cases arrive late (an import), and one more today.
    for i in range(2):
        make_case(org, now=fixture.at(11, 20, 9, i))
    make_case(org, now=fixture.at(12, 6, 10))
    with freeze_time(now + datetime.timedelta(hours=5)):
        assert received() == {"2026-10": 3, "2026-11": 2, "2026-12": 2}
        page = login(org.office_manager).get(reverse("dashboard:index")).content.decode()
        # The page (in Arabic) says when the kept months were counted: 09:00, not 14:00.
        assert "<bdi>09:00</bdi>" in page
    later = dashboard.TREND_KEEP_SECONDS / 3600 + 0.01
    with freeze_time(now + datetime.timedelta(hours=later)):
        assert received() == {"2026-10": 3, "2026-11": 4, "2026-12": 2}
    assert dashboard.TREND_KEEP_SECONDS <= 24 * 3600


def _counts(rows: list[dict]) -> dict[int, tuple[int, ...]]:
    return {
        r["unit"]["id"]: (r["open"], r["overdue"], r["due_today"], r["due_soon"], r["new_today"])
        for r in rows
    }


def test_open_and_deadline_counts_by_hand(org):
    """The open, overdue, due-today and due-soon columns (on PostgreSQL by the merge join
    of _merge_joined) against the fixture counted by hand, on Sunday 6 December 09:00."""
    fixture.build(org)
    with freeze_time(SUNDAY):
        rows = dashboard.by_unit(Q(), now=SUNDAY)
    # Open: A J L (civil), B (electrical), I (surgery), F (the office). Their nearest
    # unmet promise: A's resolution (November), J's acknowledgement (1 December 14:00),
    # B's, I's and F's (November): overdue; L, reopened Thursday 3 December 10:00, owes its
    # acknowledgement one working day later, Sunday 10:00: due today and within a working
    # day. Nobody's case was received on Sunday.
    assert _counts(rows) == {
        org.dept_a.pk: (3, 2, 1, 1, 0),
        org.dept_a2.pk: (1, 1, 0, 0, 0),
        org.dept_b.pk: (1, 1, 0, 0, 0),
        org.office.pk: (1, 1, 0, 0, 0),
    }


def test_open_means_every_state_but_closed():
    # The open count says cases.open() as `state <> 'closed'` (its index's predicate).
    assert frozenset(State) - {State.CLOSED} == OPEN_STATES


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner settings"
)
PLANNER = ("enable_hashjoin", "max_parallel_workers_per_gather")


def _planner() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s), current_setting(%s)", PLANNER)
        return cursor.fetchone()


@postgresql_only
def test_the_open_counts_are_merge_joined_over_the_open_cases_index(org):
    """The merge join, and the query's open cases said as the open-cases index's predicate.
    Which index the planner reads in this test is not asked: on the suite's shared test
    database, full of other tests' dead rows, it weighs them differently from one run to the
    next (CI took the primary key's, then the unit's); on the bench's million cases it reads
    case_open_unit alone (decision 0018)."""
    fixture.build(org)
    rows = dashboard.open_by_unit(Case.objects.all(), now=SUNDAY, everywhere=True)
    with transaction.atomic(), connection.cursor() as cursor:
        # As on a million cases, where a loop over the open cases or reading them from the
        # table cost far more: the test's few rows would rather have them.
        for plan in ("seqscan", "bitmapscan", "nestloop"):
            cursor.execute(f"SET LOCAL enable_{plan} = off")
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        plan = rows.explain()
        cursor.execute(
            "SELECT pg_get_expr(i.indpred, i.indrelid), i.indisvalid FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'case_open_unit'"
        )
        predicate, valid = cursor.fetchone()
    assert "Merge Left Join" in plan or "Merge Right Join" in plan, plan
    assert valid and predicate == "((state)::text <> 'closed'::text)", predicate
    # The planner proves the index usable from the same condition in the query.
    assert "Filter: ((state)::text <> 'closed'::text)" in plan or "case_open_unit" in plan, plan


@postgresql_only
def test_planner_settings_do_not_outlive_the_query_in_a_callers_transaction(org):
    """The test runs in a transaction, as a caller's would: SET LOCAL alone would leave the
    hash joins off for the rest of it."""
    fixture.build(org)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 3")
    before = _planner()
    assert before == ("on", "3")
    with freeze_time(SUNDAY):
        dashboard.by_unit(Q(), now=SUNDAY)
    assert _planner() == before
    with freeze_time(SUNDAY):
        dashboard.compliance_by_unit(Q(), now=SUNDAY)
    assert _planner() == before
    # A query that fails inside leaves them as they were too (its savepoint rolled back).
    with pytest.raises(DatabaseError), transaction.atomic():
        dashboard._merge_joined(Case.objects.extra(where=["1/0 = 1"]).values("id"))
    assert _planner() == before


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_planner_settings_do_not_outlive_the_query_on_the_connection(org):
    """Outside any transaction (a page's request): the settings end with the query's own
    transaction, so the connection, kept for the next request, plans as before."""
    fixture.build(org)
    before = _planner()
    with freeze_time(SUNDAY):
        rows = dashboard.by_unit(Q(), now=SUNDAY)
        dashboard.compliance_by_unit(Q(), now=SUNDAY)
    assert not connection.in_atomic_block
    assert _planner() == before == ("on", before[1])
    assert _counts(rows)[org.dept_a.pk] == (3, 2, 1, 1, 0)


@postgresql_only
def test_the_months_compliance_is_counted_in_one_process(org, monkeypatch):
    """The compliance query is read with no parallel workers (decision 0018): the settings
    reach that query, and its plan then has no Gather."""
    fixture.build(org)
    seen = []
    real = dashboard._planned

    def explained(rows, **planner):
        found = real(rows, **planner)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                dashboard._set_local(len(planner)), [x for n in planner for x in (n, planner[n])]
            )
            seen.append((planner, rows.explain()))
        return found

    monkeypatch.setattr(dashboard, "_planned", explained)
    with freeze_time(SUNDAY):
        rows = dashboard.compliance_by_unit(Q(), now=SUNDAY)
    assert rows and len(seen) == 1
    planner, plan = seen[0]
    assert planner == {"max_parallel_workers_per_gather": "0"}
    assert "Gather" not in plan, plan
