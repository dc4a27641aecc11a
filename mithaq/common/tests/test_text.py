"""Arabic normalisation and digit conversion: the form under which text is compared."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from mithaq.common.text import normalize_arabic, to_arabic_indic_digits, to_ascii_digits

ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"

# Text as people type it into an Arabic form: the Arabic block, its presentation forms (what
# some keyboards and PDFs paste), tatweel, ASCII letters, digits and assorted white space.
arabic_text = st.text(
    alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
    | st.characters(min_codepoint=0xFB50, max_codepoint=0xFDFF)
    | st.characters(min_codepoint=0xFE70, max_codepoint=0xFEFF)
    | st.sampled_from(list("abcXYZ 0123456789\t\n\u00a0ـ")),
    max_size=40,
)
digit_strings = st.text(alphabet="0123456789" + ARABIC_INDIC + PERSIAN, max_size=20)


class TestToAsciiDigits:
    def test_arabic_indic_digits_become_ascii(self):
        assert to_ascii_digits(ARABIC_INDIC) == "0123456789"

    def test_persian_digits_become_ascii(self):
        assert to_ascii_digits(PERSIAN) == "0123456789"

    def test_other_characters_are_kept_as_they_are(self):
        assert to_ascii_digits("رقم الطلب: ٤٢ / No. 7") == "رقم الطلب: 42 / No. 7"

    @given(digit_strings)
    def test_any_mix_of_digit_scripts_reads_as_the_same_number(self, digits):
        ascii_digits = to_ascii_digits(digits)
        assert set(ascii_digits) <= set("0123456789")
        assert len(ascii_digits) == len(digits)
        for typed, converted in zip(digits, ascii_digits, strict=True):
            assert int(converted) == int(typed)  # int() understands every Unicode digit

    @given(st.text())
    def test_conversion_is_idempotent_and_keeps_the_length(self, value):
        once = to_ascii_digits(value)
        assert to_ascii_digits(once) == once
        assert len(once) == len(value)

    @given(st.text())
    def test_arabic_indic_round_trip_gives_the_ascii_form(self, value):
        assert to_ascii_digits(to_arabic_indic_digits(value)) == to_ascii_digits(value)

    def test_ascii_digits_shown_as_arabic_indic(self):
        assert to_arabic_indic_digits("2026-03-20") == "٢٠٢٦-٠٣-٢٠"


class TestNormalizeArabic:
    def test_diacritics_are_removed(self):
        assert normalize_arabic("أَحْمَدُ مُحَمَّدٌ") == "احمد محمد"

    def test_quranic_marks_and_superscript_alef_are_removed(self):
        assert normalize_arabic("هٰذا") == "هذا"
        assert normalize_arabic("الرَّحْمَٰنِ") == "الرحمن"

    def test_tatweel_is_removed(self):
        assert normalize_arabic("جـــامعة") == "جامعه"

    @pytest.mark.parametrize("alef", ["أ", "إ", "آ", "ٱ", "ا"])
    def test_every_alef_form_compares_equal(self, alef):
        assert normalize_arabic(f"{alef}حمد") == "احمد"

    def test_alef_with_a_combining_hamza_is_the_same_alef(self):
        assert normalize_arabic("ا\u0654حمد") == normalize_arabic("أحمد") == "احمد"

    def test_ta_marbuta_compares_as_ha(self):
        assert normalize_arabic("جامعة") == normalize_arabic("جامعه") == "جامعه"

    def test_alef_maqsura_compares_as_ya(self):
        assert normalize_arabic("مستشفى") == normalize_arabic("مستشفي") == "مستشفي"

    def test_hamza_on_waw_and_ya_compare_as_the_letter(self):
        assert normalize_arabic("مسؤول") == "مسوول"
        assert normalize_arabic("رئيس") == "رييس"

    def test_arabic_indic_and_persian_digits_become_ascii(self):
        assert normalize_arabic("الطلب ٤٢ و ۷") == "الطلب 42 و 7"

    def test_presentation_forms_become_letters(self):
        assert normalize_arabic("ﻻ") == "لا"
        assert normalize_arabic("ﷲ") == "الله"

    def test_latin_is_case_folded(self):
        assert normalize_arabic("Civil ENGINEERING") == "civil engineering"

    def test_white_space_is_collapsed_and_trimmed(self):
        assert normalize_arabic("  كلية \t\n الهندسة\u00a0 ") == "كليه الهندسه"

    def test_a_name_typed_carelessly_matches_the_careful_spelling(self):
        assert normalize_arabic("إِسْرَاءُ  عَلِيّ") == normalize_arabic("اسراء علي")

    @given(arabic_text)
    @example("أَحْمَدُ")
    @example("ﹰx")  # a presentation form that expands to a space and a mark
    @example("ﷺ")
    def test_normalising_twice_changes_nothing(self, value):
        once = normalize_arabic(value)
        assert normalize_arabic(once) == once

    @given(arabic_text)
    def test_result_has_no_marks_tatweel_or_variant_letters(self, value):
        result = normalize_arabic(value)
        assert not set(result) & set("أإآٱةىؤئـ\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652")
        assert not set(result) & set(ARABIC_INDIC + PERSIAN)
        assert result == result.strip()
        assert "  " not in result

    def test_normalising_twice_changes_nothing_when_tatweel_separates_a_latin_accent(self):
        once = normalize_arabic("e\u0640\u0301")
        assert normalize_arabic(once) == once
