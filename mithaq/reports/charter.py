"""The public charter page's figures: every commitment as the submission form promises it
(cases.services.clocks.promise), with last month's measured share met on time, shown only
where at least MIN_CASES clocks make the figure. Kept in the cache for a few hours (the
page is public and read often; the figure is never older than a day)."""

import datetime

from django.core.cache import cache
from django.db.models import Count, F, Q
from django.utils import timezone

from mithaq.cases.services.clocks import commitment_for, promise
from mithaq.cases.states import Kind
from mithaq.routing import calendar as working
from mithaq.routing.models import TARGET_ORDER, CaseClock

from .periods import monthly

MIN_CASES = 10
KEEP_SECONDS = 6 * 3600


def promised_target(kind: str, *, urgent: bool = False) -> str | None:
    """The target whose commitment the promise quotes: the last one that applies."""
    config = working.config()
    for target in reversed(TARGET_ORDER):
        if commitment_for(config, target=target, kind=kind, service_id=None, urgent=urgent):
            return target
    return None


def last_month_compliance(now: datetime.datetime) -> dict:
    """Per (kind, target): clocks due last month (the institution's month) met on time, and
    all of them judged (on time, late, or unmet at the month's end). One grouped query."""
    calendar = working.active_calendar()
    today = timezone.localdate(now, calendar.tz)
    last = monthly(today.year, today.month).previous()
    start, end = last.bounds(calendar.time_zone)
    rows = (
        CaseClock.objects.filter(case__merged_into__isnull=True, due_at__gte=start, due_at__lt=end)
        .exclude(met_at__isnull=True, paused_at__isnull=False)
        .values("case__kind", "target", "case__is_urgent")
        .annotate(
            judged=Count("pk"),
            on_time=Count("pk", filter=Q(met_at__lte=F("due_at"))),
        )
        .order_by()
    )
    measured = {
        f"{r['case__kind']}:{r['target']}:{int(r['case__is_urgent'])}": {
            "judged": r["judged"],
            "on_time": r["on_time"],
        }
        for r in rows
    }
    return {"period": last.key, "rows": measured}


def measured(now: datetime.datetime | None = None) -> dict:
    now = now or timezone.now()
    key = f"reports:charter:{timezone.localdate(now).isoformat()}"
    return cache.get_or_set(key, lambda: last_month_compliance(now), KEEP_SECONDS) or {}


def commitments(now: datetime.datetime | None = None) -> list[dict]:
    """Each kind's promise, and the urgent appeals', with last month's share met on time
    where at least MIN_CASES cases make it."""
    figures = measured(now)
    lines = []
    for kind, urgent in [*((k, False) for k in Kind.values), (Kind.COMPLAINT, True)]:
        words = promise(kind=kind, urgent=urgent)
        if not words:
            continue
        target = promised_target(kind, urgent=urgent)
        got = figures["rows"].get(f"{kind}:{target}:{int(urgent)}", {"judged": 0, "on_time": 0})
        share = got["on_time"] / got["judged"] if got["judged"] >= MIN_CASES else None
        lines.append(
            {
                "kind": Kind(kind),
                "urgent": urgent,
                "promise": words,
                "judged": got["judged"],
                "share": share,
            }
        )
    return lines
