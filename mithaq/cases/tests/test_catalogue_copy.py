"""The public catalogue read from each process's copy (mithaq.catalog.public.CATALOGUE):
the ways it could show what is not so. A change committed shows on the next page; a change
rolled back never does; a version that takes effect tomorrow shows tomorrow without any
change to drop the copy; a unit closed takes its services off the list; a bulk_create shows
once changed() is called (no signal is listened to: each write path says so). Across two processes: test_copies_across_processes."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from mithaq.accounts import services as accounts_services
from mithaq.catalog import public
from mithaq.catalog import services as catalog_services
from mithaq.catalog.models import RequiredDocument, Service, ServiceFaq, ServiceVersion


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def current(org):
    version = ServiceVersion.objects.create(
        service=org.service_a, effective_from=timezone.localdate() - datetime.timedelta(days=30)
    )
    RequiredDocument.objects.create(
        version=version, position=1, name_ar="هوية", name_en="Student ID card"
    )
    return version


def page(client, org) -> str:
    return client.get(reverse("catalogue:service", args=[org.service_a.code])).content.decode()


class _Undo(Exception):
    pass


def test_a_committed_change_shows_on_the_next_page(client, org, current, django_assert_num_queries):
    assert "Student ID card" in page(client, org)
    with django_assert_num_queries(0):  # read from the copy
        page(client, org)
    with transaction.atomic():
        RequiredDocument.objects.create(
            version=current, position=2, name_ar="صورة", name_en="Passport photo"
        )
        ServiceFaq.objects.create(
            version=current, question_ar="س", question_en="Who collects it?", answer_ar="ج"
        )
        # What the office's version page does after writing (catalog.services.save_version).
        catalog_services.versions_changed()
    html = page(client, org)
    assert html.index("Student ID card") < html.index("Passport photo")
    assert "Who collects it?" in html
    RequiredDocument.objects.filter(name_en="Passport photo").get().delete()
    catalog_services.versions_changed()
    assert "Passport photo" not in page(client, org)


def test_a_rolled_back_change_is_never_shown(client, org, current):
    assert "Student ID card" in page(client, org)
    with pytest.raises(_Undo), transaction.atomic():
        RequiredDocument.objects.create(
            version=current, position=2, name_ar="صورة", name_en="Never saved"
        )
        raise _Undo
    assert "Never saved" not in page(client, org)


def test_a_version_from_tomorrow_shows_tomorrow_with_nothing_dropped(client, org, current):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    later = ServiceVersion.objects.create(service=org.service_a, effective_from=tomorrow)
    RequiredDocument.objects.create(version=later, position=1, name_ar="ب", name_en="New form")
    html = page(client, org)
    assert "Student ID card" in html and "New form" not in html
    with freeze_time(datetime.datetime.combine(tomorrow, datetime.time(9))):
        html = page(client, org)
    assert "New form" in html and "Student ID card" not in html


def test_a_closed_unit_takes_its_services_off_the_list(client, org, current):
    listed = client.get(reverse("catalogue:list")).content.decode()
    assert org.service_a.name_en in listed
    unit = org.service_a.unit
    unit.is_active = False
    accounts_services.save_unit(unit=unit)
    listed = client.get(reverse("catalogue:list")).content.decode()
    assert org.service_a.name_en not in listed
    assert "no longer takes new applications" in page(client, org)


def test_a_bulk_create_shows_once_changed_is_called(client, org, current):
    assert "Student ID card" in page(client, org)
    RequiredDocument.objects.bulk_create(
        [RequiredDocument(version=current, position=3, name_ar="و", name_en="Bulk document")]
    )
    assert "Bulk document" not in page(client, org)  # no signal: the copy is kept
    public.changed()
    assert "Bulk document" in page(client, org)


# The list without a search is rendered once per language and kept with the copy
# (ProcessCopy.derived): the same ways to fail, seen on the list.


def listed(client, language="en", **query) -> str:
    client.cookies["django_language"] = language
    return client.get(reverse("catalogue:list"), query).content.decode()


def test_the_kept_list_follows_a_committed_rename_in_each_language(
    client, org, django_assert_num_queries
):
    service = org.service_a
    assert service.name_en in listed(client) and service.name_ar in listed(client, "ar")
    with django_assert_num_queries(0):
        assert service.name_en in listed(client)
    service.name_en, service.name_ar = "Transcript of records", "كشف الدرجات الرسمي"
    service.save()
    catalog_services.services_changed()  # as the office's form does (save_service)
    assert "Transcript of records" in listed(client)
    assert "كشف الدرجات الرسمي" in listed(client, "ar")
    assert "Transcript of records" not in listed(client, "ar")


def test_the_kept_list_never_shows_a_rolled_back_rename(client, org):
    service = org.service_a
    original = service.name_en
    assert original in listed(client)
    with pytest.raises(_Undo), transaction.atomic():
        service.name_en = "Never saved"
        service.save()
        catalog_services.services_changed()
        # Inside the change's transaction the list is read afresh, and not kept.
        assert "Never saved" in listed(client)
        raise _Undo
    html = listed(client)
    assert "Never saved" not in html and original in html


def test_a_search_is_never_answered_from_the_kept_list(client, org):
    other = org.service_b
    assert other.name_en in listed(client)
    html = listed(client, q=org.service_a.code)
    assert org.service_a.name_en in html and other.name_en not in html
    assert other.name_en in listed(client)


def test_a_query_without_words_does_not_leave_its_message_in_the_kept_list(client, org):
    """`?q=!!` has no search words, so it is answered from the kept list: that list is
    rendered as with no query, and the next visitor is not told their search found nothing."""
    Service.objects.update(is_active=False)
    catalog_services.services_changed()
    assert "No services are listed yet." in listed(client, q="!!")
    assert "No services are listed yet." in listed(client)
