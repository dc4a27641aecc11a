"""Template tags that show the charter's clocks on staff pages."""

from django import template
from django.utils import timezone

from mithaq.routing import calendar as working
from mithaq.routing.display import view_clock
from mithaq.routing.selectors import current_clocks

register = template.Library()


@register.simple_tag
def case_clocks(case, now=None):
    """The clocks of the case's current round, each with its status in working time."""
    calendar = working.active_calendar()
    now = now or timezone.now()
    return [view_clock(clock, calendar, now) for clock in current_clocks(case)]
