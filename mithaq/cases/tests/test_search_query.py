"""Search as each persona uses it: references, phones, IDs and words in any spelling; access
and confidentiality. Runs on SQLite and, with DATABASE_URL, on PostgreSQL (full-text)."""

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mithaq.accounts.access import access_for
from mithaq.cases import services
from mithaq.cases.access import cases_visible_to
from mithaq.cases.search import fuzzy, parse, search
from mithaq.cases.states import Channel
from mithaq.common.search_text import normalize_for_search
from mithaq.common.text import normalize_arabic
from mithaq.testing import make_case

BODY = "راجعتُ الأستاذة المسؤولة عن شؤون الطلبة يوم ٢٠٢٤/٣/٥ وقال مصطفى إن الكشف جاهز."


def found(user, q):
    return set(
        search(cases_visible_to(user), q, access=access_for(user)).values_list("code", flat=True)
    )


@pytest.fixture
def world(org):
    case = make_case(
        org,
        subject="طلب كشف الدرجات",
        body=BODY,
        citizen_name="زينب عبد الرحمن",
        citizen_phone="+9647701234567",
        citizen_national_id="199012345678",
    )
    other = make_case(
        org,
        unit=org.dept_b,
        subject="تأخر التدريب السريري",
        body="الأستاذة لم تحضر التدريب",
        citizen_name="زينب عبد الرحمن",
        citizen_phone="+9647701234567",
    )
    secret = make_case(
        org,
        subject="شكوى سرية",
        body="تحرش في القاعة الرابعة",
        citizen_name="نور الهدى",
        citizen_phone="+9647807654321",
        citizen_national_id="288812345678",
        identity_confidential=True,
    )
    return case, other, secret


def test_parse_tells_references_numbers_and_words_apart():
    assert parse("acde fghj").kind == "code"
    assert parse("ACDEFGHJ").code == "ACDE-FGHJ"
    assert parse("٠٧٧٠ ١٢٣ ٤٥٦٧").phone == "+9647701234567"
    assert parse("00964 770 123 4567").phone == "+9647701234567"
    assert parse("199012345678").kind == "number"
    assert parse("  ").kind == "empty"
    assert parse("والأستاذة في القسم").terms == ("استاذه", "في", "قسم")


def test_reference_with_or_without_dash_in_any_case(org, world):
    case, _other, _secret = world
    assert found(org.officer_a, case.code.lower()) == {case.code}
    assert found(org.officer_a, case.code.replace("-", " ")) == {case.code}
    assert found(org.officer_a, case.code.replace("-", "").lower()) == {case.code}


def test_an_eight_letter_word_is_also_searched_as_a_word(org):
    case = make_case(org, body="The request was ACCEPTED by the dean.")
    assert parse("accepted").code == "ACCE-PTED"
    assert found(org.officer_a, "accepted") == {case.code}


@pytest.mark.parametrize(
    "q", ["+9647701234567", "07701234567", "٠٧٧٠١٢٣٤٥٦٧", "0770 123 4567", "009647701234567"]
)
def test_phone_in_any_format_finds_only_own_units_case(org, world, q):
    case, other, _secret = world
    assert found(org.officer_a, q) == {case.code}
    assert found(org.officer_b, q) == {other.code}
    assert found(org.office_manager, q) == {case.code, other.code}


def test_national_id_exact(org, world):
    case, _other, _secret = world
    assert found(org.officer_a, "١٩٩٠١٢٣٤٥٦٧٨") == {case.code}
    assert found(org.officer_a, "19901234567") == set()


def test_words_in_variant_spellings(org, world):
    case, _other, _secret = world
    assert found(org.officer_a, "الاستاذه") == {case.code}
    assert found(org.officer_a, "استاذة مسئولة") == {case.code}
    assert found(org.officer_a, "مصطفي") == {case.code}
    assert found(org.officer_a, "الأستاذة الهندسة") == set()  # every word must match


def test_last_word_matches_as_a_prefix(org, world):
    case, _other, _secret = world
    assert found(org.officer_a, "شؤون الطل") == {case.code}


def test_other_unit_never_finds_the_case(org, world):
    case, other, _secret = world
    assert found(org.officer_b, "الكشف") == set()
    assert found(org.officer_b, case.code) == set()
    assert found(org.officer_b, "الأستاذة") == {other.code}


def test_reply_text_is_found(org, world):
    case, _other, _secret = world
    services.acknowledge_case(case=case, actor=org.officer_a)
    services.reply_to_citizen(case=case, actor=org.officer_a, body="أُرسلت الوثيقة بالبريد")
    assert found(org.officer_a, "الوثيقه") == {case.code}


def test_confidential_identity_is_searchable_only_by_who_may_see_it(org, world):
    _case, _other, secret = world
    # Officers of the unit see the case but not the citizen's identity.
    assert found(org.officer_a, "نور الهدى") == set()
    assert found(org.officer_a, "07807654321") == set()
    assert found(org.officer_a, "288812345678") == set()
    # ...and still find it by its reference and its content.
    assert found(org.officer_a, "تحرش") == {secret.code}
    assert found(org.officer_a, secret.code) == {secret.code}
    # Reception (everywhere, but never confidential identities) neither.
    assert found(org.reception, "نور") == set()
    # The office's managers and auditors may see it.
    for user in (org.office_manager, org.auditor):
        assert found(user, "نور الهدى") == {secret.code}
        assert found(user, "07807654321") == {secret.code}


def test_registering_employee_finds_the_confidential_case_by_name(org):
    secret = make_case(
        org,
        channel=Channel.WALK_IN,
        received_by=org.officer_b,
        unit=org.dept_a,
        citizen_name="نور الهدى",
        identity_confidential=True,
    )
    assert found(org.officer_b, "نور") == {secret.code}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram similarity")
def test_fuzzy_finds_a_misspelled_name_only_where_identity_may_be_seen(org, world):
    case, _other, secret = world
    officer = org.officer_a
    qs = fuzzy(cases_visible_to(officer), "زينت", access=access_for(officer))
    assert set(qs.values_list("code", flat=True)) == {case.code}
    qs = fuzzy(cases_visible_to(officer), "نور الهدي", access=access_for(officer))
    assert not qs.exists()
    manager = org.office_manager
    qs = fuzzy(cases_visible_to(manager), "نور الهدي", access=access_for(manager))
    assert set(qs.values_list("code", flat=True)) == {secret.code}


# --- Property: any spelling variant of a word of the text finds the case ------------------

_PREIMAGES = {
    "ا": "اأإآٱ",
    "ه": "هة",
    "ي": "يىی",
    "ء": "ءؤئ",
    "ك": "كک",
    **{str(d): f"{d}{'٠١٢٣٤٥٦٧٨٩'[d]}{'۰۱۲۳۴۵۶۷۸۹'[d]}" for d in range(10)},
}
_MARKS = ["\u064b", "\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u0640"]


@st.composite
def spelling_of(draw, word: str):
    out = []
    for ch in normalize_for_search(word):
        out.append(draw(st.sampled_from(_PREIMAGES.get(ch, ch))))
        if ch.isalpha() and draw(st.booleans()):
            out.append(draw(st.sampled_from(_MARKS)))
    return "".join(out)


WORDS = ["الأستاذة", "المسؤولة", "شؤون", "مصطفى", "٢٠٢٤", "الكشف", "الطلبة"]


@pytest.mark.django_db
def test_any_spelling_variant_of_a_word_finds_the_case(org):
    case = make_case(org, body=BODY)
    officer = org.officer_a
    access = access_for(officer)

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(st.sampled_from(WORDS).flatmap(spelling_of))
    def check(variant):
        codes = search(cases_visible_to(officer), variant, access=access).values_list(
            "code", flat=True
        )
        assert case.code in set(codes), variant

    check()


@given(st.text(max_size=80))
def test_normalisation_is_idempotent(value):
    once = normalize_arabic(value)
    assert normalize_arabic(once) == once


@given(st.sampled_from(WORDS).flatmap(spelling_of))
def test_variants_normalise_alike(variant):
    assert normalize_for_search(variant) in {normalize_for_search(w) for w in WORDS}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_word_search_uses_the_full_text_index(org, world):
    from mithaq.cases.models import Case

    with connection.cursor() as cursor:
        # As on a million cases: no reading of the whole table (the test's few rows would).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    qs = search(Case.objects.all(), "الاستاذه", access=access_for(org.office_manager))
    assert "case_search_fts" in qs.explain()
    qs = fuzzy(Case.objects.all(), "زينت", access=access_for(org.office_manager))
    assert "case_search_identity_trgm" in qs.explain()


def test_national_id_search_uses_its_index(org, world):
    from mithaq.cases.models import Case

    qs = search(Case.objects.all(), "199012345678", access=access_for(org.office_manager))
    # An equality on the ID's keyed hash (the ID itself is encrypted at rest).
    assert "citizen_national_id_hash" in qs.explain()


def test_overlong_words_are_left_out_and_do_not_break_a_submission(org):
    case = make_case(org, body="رابط " + "x" * 3000 + " نهاية")
    assert "xxxx" not in case.search_text
    assert found(org.office_manager, "نهايه") == {case.code}
