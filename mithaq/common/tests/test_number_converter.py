"""`<num:…>` in a URL (mithaq.common.ids.NumberConverter): a number a 64-bit column holds
matches; a longer one never reaches a view."""

from django.urls import Resolver404, resolve


def test_an_eighteen_digit_number_reaches_the_view_as_an_int():
    match = resolve("/staff/interviews/visits/999999999999999999/photos/7/")
    assert match.kwargs == {"pk": 999_999_999_999_999_999, "photo": 7}


def test_a_number_past_a_column_does_not_match():
    for path in (
        "/staff/interviews/visits/9223372036854775808/photos/1/",
        "/staff/interviews/visits/1/photos/99999999999999999999999999999999/",
    ):
        try:
            resolve(path)
        except Resolver404:
            continue
        raise AssertionError(f"{path} resolved")
