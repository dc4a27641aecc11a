"""Placeholders are filled safely; SMS parts are counted as the networks count them."""

import math

from hypothesis import given
from hypothesis import strategies as st

from mithaq.notifications.rendering import (
    GSM_BASIC,
    GSM_EXTENSION,
    count_sms,
    placeholders_in,
    render_html,
    render_text,
)


def test_placeholders_are_filled():
    assert render_text(
        "Case {reference} by {expected_date}", {"reference": "AB-1", "expected_date": "1/2"}
    ) == ("Case AB-1 by 1/2")


def test_attribute_index_and_format_fields_are_left_as_written():
    context = {"reference": "AB"}
    for field in ("{reference.__class__}", "{reference[0]}", "{reference!r}", "{reference:>10}"):
        assert render_text(field, context) == field


def test_unknown_placeholder_is_left_and_broken_braces_do_not_crash():
    assert render_text("hi {name}", {}) == "hi {name}"
    assert render_text("hi {name", {"name": "x"}) == "hi {name"
    assert placeholders_in("{a} and {b}") == {"a", "b"}


def test_values_are_not_rendered_again():
    assert render_text("{text}", {"text": "{reference}", "reference": "X"}) == "{reference}"


def test_html_part_escapes_and_takes_direction():
    html = render_html("<script>x</script>", language="ar")
    assert "<script>" not in html and 'dir="rtl"' in html


def test_arabic_fits_70_in_one_part_and_67_after():
    assert count_sms("ب" * 70).parts == 1
    assert count_sms("ب" * 71).parts == 2
    assert count_sms("ب" * 134).parts == 2
    assert count_sms("ب" * 135).parts == 3
    assert count_sms("ب").encoding == "UCS-2"


def test_gsm_fits_160_and_153_and_extension_counts_two():
    assert count_sms("a" * 160).parts == 1
    assert count_sms("a" * 161).parts == 2
    assert count_sms("€" * 80).units == 160
    assert count_sms("€" * 80).parts == 1
    assert count_sms("€" * 81).parts == 2
    assert count_sms("").parts == 0


def test_emoji_counts_two_code_units():
    assert count_sms("😀").units == 2


gsm_text = st.text(alphabet=sorted(GSM_BASIC | GSM_EXTENSION), max_size=800)


@given(gsm_text)
def test_gsm_text_is_counted_in_septets(text):
    count = count_sms(text)
    septets = sum(2 if ch in GSM_EXTENSION else 1 for ch in text)
    assert count.encoding == "GSM-7"
    assert count.units == septets
    expected = 0 if not septets else 1 if septets <= 160 else math.ceil(septets / 153)
    assert count.parts == expected


@given(
    st.text(min_size=1, max_size=600).filter(
        lambda t: any(c not in GSM_BASIC | GSM_EXTENSION for c in t)
    )
)
def test_anything_else_is_ucs2(text):
    count = count_sms(text)
    assert count.encoding == "UCS-2"
    assert count.units >= len(text)
    assert count.units <= (count.per_part * count.parts)
    assert count.remaining >= 0


@given(st.text(max_size=600), st.text(max_size=600))
def test_more_text_never_takes_fewer_parts(a, b):
    assert (
        count_sms(a + b).parts >= count_sms(a).parts
        or count_sms(a).encoding != count_sms(a + b).encoding
    )
