"""The service's versions and details: what is in effect on a day, fees as decimals."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from mithaq.catalog.models import Fee, RequiredDocument, ServiceVersion


def version(service, day, **fields):
    return ServiceVersion.objects.create(service=service, effective_from=day, **fields)


def test_version_on_a_day_is_the_latest_that_took_effect(org):
    service = org.service_a
    first = version(service, datetime.date(2027, 1, 1))
    second = version(service, datetime.date(2027, 3, 1))
    assert service.version_on(datetime.date(2026, 12, 31)) is None
    assert service.version_on(datetime.date(2027, 1, 1)) == first
    assert service.version_on(datetime.date(2027, 2, 28)) == first
    assert service.version_on(datetime.date(2027, 3, 1)) == second
    assert service.version_on(datetime.date(2030, 1, 1)) == second


def test_two_versions_cannot_take_effect_on_one_day(org):
    version(org.service_a, datetime.date(2027, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        version(org.service_a, datetime.date(2027, 1, 1))


@pytest.mark.parametrize(
    ("amount", "language", "shown"),
    [
        ("25000", "en", "25,000"),
        ("25000.000", "en", "25,000"),
        ("1500000", "en", "1,500,000"),
        ("12.5", "en", "12.5"),
        ("7.250", "en", "7.25"),
        ("25000", "ar", "25,000"),
        ("1234567.5", "ar", "1,234,567.5"),
    ],
)
def test_amount_is_grouped_without_trailing_zeros(org, amount, language, shown):
    fee = Fee(label_ar="رسم", label_en="Fee", amount=Decimal(amount), currency="IQD")
    with translation.override(language):
        assert fee.amount_number == shown


def test_a_version_with_only_zero_fees_is_free(org):
    free = version(org.service_a, datetime.date(2027, 1, 1))
    Fee.objects.create(version=free, label_ar="رسم", label_en="Fee", amount=Decimal("0"))
    paid = version(org.service_a, datetime.date(2027, 2, 1))
    Fee.objects.create(version=paid, label_ar="رسم", label_en="Fee", amount=Decimal("0"))
    Fee.objects.create(version=paid, label_ar="طابع", label_en="Stamp", amount=Decimal("250"))
    none = version(org.service_b, datetime.date(2027, 1, 1))
    assert free.is_free and none.is_free and not paid.is_free


def test_a_negative_fee_is_refused_by_the_database(org):
    v = version(org.service_a, datetime.date(2027, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Fee.objects.create(version=v, label_ar="رسم", label_en="Fee", amount=Decimal("-1"))


def test_fields_read_in_the_active_language_and_fall_back_to_the_other(org):
    v = version(org.service_a, datetime.date(2027, 1, 1))
    doc = RequiredDocument.objects.create(
        version=v, name_ar="هوية الأحوال المدنية", name_en="", notes_ar="", notes_en="Both sides"
    )
    with translation.override("en"):
        assert (doc.name, doc.notes) == ("هوية الأحوال المدنية", "Both sides")
    with translation.override("ar"):
        assert (doc.name, doc.notes) == ("هوية الأحوال المدنية", "Both sides")
