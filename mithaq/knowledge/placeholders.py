"""Filling a canned reply's {placeholders} for one case.

Stored text is written by staff, so it never reaches a template engine: a placeholder is a
name between braces, looked up in a fixed table; anything else stays exactly as written, so
an unknown or unfillable placeholder is left visible for the officer to see and fix before
sending. English names and Arabic aliases mean the same thing ({name} or {الاسم}); Arabic
aliases are compared normalised, so {الأسم} and {الاسم} are one."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import pgettext

# isolate(): first-strong isolate ... pop directional isolate, so that a date or a reference
# inside Arabic plain text (a textarea, an SMS) keeps its own order, as <bdi> does in HTML.
from mithaq.common.text import isolate, normalize_arabic

_PLACEHOLDER = re.compile(r"\{([^{}\n]{1,40})\}")
_RTL_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


@dataclass(frozen=True)
class Placeholder:
    name: str
    arabic: str
    aliases: tuple[str, ...] = ()


PLACEHOLDERS = (
    Placeholder("name", "الاسم", ("citizen", "اسم_المواطن")),
    Placeholder("reference", "المرجع", ("code", "الرقم_المرجعي", "رقم_الطلب")),
    Placeholder("received_date", "تاريخ_الاستلام", ("received",)),
    Placeholder("expected_date", "الموعد_المتوقع", ("due_date", "تاريخ_الإجابة")),
    Placeholder("today", "اليوم", ("date", "التاريخ")),
    Placeholder("unit", "الجهة", ("unit_name", "الوحدة")),
    Placeholder("service", "الخدمة", ("service_name",)),
    Placeholder("officer", "الموظف", ("officer_name",)),
)


def _key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", normalize_arabic(name))


_BY_KEY = {_key(alias): p.name for p in PLACEHOLDERS for alias in (p.name, p.arabic, *p.aliases)}


def canonical(name: str) -> str | None:
    """The placeholder a written name stands for, or None if it is unknown."""
    return _BY_KEY.get(_key(name))


def unknown_placeholders(text: str) -> list[str]:
    """The {names} in `text` that are not placeholders, as written, in order, once each."""
    seen: list[str] = []
    for match in _PLACEHOLDER.finditer(text):
        written = match.group(0)
        if canonical(match.group(1)) is None and written not in seen:
            seen.append(written)
    return seen


def fill(text: str, values: dict[str, str]) -> str:
    """Replace every known placeholder that has a value; leave everything else as written."""

    def replace(match):
        value = values.get(canonical(match.group(1)) or "")
        return match.group(0) if value in (None, "") else value

    return _PLACEHOLDER.sub(replace, text)


def _isolate(value: str, language: str) -> str:
    return isolate(value) if language in settings.LANGUAGES_BIDI else value


def _isolate_foreign(value: str) -> str:
    return isolate(value) if _RTL_LETTER.search(value) else value


def case_values(case, *, officer, language: str, show_identity: bool, now=None) -> dict:
    """What each placeholder says for `case`, in `language`. Without the right to see a
    confidential citizen's identity, {name} is a neutral salutation."""
    now = now or timezone.now()
    language = (language or "ar")[:2]
    arabic = language == "ar"
    with translation.override(language):
        if show_identity:
            # An Arabic name inside English text (or the reverse) keeps its own order.
            name = case.citizen_name if arabic else _isolate_foreign(case.citizen_name)
        else:
            name = pgettext("salutation when the name is confidential", "applicant")

        def day(moment):
            if moment is None:
                return ""
            return _isolate(
                formats.date_format(timezone.localtime(moment), "DATE_FORMAT"), language
            )

        values = {
            "name": name,
            "reference": _isolate(case.code, language),
            "received_date": day(case.created_at),
            # Not promised yet: left as {expected_date} for the officer to fill in.
            "expected_date": day(case.due_at),
            "today": day(now),
            "unit": case.unit.name_ar if arabic else case.unit.name_en,
            "service": (
                (case.service.name_ar if arabic else case.service.name_en) if case.service else ""
            ),
            "officer": officer.display_name if officer is not None else "",
        }
    return values


def render_for_case(text: str, case, *, officer, language: str, show_identity: bool, now=None):
    return fill(
        text,
        case_values(case, officer=officer, language=language, show_identity=show_identity, now=now),
    )
