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
    # A service whose decision clock starts at the complete file holds it until then.
    version = case.service_version if case.service_version_id else None
    held = bool(
        version is not None and version.file_complete_starts_clock and not case.file_completed_at
    )
    return [view_clock(clock, calendar, now, held_for_file=held) for clock in current_clocks(case)]
