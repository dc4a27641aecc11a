"""Filling a template's {placeholders} safely, and counting an SMS's parts.

Templates are edited by the office, so they are never given to a template engine: only bare
{name} fields are filled, from a dict of strings; {name.attr}, {name[0]}, conversions and
format specs are left as written."""

import math
import re
import string
from dataclasses import dataclass

from django.utils.html import escape, linebreaks

from mithaq.common.text import FSI, PDI

_FORMATTER = string.Formatter()


def placeholders_in(template: str) -> set[str]:
    """The field names a template uses; raises ValueError on unbalanced braces."""
    return {name for _text, name, _spec, _conv in _FORMATTER.parse(template) if name is not None}


def render_text(template: str, context: dict) -> str:
    """Fill bare {name} fields from `context`; anything else is kept literally."""
    out = []
    try:
        parts = list(_FORMATTER.parse(template))
    except ValueError:
        return template
    for text, name, spec, conversion in parts:
        out.append(text)
        if name is None:
            continue
        if name.isidentifier() and not spec and not conversion and name in context:
            out.append(str(context[name]))
        else:
            literal = "{" + name + ("!" + conversion if conversion else "")
            out.append(literal + (":" + spec if spec else "") + "}")
    return "".join(out)


# An isolated value (FSI ... PDI) within one line of the escaped text.
_ISOLATED = re.compile(f"{FSI}([^{FSI}{PDI}<\n]*){PDI}")


def render_html(body_text: str, *, language: str) -> str:
    """The email's HTML part: the rendered text, escaped, in the reader's direction. Values
    isolated in the text are also put in <bdi>; the marks stay inside it, for the mail
    clients that drop tags they do not know."""
    direction = "rtl" if language.startswith("ar") else "ltr"
    body = _ISOLATED.sub(rf"<bdi>{FSI}\1{PDI}</bdi>", linebreaks(body_text, autoescape=True))
    return (
        f'<!doctype html><html lang="{escape(language)}" dir="{direction}"><body '
        f'style="font-family:sans-serif">{body}</body></html>'
    )


# GSM 03.38: the default alphabet, and the extension table whose characters take two septets.
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = set("^{}\\[~]|€\f")


@dataclass(frozen=True)
class SmsCount:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    parts: int
    per_part: int
    remaining: int  # what still fits in the last part


def count_sms(text: str) -> SmsCount:
    """How many parts an SMS takes. GSM-7: 160 in one part, 153 per part after, extension
    characters count two. Anything else (Arabic) is UCS-2: 70 in one part, 67 per part after,
    and a character outside the BMP (an emoji) counts two."""
    if all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text):
        encoding, single, multi = "GSM-7", 160, 153
        units = sum(2 if ch in GSM_EXTENSION else 1 for ch in text)
    else:
        encoding, single, multi = "UCS-2", 70, 67
        units = sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)
    if units == 0:
        return SmsCount(encoding, 0, 0, single, single)
    if units <= single:
        return SmsCount(encoding, units, 1, single, single - units)
    parts = math.ceil(units / multi)
    return SmsCount(encoding, units, parts, multi, parts * multi - units)
