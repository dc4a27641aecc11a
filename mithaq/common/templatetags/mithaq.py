"""Template helpers: isolate codes and numbers inside Arabic text, show Hijri dates."""

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

from mithaq.common.dates import hijri as _hijri

register = template.Library()


@register.filter
def bdi(value):
    """Isolate a code, phone, number or date so it keeps its own direction inside text of the
    other direction. <bdi> takes its direction from its first strong letter: a code or phone
    reads left to right, a date with an Arabic month name right to left."""
    if value in (None, ""):
        return ""
    return format_html("<bdi>{}</bdi>", value)


@register.filter
def hijri(value):
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return _hijri(value)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (for sorting and paging)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
