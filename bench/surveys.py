"""Seed survey answers for the satisfaction scenario (issue 15: 300,000 answers at
1,000,000 cases), one per closed case, as the survey would have written them.

    .venv/bin/python bench/surveys.py --answers 300000 [--database-url URL]

Answers are added to closed cases that have none, up to --answers in all: scores skewed
towards satisfied (as real surveys are), a comment on one in eight, answered within a few
days of the closing. Rows go in with bulk_create, 10,000 at a time."""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.seed import setup_django  # noqa: E402

BATCH = 10_000
SATISFACTION = [1, 2, 3, 4, 5]
WEIGHTS = [6, 6, 13, 35, 40]
COMMENTS = ["الموظف كان متعاونًا", "تأخر الرد", "الإجراءات طويلة", "خدمة ممتازة", "شكرًا"]


def seed_answers(total: int, *, seed: int = 15) -> int:
    from django.db.models import Exists, OuterRef

    from mithaq.cases.models import Case
    from mithaq.cases.states import State
    from mithaq.surveys.models import SurveyAnswer
    from mithaq.surveys.states import Resolved, Via

    have = SurveyAnswer.objects.count()
    wanted = max(0, total - have)
    if not wanted:
        return 0
    rng = random.Random(seed + have)
    rows = (
        Case.objects.filter(state=State.CLOSED, closed_at__isnull=False)
        .annotate(answered=Exists(SurveyAnswer.objects.filter(case=OuterRef("pk"))))
        .filter(answered=False)
        .values_list("id", "unit_id", "service_id", "channel", "kind", "assignee_id", "closed_at")
        .order_by("id")
    )
    batch, made = [], 0
    for case_id, unit_id, service_id, channel, kind, assignee_id, closed_at in rows.iterator(
        chunk_size=BATCH
    ):
        satisfaction = rng.choices(SATISFACTION, WEIGHTS)[0]
        resolved = Resolved.YES if satisfaction >= 4 else rng.choice(list(Resolved.values))
        answered = closed_at + datetime.timedelta(minutes=rng.randint(5, 5 * 24 * 60))
        batch.append(
            SurveyAnswer(
                case_id=case_id,
                satisfaction=satisfaction,
                effort=max(1, min(5, satisfaction + rng.choice([-1, 0, 0, 1]))),
                resolved=resolved,
                comment=rng.choice(COMMENTS) if rng.random() < 0.125 else "",
                via=Via.LINK,
                unit_id=unit_id,
                service_id=service_id,
                channel=channel,
                kind=kind,
                person_id=assignee_id,
                answered_at=answered,
                changed_at=answered,
            )
        )
        if len(batch) >= BATCH:
            SurveyAnswer.objects.bulk_create(batch)
            made += len(batch)
            batch = []
        if made + len(batch) >= wanted:
            break
    if batch:
        SurveyAnswer.objects.bulk_create(batch)
        made += len(batch)
    return made


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=300_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args(argv)
    setup_django(args.database_url)
    from django.db import connection

    from mithaq.surveys.models import SurveyAnswer

    started = time.monotonic()
    made = seed_answers(args.answers)
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{SurveyAnswer._meta.db_table}"')
    print(
        f"{made:,} answers added in {time.monotonic() - started:.0f} s; "
        f"{SurveyAnswer.objects.count():,} in all"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
