import pytest

from mithaq.accounts.access import StaffAccess
from mithaq.accounts.models import Role
from mithaq.accounts.services import add_membership
from mithaq.cases import selectors
from mithaq.cases.access import cases_visible_to
from mithaq.cases.forms.staff import InboxFilterForm
from mithaq.cases.models import Case
from mithaq.testing import make_case, make_user


def test_the_inbox_rows_are_copies_of_one_template_that_is_never_run(org):
    mine = make_case(org, subject="تأخر توقيع")
    theirs = make_case(org, unit=org.dept_b, subject="انقطاع الإنترنت")
    seen = cases_visible_to(org.officer_a, selectors.inbox_rows())
    assert [row["code"] for row in seen] == [mine.code]
    assert {row["code"] for row in selectors.inbox_rows()} == {mine.code, theirs.code}
    row = selectors.inbox_rows().get(pk=theirs.pk)
    assert row["unit__name_ar"] == org.dept_b.name_ar and "deadline__due_at" in row
    assert selectors._INBOX_ROWS._result_cache is None
    assert not selectors._INBOX_ROWS.query.where


# --- A number search's baked page is the inbox's own query -------------------------------

PHONE = "+9647701234567"


def _general_rows(access, form, page_size):
    cases = form.filter(
        cases_visible_to(access, selectors.inbox_rows()), access.user, access=access
    )
    page = form.page_number
    return list(cases[(page - 1) * page_size : page * page_size + 1])


def _form(access, **data):
    return InboxFilterForm(data, options=selectors.filter_options_for(access))


def _found(user, q="07701234567"):
    """The references a number search shows this person, through the baked page."""
    access = StaffAccess(user)
    rows = selectors.baked_page(access, _form(access, q=q), page_size=25)
    return {row["code"] for row in rows}


@pytest.fixture
def numbered(org):
    mine = [make_case(org, subject=f"شكوى {n}", citizen_phone=PHONE) for n in range(5)]
    secret = make_case(
        org,
        citizen_phone=PHONE,
        identity_confidential=True,
        channel="walk_in",
        received_by=org.officer_b,
    )
    elsewhere = make_case(org, unit=org.dept_b, citizen_phone=PHONE)
    by_id = make_case(org, citizen_phone="+9647809990000", citizen_national_id="19901234567")
    abroad = make_case(org, unit=org.dept_a2, citizen_phone="+201001234567")
    return mine, secret, elsewhere, by_id, abroad


@pytest.mark.parametrize(
    "who", ["office_manager", "officer_a", "officer_b", "manager_college_a", "reception"]
)
@pytest.mark.parametrize(
    "q, extra",
    [
        ("٠٧٧٠ ١٢٣ ٤٥٦٧", {}),
        ("07701234567", {"sort": "created"}),
        ("07701234567", {"page": "2"}),
        ("19901234567", {}),
        ("00201001234567", {"sort": "due"}),
    ],
)
def test_a_number_searchs_baked_page_is_the_general_paths(org, numbered, who, q, extra):
    access = StaffAccess(getattr(org, who))
    form = _form(access, q=q, **extra)
    assert form.number_search is not None
    baked = selectors.baked_page(access, form, page_size=3)
    assert baked == _general_rows(access, form, 3)
    assert selectors.baked_page(access, form, page_size=3) == baked  # run again


def test_what_each_person_finds_by_number_and_a_changed_grant_changes_the_query(org, numbered):
    mine, secret, elsewhere, _by_id, _abroad = numbered
    assert _found(org.officer_a) == {c.code for c in mine}  # not the confidential one
    assert _found(org.office_manager) == {c.code for c in [*mine, secret, elsewhere]}
    assert _found(org.officer_b) == {elsewhere.code, secret.code}  # they received it
    add_membership(user=org.officer_b, unit=org.dept_a, role=Role.OFFICER)
    assert _found(org.officer_b) == {c.code for c in [*mine, secret, elsewhere]}


def test_other_filters_beside_a_number_words_or_the_deadline_take_the_general_path(org, numbered):
    access = StaffAccess(org.office_manager)
    assert (
        selectors.baked_page(access, _form(access, q="07701234567", state="open"), page_size=25)
        is None
    )
    assert selectors.baked_page(access, _form(access, q="تأخر"), page_size=25) is None
    assert selectors.baked_page(access, _form(access, clock="overdue"), page_size=25) is None


# --- So is a filtered page's -----------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["office_manager", "officer_a", "officer_b", "manager_college_a", "reception"]
)
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"state": "open"},
        {"state": "submitted", "kind": "complaint", "sort": "created"},
        {"channel": "walk_in", "urgent": "on"},
        {"mine": "on", "sort": "due"},
        {"assignee": "none", "page": "2"},
        {"state": "no-such-state"},  # an invalid filter is ignored, as on the general path
    ],
)
def test_a_filtered_pages_baked_query_is_the_general_paths(org, numbered, who, data):
    access = StaffAccess(getattr(org, who))
    form = _form(access, **data) if data else InboxFilterForm(None, options={})
    baked = selectors.baked_page(access, form, page_size=3)
    assert baked is not None and baked == _general_rows(access, form, 3)
    assert selectors.baked_page(access, form, page_size=3) == baked


def test_a_filtered_page_follows_the_data_and_the_person(org, numbered):
    mine, secret, elsewhere, by_id, abroad = numbered
    manager, officer = StaffAccess(org.office_manager), StaffAccess(org.officer_a)

    def codes(access, **data):
        rows = selectors.baked_page(access, _form(access, **data), page_size=25)
        return {row["code"] for row in rows}

    assert codes(manager, unit=str(org.dept_b.pk)) == {elsewhere.code}
    assert codes(manager, unit=str(org.dept_a2.pk)) == {abroad.code}
    assert elsewhere.code not in codes(officer)
    Case.objects.filter(pk=mine[0].pk).update(is_urgent=True)
    assert codes(officer, urgent="on") == {mine[0].code}  # the same SQL, new rows


def test_two_officers_of_one_unit_do_not_share_what_is_assigned_to_one(org, numbered):
    _mine, _secret, elsewhere, _by_id, _abroad = numbered
    Case.objects.filter(pk=elsewhere.pk).update(assignee=org.officer_a)  # in dept_b
    colleague = make_user("colleague_a", "زميل")
    add_membership(user=colleague, unit=org.dept_a, role=Role.OFFICER)

    assert elsewhere.code in _found(org.officer_a)
    assert elsewhere.code not in _found(colleague)


# --- A value the label tables do not know ---------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("kind", "tip<b>"), ("state", "on_hold<i>"), ("channel", "fax<u>")],
)
def test_a_kind_state_or_channel_the_labels_lack_shows_as_it_is_stored(org, login, field, value):
    """A value added to the data before its label (a new kind, an old channel) must not take
    the inbox down: the row shows the stored value, escaped, as the timeline does."""
    from django.urls import reverse

    case = make_case(org)
    Case.objects.filter(pk=case.pk).update(**{field: value})
    client = login(org.office_manager)
    for language in ("ar", "en"):
        client.cookies["django_language"] = language
        inbox = client.get(reverse("cases:inbox"))
        assert inbox.status_code == 200, language
        html = inbox.content.decode()
        assert case.code in html
        assert value.replace("<", "&lt;").replace(">", "&gt;") in html
        assert value not in html
        page = client.get(reverse("cases:detail", args=[case.code]))
        assert page.status_code == 200, language
