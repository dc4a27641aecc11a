"""The office manager's catalogue pages: versions from a date, edited side by side, a
preview of the public page; anyone else gets 404."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mithaq.catalog import public, services
from mithaq.catalog.models import RequiredDocument, ServiceVersion
from mithaq.testing import make_case


def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def current(org):
    v = ServiceVersion.objects.create(
        service=org.service_a,
        effective_from=datetime.date(2020, 1, 1),
        who_may_apply_ar="طلبة القسم",
        who_may_apply_en="The department's students",
    )
    RequiredDocument.objects.create(version=v, name_ar="هوية", name_en="ID card")
    return v


def test_a_new_version_copies_the_one_in_effect(org, current):
    new = services.start_version(service=org.service_a, effective_from=tomorrow())
    assert new.who_may_apply_en == "The department's students"
    assert [d.name_en for d in new.documents.all()] == ["ID card"]
    # The copy is its own: editing it leaves the version in effect as it was.
    new.documents.update(name_en="National ID card")
    assert [d.name_en for d in current.documents.all()] == ["ID card"]


def test_a_version_cannot_start_today_or_twice_on_one_day(org, current):
    with pytest.raises(ValidationError):
        services.start_version(service=org.service_a, effective_from=timezone.localdate())
    services.start_version(service=org.service_a, effective_from=tomorrow())
    with pytest.raises(ValidationError):
        services.start_version(service=org.service_a, effective_from=tomorrow())


def test_a_version_in_effect_or_used_by_a_case_is_not_editable(org, current):
    assert not services.is_editable(current)
    later = services.start_version(service=org.service_a, effective_from=tomorrow())
    assert services.is_editable(later)
    make_case(org, service=org.service_a, now=timezone.now() + datetime.timedelta(days=1))
    assert not services.is_editable(later)


def _formset_data(version, prefix, rows, fields):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(len(rows)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data[f"{prefix}-{i}-id"] = str(row.pk)
        data[f"{prefix}-{i}-version"] = str(version.pk)
        for name in fields:
            value = getattr(row, name)
            if isinstance(value, bool):
                if value:
                    data[f"{prefix}-{i}-{name}"] = "on"
            else:
                data[f"{prefix}-{i}-{name}"] = str(value)
    return data


def test_office_manager_edits_a_version_to_come(client, org, current, login):
    kept = public.public_service(org.service_a.code)  # the public pages' copy, loaded
    later = services.start_version(service=org.service_a, effective_from=tomorrow())
    # start_version dropped the copy: the new version is in the next read.
    assert kept is not None and later.pk not in [v.pk for v in kept.versions]
    assert later.pk in [v.pk for v in public.public_service(org.service_a.code).versions]
    login(org.office_manager)
    url = reverse("catalog:version", args=[org.service_a.code, later.pk])
    assert client.get(url).status_code == 200
    doc = later.documents.get()
    data = {
        "who_may_apply_ar": "طلبة القسم وخريجوه",
        "who_may_apply_en": "Students and graduates",
        "apply_online": "on",
        "min_days_before_decision": "10",
    }
    data |= _formset_data(
        later,
        "documents",
        [doc],
        ["position", "name_ar", "name_en", "form", "count", "is_required", "notes_ar", "notes_en"],
    )
    data["documents-TOTAL_FORMS"] = "2"
    data["documents-1-name_ar"] = "صورة شخصية"
    data["documents-1-name_en"] = "Photo"
    data["documents-1-form"] = "copy"
    data["documents-1-count"] = "2"
    data["documents-1-position"] = "2"
    data["documents-1-is_required"] = "on"
    for prefix in ("fees", "steps", "questions", "faqs"):
        data |= _formset_data(later, prefix, [], [])
    response = client.post(url, data)
    assert response.status_code == 302, response.context and [
        fs.errors for _h, fs in response.context["formsets"]
    ]
    later.refresh_from_db()
    assert later.who_may_apply_en == "Students and graduates"
    assert later.min_days_before_decision == 10
    assert sorted(later.documents.values_list("name_en", flat=True)) == ["ID card", "Photo"]
    # The page's save dropped the public copy too (no signal: catalog.services.save_version).
    (kept_later,) = [
        v for v in public.public_service(org.service_a.code).versions if v.pk == later.pk
    ]
    assert [d.name_en for d in kept_later.documents.all()] == ["ID card", "Photo"]
    # The version in effect did not change.
    current.refresh_from_db()
    assert current.who_may_apply_en == "The department's students"
    preview = client.get(reverse("catalog:preview", args=[org.service_a.code, later.pk]))
    assert "طلبة القسم وخريجوه" in preview.content.decode()  # Arabic by default


def test_posting_to_a_version_in_effect_changes_nothing(client, org, current, login):
    login(org.office_manager)
    url = reverse("catalog:version", args=[org.service_a.code, current.pk])
    response = client.post(url, {"who_may_apply_en": "Anyone"})
    assert response.status_code == 302
    current.refresh_from_db()
    assert current.who_may_apply_en == "The department's students"


@pytest.mark.parametrize("persona", ["officer_a", "manager_college_a", "officer_b", "leader"])
def test_other_staff_get_404(client, org, current, login, persona):
    login(getattr(org, persona))
    assert client.get(reverse("catalog:edit", args=[org.service_a.code])).status_code == 404
    response = client.post(
        reverse("catalog:version_new", args=[org.service_a.code]),
        {"effective_from": tomorrow().isoformat()},
    )
    assert response.status_code == 404
    assert ServiceVersion.objects.count() == 1
