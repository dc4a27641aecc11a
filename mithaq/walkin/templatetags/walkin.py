"""Template helpers of the hall: minutes, local times, and the second language of a kiosk."""

import datetime

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def minutes(value) -> int | str:
    """A duration (timedelta, or minutes as a float) in whole minutes, rounded up."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.timedelta):
        value = value.total_seconds() / 60
    return max(int(-(-value // 1)), 0)


@register.filter
def decimal1(value) -> str:
    return "" if value is None else f"{value:.1f}"


@register.filter
def percent(value) -> str:
    return "" if value is None else f"{round(value * 100)}%"


@register.filter
def hall_time(value, hall):
    """A moment in the hall's own time zone."""
    if not value:
        return value
    return value.astimezone(hall.tzinfo)


@register.simple_tag
def other_language() -> str:
    """The kiosk speaks two languages at once: the active one and this one."""
    return "en" if (get_language() or "ar").startswith("ar") else "ar"


@register.filter
def localized(obj, language: str) -> str:
    """name_ar or name_en of a model, for the given language."""
    return getattr(obj, "name_ar" if language.startswith("ar") else "name_en", str(obj))
