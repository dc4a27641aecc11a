"""Template tags that show the charter's clocks on staff pages."""

from django import template
from django.utils import timezone

from mithaq.routing import calendar as working
from mithaq.routing.display import view_clock, working_time_left
from mithaq.routing.selectors import current_clocks

register = template.Library()


@register.simple_tag
def case_clocks(case, now=None):
    """The clocks of the case's current round, each with its status in working time."""
    calendar = working.active_calendar()
    now = now or timezone.now()
    return [view_clock(clock, calendar, now) for clock in current_clocks(case)]


@register.simple_tag
def deadline_status(case, now=None):
    """For an inbox row: {"status", "text"} of the case's next unmet target, or None."""
    deadline = getattr(case, "deadline", None)
    if deadline is None or not case.is_open:
        return None
    if deadline.paused:
        from django.utils.translation import gettext as _

        return {"status": "paused", "text": _("Paused"), "due_at": None}
    if deadline.due_at is None:
        return None
    calendar = working.active_calendar()
    overdue, text = working_time_left(calendar, now or timezone.now(), deadline.due_at)
    return {
        "status": "overdue" if overdue else "running",
        "text": text,
        "due_at": deadline.due_at.astimezone(calendar.tz),
    }
