"""Properties of search's own normalisation (normalize_for_search), which the index, the query
and the routing rules all read words through. Its variant spellings finding a case through
search itself are test_query.test_any_spelling_variant_of_a_word_finds_the_case."""

from hypothesis import example, given
from hypothesis import strategies as st

from mithaq.cases.tests.test_search_query import WORDS, spelling_of
from mithaq.common.search_text import content_part, normalize_for_search

# Arabic and its presentation forms, with the hamza forms, the combining hamzas and tatweel
# drawn often, and a little Latin, digits and white space.
arabic_text = st.text(
    alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
    | st.characters(min_codepoint=0xFB50, max_codepoint=0xFDFF)
    | st.characters(min_codepoint=0xFE70, max_codepoint=0xFEFF)
    | st.sampled_from(list("ءؤئأإآٱوي\u0654\u0655\u0640 abcÉé0123456789\t\n\u00a0")),
    max_size=40,
)


@given(arabic_text)
@example("مسؤول مسئول")
@example("و\u0654")  # waw and a combining hamza: ؤ once composed
@example("ي\u0640\u0654")  # tatweel between a letter and its hamza
@example("ﺅﺉ")  # presentation forms of ؤ and ئ
def test_normalising_for_search_twice_changes_nothing(value):
    once = normalize_for_search(value)
    assert normalize_for_search(once) == once


@given(arabic_text)
def test_no_hamza_seat_survives(value):
    assert not set(normalize_for_search(value)) & set("ؤئ\u0654\u0655")


@given(st.text(max_size=60))
def test_normalising_any_text_for_search_twice_changes_nothing(value):
    once = normalize_for_search(value)
    assert normalize_for_search(once) == once


def _words_and_their_spellings(words):
    return st.tuples(st.just(words), st.tuples(*(spelling_of(word) for word in words)))


@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).flatmap(_words_and_their_spellings))
def test_a_text_written_in_any_spelling_is_indexed_as_the_plain_one(drawn):
    """The other side of the variant search: whatever spelling the citizen wrote the case
    in, its document holds the same terms as the plain spelling, so any spelling finds it."""
    words, variants = drawn
    plain = content_part(code="", subject=" ".join(words), body="")
    assert content_part(code="", subject=" ".join(variants), body="") == plain
