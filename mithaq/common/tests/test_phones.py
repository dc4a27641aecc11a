"""Phone numbers: what people type becomes E.164; what staff see is masked."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from mithaq.common.phones import mask_phone, parse_phone

IRAQI_MOBILE = "+9647701234567"
ASCII_TO_SCRIPTS = {str(i): (str(i), "٠١٢٣٤٥٦٧٨٩"[i], "۰۱۲۳۴۵۶۷۸۹"[i]) for i in range(10)}


@pytest.mark.parametrize(
    "typed",
    [
        "07701234567",
        "0770 123 4567",
        "0770-123-4567",
        "+964 770 123 4567",
        "009647701234567",
        "٠٧٧٠١٢٣٤٥٦٧",
        "٠٧٧٠ ١٢٣ ٤٥٦٧",
        "۰۷۷۰۱۲۳۴۵۶۷",
        "٠٠٩٦٤٧٧٠١٢٣٤٥٦٧",
        "+٩٦٤٧٧٠١٢٣٤٥٦٧",
        "  07701234567  ",
    ],
)
def test_iraqi_mobile_typed_any_way_is_stored_in_e164(typed):
    assert parse_phone(typed) == IRAQI_MOBILE


def test_local_numbers_are_read_in_the_configured_region(settings):
    settings.MITHAQ_PHONE_REGION = "EG"
    assert parse_phone("01001234567") == "+201001234567"


def test_an_explicit_region_wins_over_the_configured_one():
    assert parse_phone("01001234567", region="EG") == "+201001234567"
    assert parse_phone("٠١٠٠١٢٣٤٥٦٧", region="EG") == "+201001234567"


@pytest.mark.parametrize("typed", ["+201001234567", "00201001234567", "+٢٠١٠٠١٢٣٤٥٦٧"])
def test_egyptian_number_in_international_form_is_accepted_from_iraq(typed):
    assert parse_phone(typed) == "+201001234567"


@given(st.data())
def test_every_mix_of_digit_scripts_reads_as_the_same_number(data):
    typed = "".join(data.draw(st.sampled_from(ASCII_TO_SCRIPTS[d])) for d in "07701234567")
    assert parse_phone(typed) == IRAQI_MOBILE


@pytest.mark.parametrize(
    "typed",
    ["", "   ", "abc", "123", "0770123", "077012345678901", "+964 12", "٠٧٧٠", None],
)
def test_invalid_numbers_are_refused_with_the_invalid_phone_code(typed):
    with pytest.raises(ValidationError) as refused:
        parse_phone(typed)
    assert refused.value.code == "invalid_phone"


def test_a_number_valid_elsewhere_is_refused_when_it_is_not_valid_in_the_region():
    # 0101234567 is not an Iraqi number; it is not made valid by guessing another region.
    with pytest.raises(ValidationError):
        parse_phone("0101234567")


def test_mask_keeps_country_code_and_last_three_digits():
    assert mask_phone(IRAQI_MOBILE) == "+964•••••••567"


def test_mask_keeps_the_length():
    assert len(mask_phone("+201001234567")) == len("+201001234567")
    assert mask_phone("+201001234567") == "+201••••••567"


@pytest.mark.parametrize("short", ["", "+1", "+123456"])
def test_mask_hides_everything_of_a_short_value(short):
    assert mask_phone(short) == "•" * len(short)


@given(st.text(alphabet="+0123456789", min_size=8, max_size=16))
def test_mask_never_shows_more_than_seven_characters(value):
    masked = mask_phone(value)
    assert len(masked) == len(value)
    assert len(masked.replace("•", "")) == 7
