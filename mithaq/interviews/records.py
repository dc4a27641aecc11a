"""The monthly interview records: each official's month (booked interviews held through
Mithaq plus those recorded after the fact), who has submitted, and the writes."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mithaq.accounts.models import Membership, Role, User
from mithaq.notifications.services import notify_staff
from mithaq.notifications.states import StaffEvent
from mithaq.routing.calendar import active_calendar

from .models import InterviewRequest, MonthlyRecord, RecordedInterview
from .states import RequestState


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = active_calendar().tz
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return (
        datetime.datetime.combine(first, datetime.time(0), tz),
        datetime.datetime.combine(following, datetime.time(0), tz),
    )


@dataclass(frozen=True)
class MonthRow:
    membership: Membership
    record: MonthlyRecord | None
    held: int
    recorded: int

    @property
    def submitted(self) -> bool:
        return self.record is not None and self.record.submitted_at is not None


def month_overview(units: Q, month: datetime.date) -> list[MonthRow]:
    """Every official of the units `units` selects, with their month: three queries."""
    memberships = list(
        Membership.objects.filter(role=Role.OFFICIAL, unit__is_active=True)
        .filter(units)
        .select_related("user", "unit")
        .order_by("unit__path", "user__full_name")
    )
    start, end = month_bounds(month)
    held_by = {
        (official_id, unit_id): n
        for official_id, unit_id, n in InterviewRequest.objects.on_day(start, end)
        .filter(state=RequestState.HELD)
        .values("official_id", "unit_id")
        .annotate(n=Count("pk"))
        .values_list("official_id", "unit_id", "n")
    }
    records = {
        (r.official_id, r.unit_id): r
        for r in MonthlyRecord.objects.filter(month=month.replace(day=1)).annotate(
            entry_count=Count("entries")
        )
    }
    rows = []
    for m in memberships:
        record = records.get((m.user_id, m.unit_id))
        rows.append(
            MonthRow(
                membership=m,
                record=record,
                held=held_by.get((m.user_id, m.unit_id), 0),
                recorded=getattr(record, "entry_count", 0) if record else 0,
            )
        )
    return rows


def held_interviews(membership: Membership, month: datetime.date):
    start, end = month_bounds(month)
    return (
        InterviewRequest.objects.on_day(start, end)
        .filter(official_id=membership.user_id, unit_id=membership.unit_id, state=RequestState.HELD)
        .select_related("booking")
        .order_by("booking__starts_at")
    )


def _record(membership: Membership, month: datetime.date) -> MonthlyRecord:
    record, _created = MonthlyRecord.objects.select_for_update().get_or_create(
        official_id=membership.user_id, unit_id=membership.unit_id, month=month.replace(day=1)
    )
    return record


def add_recorded_interview(
    *,
    membership: Membership,
    month: datetime.date,
    held_on: datetime.date,
    citizen_name: str,
    subject: str,
    outcome: str,
    actor: User,
    now: datetime.datetime | None = None,
) -> RecordedInterview:
    """An interview held without a booking, added to the official's month (not yet
    submitted: a submitted month is closed)."""
    now = now or timezone.now()
    if held_on.replace(day=1) != month.replace(day=1):
        raise ValidationError(_("The interview's date must fall in this month."), code="month")
    if held_on > timezone.localdate(now):
        raise ValidationError(_("An interview is recorded once it has been held."), code="future")
    with transaction.atomic():
        record = _record(membership, month)
        if record.submitted_at is not None:
            raise ValidationError(_("This month's record was already submitted."), code="closed")
        return RecordedInterview.objects.create(
            record=record,
            held_on=held_on,
            citizen_name=citizen_name.strip(),
            subject=subject.strip(),
            outcome=outcome.strip(),
            recorded_by=actor,
            recorded_at=now,
        )


def submit_month(
    *,
    membership: Membership,
    month: datetime.date,
    actor: User,
    now: datetime.datetime | None = None,
) -> MonthlyRecord:
    """The month is complete: submitted to the citizens' affairs office (once; a month not
    yet over cannot be)."""
    now = now or timezone.now()
    _start, end = month_bounds(month)
    if now < end:
        raise ValidationError(_("A month is submitted once it is over."), code="early")
    with transaction.atomic():
        record = _record(membership, month)
        if record.submitted_at is not None:
            raise ValidationError(_("This month's record was already submitted."), code="closed")
        record.submitted_at, record.submitted_by = now, actor
        record.save(update_fields=["submitted_at", "submitted_by"])
    return record


# Reminders -------------------------------------------------------------------------------------

# The officials are reminded on the first working days of the month after (seed 004 item 13:
# the month's record is due at its start).
REMINDER_WORKING_DAYS = 3


def working_day_of_month(day: datetime.date) -> int | None:
    """Which working day of its month `day` is (1 for the first), None when it is not one."""
    calendar = active_calendar()
    if not calendar.is_working_day(day):
        return None
    count = 0
    for n in range(1, day.day + 1):
        count += calendar.is_working_day(day.replace(day=n))
    return count


def remind_missing_records(*, now: datetime.datetime | None = None) -> int:
    """On each of the first REMINDER_WORKING_DAYS working days of a month, each official
    whose last month's record is not submitted gets one email that day (the dedupe key holds
    the day: an hourly job runs this many times). Returns the messages written."""
    now = now or timezone.now()
    today = now.astimezone(active_calendar().tz).date()
    nth = working_day_of_month(today)
    if nth is None or nth > REMINDER_WORKING_DAYS:
        return 0
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    base = settings.MITHAQ_PUBLIC_URL.rstrip("/")
    made = 0
    for row in month_overview(Q(), month):
        official = row.membership.user
        if row.submitted or not official.is_active:
            continue
        with translation.override(official.language or settings.LANGUAGE_CODE):
            unit = row.membership.unit.name
        url = reverse("interview_office:record", args=[row.membership.pk, f"{month:%Y-%m}"])
        message = notify_staff(
            user=official,
            event_key=StaffEvent.INTERVIEW_RECORD_DUE,
            context={"month": f"{month:%m/%Y}", "unit": unit, "url": base + url},
            dedupe=f"record-due:{row.membership.pk}:{month:%Y-%m}:{today.isoformat()}",
        )
        made += message is not None
    return made
