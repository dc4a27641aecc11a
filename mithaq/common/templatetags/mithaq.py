"""Template helpers: isolate codes and numbers inside Arabic text, show Hijri dates."""

import datetime
from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language

from mithaq.common import links
from mithaq.common.dates import hijri as _hijri
from mithaq.common.dates import long_date
from mithaq.common.recent import page_params
from mithaq.common.sizes import file_size
from mithaq.common.text import to_arabic_indic_digits

register = template.Library()


@lru_cache(maxsize=1024)
def _link(name: str, prefix: str) -> str:
    return reverse(name)


@lru_cache(maxsize=256)
def _asset(path: str) -> str:
    return static(path)


@register.simple_tag
def link(name: str) -> str:
    """{% url %} for a URL without arguments, worked out once per process: every staff page's
    navigation names a dozen of them, and reverse() costs more than the rest of the bar."""
    return _link(name, get_script_prefix())


@register.simple_tag
def asset(path: str) -> str:
    """{% static %}, worked out once per process (the manifest does not change while it runs)."""
    return _asset(path)


def _forget(*, setting, **kwargs):
    if setting in {"ROOT_URLCONF", "STATIC_URL", "STORAGES", "FORCE_SCRIPT_NAME"}:
        _link.cache_clear()
        _asset.cache_clear()


setting_changed.connect(_forget)


@register.filter
def bdi(value):
    """Isolate a code, phone, number or date so it keeps its own direction inside text of the
    other direction. <bdi> takes its direction from its first strong letter: a code or phone
    reads left to right, a date with an Arabic month name right to left."""
    if value in (None, ""):
        return ""
    return format_html("<bdi>{}</bdi>", value)


@register.filter
def digits(value):
    """A number in the institution's digits on Arabic pages (settings.MITHAQ_DIGITS): the
    hall's desks write them as its TV display does."""
    text = "" if value is None else str(value)
    if settings.MITHAQ_DIGITS == "arabic-indic" and (get_language() or "ar").startswith("ar"):
        return to_arabic_indic_digits(text)
    return text


@register.filter
def filesize(value):
    """A file's size with the noun agreeing with the number (mithaq.common.sizes)."""
    return file_size(value)


@register.filter
def hijri(value):
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return _hijri(value)


@register.filter
def longdate(value, arg=""):
    """A date in the language's one style (mithaq.common.dates.long_date); "weekday" puts the
    weekday's name before it."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return long_date(value, weekday=arg == "weekday")


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The query string of the address the page is for (mithaq.common.recent.page_params)
    with some parameters changed (for sorting and paging)."""
    params = page_params(context).copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def survey_link(subject: str, pk: int) -> str:
    """The personal survey link of a case ("c") or a hall ticket ("t"), made now
    (mithaq.common.links)."""
    return links.survey_path(subject, pk)
