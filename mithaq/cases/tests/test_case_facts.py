"""The case page's "Case" and "Citizen" cards (mithaq.cases.facts)."""

from django.utils import translation

from mithaq.cases.facts import render_case_facts
from mithaq.testing import make_case


def _cards(case, show_identity=True, language="en"):
    with translation.override(language):
        return str(render_case_facts(case, show_identity=show_identity))


def test_the_citizen_card_shows_the_identity_isolated_and_escaped(org):
    case = make_case(
        org, citizen_name='<b>سارة</b> "x"', citizen_phone="+9647701234567", citizen_email=""
    )
    html = _cards(case)
    assert "&lt;b&gt;سارة&lt;/b&gt; &quot;x&quot;" in html and "<b>" not in html
    assert "<dt>Phone</dt><dd><bdi>+9647701234567</bdi></dd>" in html
    assert "<dt>Email</dt>" not in html  # none given


def test_a_masked_identity_shows_only_the_group(org):
    case = make_case(
        org, identity_confidential=True, citizen_phone="+9647701234567", citizen_national_id="19876"
    )
    html = _cards(case, show_identity=False, language="ar")
    assert "+9647701234567" not in html and case.citizen_name not in html and "19876" not in html
    assert 'class="masked"' in html and "<dt>الصفة</dt>" in html
    shown = _cards(case, show_identity=True)
    assert "+9647701234567" in shown and "Your reading of this identity is logged." in shown


def test_the_case_card_names_the_unit_dates_and_head_count_in_the_language(org):
    case = make_case(org, is_collective=True, head_count=12)
    english = _cards(case)
    assert f"<dt>Unit</dt><dd>{org.dept_a.name_en}</dd>" in english
    assert "<dt>Collective</dt><dd>12 people</dd>" in english
    assert "<dt>Assigned to</dt><dd>—</dd>" in english
    assert english.count("<bdi>") >= 3  # received, expected by and the phone
    arabic = _cards(case, language="ar")
    assert org.dept_a.name_ar in arabic and "<h2>المواطن</h2>" in arabic


def test_the_case_page_shows_the_cards(org, login):
    case = make_case(org)
    client = login(org.office_manager)
    client.cookies["django_language"] = "en"
    html = client.get(f"/staff/cases/{case.code}/").content.decode()
    assert "<h2>Case</h2>" in html and "<h2>Citizen</h2>" in html
    assert case.citizen_phone in html
