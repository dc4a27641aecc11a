from mithaq.accounts.access import cases_visible_to
from mithaq.cases import selectors
from mithaq.testing import make_case


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
