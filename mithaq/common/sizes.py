"""A file's size in words, the noun agreeing with the number in each language. Django's
filesizeformat says "303 بايتان" in Arabic (its Arabic catalogue's plural forms for bytes are
off), so sizes are written here with our own ngettext entries."""

from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_noop, ngettext

_UNITS = (
    (1024**3, gettext_noop("%(n)s GB")),
    (1024**2, gettext_noop("%(n)s MB")),
    (1024, gettext_noop("%(n)s KB")),
)


def file_size(size: int | None) -> str:
    size = int(size or 0)
    for step, text in _UNITS:
        if size >= step:
            value = size / step
            shown = number_format(value, 1) if value < 10 else number_format(round(value), 0)
            return gettext(text) % {"n": shown}
    return ngettext("%(n)s byte", "%(n)s bytes", size) % {"n": size}
