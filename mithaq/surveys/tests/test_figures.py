"""The results page's figures read in one query (selectors.all_breakdowns) against counts
made by hand in Python from the answers themselves, for every dimension, and against the
grouped queries one dimension at a time (selectors.breakdown). On PostgreSQL the whole
months come from MonthlyFigures, kept by a trigger: the ways it could drift (a bulk update,
a rollback, a case deleted with its answer, an answer changed) are checked against the
table remade from the answers."""

import datetime
import random

import pytest
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import override

from mithaq.surveys import selectors
from mithaq.surveys.models import SurveyAnswer
from mithaq.testing import make_case


@pytest.fixture(autouse=True)
def _english():
    with override("en"):
        yield


@pytest.fixture
def answers(org):
    """60 answers over four months, two units, two services and none, three channels and
    kinds, one outside the period."""
    rng = random.Random(15)
    zone = timezone.get_current_timezone()
    made = []
    for i in range(61):
        case = make_case(org)
        month = 1 + i % 4
        made.append(
            SurveyAnswer(
                case=case,
                satisfaction=rng.randint(1, 5),
                effort=rng.randint(1, 5),
                resolved=rng.choice(["yes", "partly", "no"]),
                unit=org.dept_a if i % 3 else org.dept_b,
                service=[org.service_a, org.service_b, None][i % 3 if i % 5 else 2],
                channel=["web", "email", "phone"][i % 3],
                kind=["complaint", "inquiry", ""][i % 2 if i % 7 else 2],
                person=org.officer_a,
                # The first day of a month at 00:30 local time: a month boundary in UTC.
                answered_at=datetime.datetime(2026, month, 1 + i % 27, 0, 30, tzinfo=zone)
                if i < 60
                else datetime.datetime(2025, 6, 1, tzinfo=zone),
                changed_at=timezone.now(),
            )
        )
    SurveyAnswer.objects.bulk_create(made)
    return made


def by_hand(rows, key):
    groups: dict = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    out = {}
    for value, members in groups.items():
        n = len(members)
        out[value] = rounded(
            n,
            sum(1 for m in members if m.satisfaction >= 4) / n if n >= 5 else None,
            sum(m.effort for m in members) / n if n >= 5 else None,
            sum(1 for m in members if m.resolved == "yes") / n if n >= 5 else None,
        )
    return out


def rounded(*values):
    return tuple(round(v, 9) if isinstance(v, float) else v for v in values)


def as_tuple(figures):
    return rounded(figures.count, figures.satisfied, figures.effort, figures.resolved)


# Whole months only (read from MonthlyFigures on PostgreSQL), and days at both ends.
PERIODS = [
    ((2026, 1, 1), (2026, 5, 1)),
    ((2026, 1, 15), (2026, 3, 10)),
    ((2026, 2, 3), (2026, 2, 20)),
]


@pytest.mark.parametrize("units", ["all", "college_a"])
@pytest.mark.parametrize(("first", "last"), PERIODS)
def test_one_query_gives_the_hand_counts_of_every_dimension(org, answers, units, first, last):
    zone = timezone.get_current_timezone()
    start = datetime.datetime(*first, tzinfo=zone)
    end = datetime.datetime(*last, tzinfo=zone)
    where = Q() if units == "all" else Q(unit__path__startswith=org.college_a.path)
    kept = [
        a
        for a in answers
        if start <= a.answered_at < end and (units == "all" or a.unit_id == org.dept_a.pk)
    ]
    with override("en"):
        overall, rows = selectors.all_breakdowns(where, start=start, end=end)
        one_by_one = {
            key: selectors.breakdown(selectors.answers_in(where, start=start, end=end), key)
            for key in selectors.DIMENSIONS
        }
    assert as_tuple(overall) == by_hand(kept, lambda a: None)[None]
    assert set(rows) == set(selectors.DIMENSIONS)
    keys = {
        "service": lambda a: a.service.name_en if a.service else "No service",
        "unit": lambda a: a.unit.name_en,
        "channel": lambda a: selectors._channel_label(a.channel),
        "kind": lambda a: selectors._kind_label(a.kind),
        "month": lambda a: a.answered_at.astimezone(zone).replace(
            day=1, hour=0, minute=0, second=0, microsecond=0
        ),
    }
    for dimension, key in keys.items():
        expected = by_hand(
            kept, lambda a, key=key, d=dimension: str(key(a)) if d != "month" else key(a)
        )
        got = {
            (str(row.label) if dimension != "month" else row.label): as_tuple(row.figures)
            for row in rows[dimension]
        }
        assert got == expected, dimension
        # The same rows, labels and order as the grouped query of that dimension alone.
        assert [(str(r.label), as_tuple(r.figures)) for r in rows[dimension]] == [
            (str(r.label), as_tuple(r.figures)) for r in one_by_one[dimension]
        ], dimension
    assert sum(row.figures.count for row in rows["month"]) == len(kept) == overall.count


def test_no_answer_gives_empty_tables(org):
    zone = timezone.get_current_timezone()
    start = datetime.datetime(2026, 1, 1, tzinfo=zone)
    overall, rows = selectors.all_breakdowns(
        Q(), start=start, end=start + datetime.timedelta(days=30)
    )
    assert overall.count == 0 and overall.satisfied is None
    assert all(rows[key] == [] for key in selectors.DIMENSIONS)


def _monthly_by_hand() -> dict:
    """What MonthlyFigures should hold, from the answers (rows summing to nothing left out)."""
    zone = timezone.get_current_timezone()
    out: dict = {}
    for a in SurveyAnswer.objects.all():
        month = a.answered_at.astimezone(zone).date().replace(day=1)
        for by, service, channel, kind in (
            ("service", a.service_id, "", ""),
            ("channel", None, a.channel, ""),
            ("kind", None, "", a.kind),
        ):
            key = (month, a.unit_id, by, service, channel, kind)
            n, sat, eff, res = out.get(key, (0, 0, 0, 0))
            out[key] = (
                n + 1,
                sat + (a.satisfaction >= 4),
                eff + a.effort,
                res + (a.resolved == "yes"),
            )
    return out


def _monthly_kept() -> dict:
    from mithaq.surveys.models import MonthlyFigures

    return {
        (r.month, r.unit_id, r.by, r.service_id, r.channel, r.kind): (
            r.n,
            r.n_satisfied,
            r.sum_effort,
            r.n_resolved,
        )
        for r in MonthlyFigures.objects.exclude(n=0)
    }


class _Undo(Exception):
    pass


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger that keeps it is PostgreSQL's"
)
def test_the_monthly_table_follows_every_kind_of_write(org, answers):
    from django.db import transaction

    assert _monthly_kept() == _monthly_by_hand() != {}
    # A bulk update (no Django signal) and a change of month.
    SurveyAnswer.objects.filter(channel="web").update(satisfaction=1, resolved="no")
    SurveyAnswer.objects.filter(pk=answers[0].pk).update(
        answered_at=answers[0].answered_at + datetime.timedelta(days=40)
    )
    assert _monthly_kept() == _monthly_by_hand()
    # A rolled-back change leaves nothing behind.
    before = _monthly_kept()
    with pytest.raises(_Undo), transaction.atomic():
        SurveyAnswer.objects.update(effort=5)
        raise _Undo
    assert _monthly_kept() == before == _monthly_by_hand()
    # A case deleted takes its answer (a cascade) out of the sums; a bulk delete too.
    answers[1].case.delete()
    SurveyAnswer.objects.filter(kind="inquiry").delete()
    assert _monthly_kept() == _monthly_by_hand()
    zone = timezone.get_current_timezone()
    start, end = (
        datetime.datetime(2026, 1, 1, tzinfo=zone),
        datetime.datetime(2026, 5, 1, tzinfo=zone),
    )
    overall, _rows = selectors.all_breakdowns(Q(), start=start, end=end)
    assert (
        overall.count
        == SurveyAnswer.objects.filter(answered_at__gte=start, answered_at__lt=end).count()
    )
