"""Filling a canned reply's placeholders for a case: every placeholder, unknown ones,
confidential names, languages, and no template injection."""

import datetime

import pytest
from django.utils import timezone

from mithaq.common.text import FSI, PDI
from mithaq.knowledge.placeholders import (
    PLACEHOLDERS,
    canonical,
    case_values,
    fill,
    render_for_case,
    unknown_placeholders,
)
from mithaq.testing import make_case

NOW = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def case(org):
    case = make_case(org, service=org.service_a)
    case.created_at = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
    case.due_at = datetime.datetime(2026, 11, 11, 12, 0, tzinfo=datetime.UTC)
    return case


def render(text, case, officer, *, language="ar", show_identity=True):
    return render_for_case(
        text, case, officer=officer, language=language, show_identity=show_identity, now=NOW
    )


def test_every_english_placeholder_is_filled_in_arabic(case, org):
    text = " | ".join(f"{{{p.name}}}" for p in PLACEHOLDERS)
    out = render(text, case, org.officer_a)
    assert out.split(" | ") == [
        "أحمد محمود",
        f"{FSI}{case.code}{PDI}",
        f"{FSI}2 نوفمبر 2026{PDI}",
        f"{FSI}11 نوفمبر 2026{PDI}",
        f"{FSI}23 نوفمبر 2026{PDI}",
        "قسم الهندسة المدنية",
        "كشف الدرجات",
        "علي المدني",
    ]


def test_arabic_aliases_mean_the_same_and_ignore_spelling(case, org):
    out = render("{الاسم} {الأسم} {المرجع} {الجهه} { الخدمة } {اليوم}", case, org.officer_a)
    assert out == (
        f"أحمد محمود أحمد محمود {FSI}{case.code}{PDI} قسم الهندسة المدنية كشف الدرجات "
        f"{FSI}23 نوفمبر 2026{PDI}"
    )
    assert canonical("تاريخ الاستلام") == "received_date"
    assert canonical("Reference") == "reference"


def test_english_reply_is_written_in_english_without_isolates(case, org):
    out = render(
        "Dear {name}, {reference} of {received_date} from {unit} about {service}.",
        case,
        org.officer_a,
        language="en",
    )
    assert out == (
        f"Dear {FSI}أحمد محمود{PDI}, {case.code} of 2 November 2026 from Civil Engineering "
        "about Transcript."
    )
    # Only the Arabic name is isolated: the rest reads left to right already.
    assert out.count(FSI) == 1


def test_unknown_placeholders_are_left_visible_and_listed(case, org):
    text = "{name} {nickname} {name.upper} {0} {__class__} {رقم_الهاتف} {nickname}"
    out = render(text, case, org.officer_a)
    assert out == "أحمد محمود {nickname} {name.upper} {0} {__class__} {رقم_الهاتف} {nickname}"
    assert unknown_placeholders(text) == [
        "{nickname}",
        "{name.upper}",
        "{0}",
        "{__class__}",
        "{رقم_الهاتف}",
    ]
    assert unknown_placeholders("{reference} {الاسم}") == []


def test_stored_text_is_never_a_template(case, org):
    text = "{{ case.citizen_phone }} {% load static %} {{name}} {name!r} {name:>20} %(name)s"
    out = render(text, case, org.officer_a)
    # Only the bare {name} inside {{name}} is a placeholder; nothing is evaluated.
    assert "+9647701234567" not in out
    assert "{% load static %}" in out
    assert "{{ case.citizen_phone }}" in out
    assert "{name!r}" in out and "{name:>20}" in out and "%(name)s" in out


def test_unbalanced_braces_are_kept(case, org):
    assert render("{name", case, org.officer_a) == "{name"
    assert render("name}", case, org.officer_a) == "name}"
    assert render("{{name}", case, org.officer_a) == "{أحمد محمود"


def test_confidential_name_is_a_neutral_salutation_without_the_right(case, org):
    case.identity_confidential = True
    hidden = render("{name}", case, org.officer_a, show_identity=False)
    assert "أحمد" not in hidden
    assert hidden  # a salutation, never an empty gap
    assert render("{name}", case, org.office_manager, show_identity=True) == "أحمد محمود"
    english = render("Dear {name}", case, org.officer_a, language="en", show_identity=False)
    assert english == "Dear applicant"


def test_missing_values_stay_as_placeholders(org):
    case = make_case(org)
    case.due_at = None
    out = render_for_case(
        "{service} {expected_date}", case, officer=None, language="ar", show_identity=True
    )
    assert out == "{service} {expected_date}"


def test_values_follow_the_local_date(case, org):
    # 23:30 UTC is already the next day in Baghdad.
    late = datetime.datetime(2026, 11, 23, 23, 30, tzinfo=datetime.UTC)
    values = case_values(case, officer=None, language="ar", show_identity=True, now=late)
    assert "24" in values["today"]
    assert timezone.localtime(late).day == 24


def test_fill_replaces_only_known_names_with_values():
    assert fill("{name} {x}", {"name": "سارة"}) == "سارة {x}"
