"""The institution's name that heads every page, kept per process and language."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from mithaq.accounts import institution as context_processors
from mithaq.accounts.institution import _institution_name


def test_the_name_is_read_once_per_language_then_kept(org):
    with CaptureQueriesContext(connection) as first:
        assert _institution_name() == "جامعة الاختبار"
    assert len(first) == 1
    with CaptureQueriesContext(connection) as again:
        assert _institution_name() == "جامعة الاختبار"
    assert len(again) == 0
    with translation.override("en"):
        assert _institution_name() == "Test University"


def test_a_renamed_institution_shows_at_once(client, org):
    assert "جامعة الاختبار" in client.get(reverse("portal:home")).content.decode()
    org.root.name_ar = "جامعة الرافدين"
    org.root.save()
    html = client.get(reverse("portal:home")).content.decode()
    assert "جامعة الرافدين" in html and "جامعة الاختبار" not in html


def test_a_saved_unit_below_the_root_keeps_the_name(org):
    _institution_name()
    org.dept_a.name_ar = "قسم آخر"
    org.dept_a.save()
    assert context_processors._names  # still kept: only a root's change drops it


def test_the_kept_name_is_read_again_when_old(org, monkeypatch):
    _institution_name()
    org.root.__class__.objects.filter(pk=org.root.pk).update(name_ar="اسم جديد")  # no signal
    assert _institution_name() == "جامعة الاختبار"
    monkeypatch.setattr(context_processors, "NAME_MAX_AGE", 0.0)
    assert _institution_name() == "اسم جديد"


def test_a_root_moved_under_another_unit_drops_the_name(org):
    from mithaq.accounts.models import OrgUnit, UnitKind
    from mithaq.accounts.services import create_unit, save_unit

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
