"""The institution's name that heads every page, kept per process (a ProcessCopy of the root
unit; its behaviour across two processes is in common/tests/test_copies_across_processes.py)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from mithaq.accounts.institution import INSTITUTION, _institution_name
from mithaq.accounts.services import save_unit


def test_the_name_is_read_once_then_kept_for_every_language(org):
    with CaptureQueriesContext(connection) as first:
        assert _institution_name() == "جامعة الاختبار"
    assert len(first) == 1
    with CaptureQueriesContext(connection) as again:
        assert _institution_name() == "جامعة الاختبار"
    assert len(again) == 0
    with translation.override("en"), CaptureQueriesContext(connection) as english:
        assert _institution_name() == "Test University"
    assert len(english) == 0


def test_a_renamed_institution_shows_at_once(client, org):
    assert "جامعة الاختبار" in client.get(reverse("portal:home")).content.decode()
    org.root.name_ar = "جامعة الرافدين"
    save_unit(unit=org.root)  # the write path, which says the units changed
    html = client.get(reverse("portal:home")).content.decode()
    assert "جامعة الرافدين" in html and "جامعة الاختبار" not in html


def test_a_unit_saved_below_the_root_drops_the_copy_and_the_name_stays_right(org):
    _institution_name()
    org.dept_a.name_ar = "قسم آخر"
    save_unit(unit=org.dept_a)
    assert INSTITUTION.peek() is None
    assert _institution_name() == "جامعة الاختبار"


def test_a_rename_without_a_signal_shows_once_the_copy_is_old(org, monkeypatch):
    _institution_name()
    org.root.__class__.objects.filter(pk=org.root.pk).update(name_ar="اسم جديد")  # no signal
    assert _institution_name() == "جامعة الاختبار"
    monkeypatch.setattr(INSTITUTION, "max_age", 0.0)
    monkeypatch.setattr(INSTITUTION, "check_every", 0.0)
    assert _institution_name() == "اسم جديد"


def test_a_root_moved_under_another_unit_drops_the_name(org):
    from mithaq.accounts.models import OrgUnit, UnitKind
    from mithaq.accounts.services import create_unit

    ministry = create_unit(
        parent=None,
        kind=UnitKind.INSTITUTION,
        code="ministry",
        name_ar="وزارة التعليم العالي",
        name_en="Ministry of Higher Education",
        accepts_cases=False,
    )
    # Two roots for a moment: whichever heads the pages now is moved under the other.
    shown = _institution_name()
    moved, stays = (org.root, ministry) if shown == "جامعة الاختبار" else (ministry, org.root)
    moved = OrgUnit.objects.get(pk=moved.pk)
    moved.parent = stays
    save_unit(unit=moved)
    assert _institution_name() == stays.name_ar
    with translation.override("en"):
        assert _institution_name() == stays.name_en
