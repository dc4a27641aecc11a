"""A case keeps the version of its service it was submitted under."""

import datetime

from django.utils import timezone

from mithaq.catalog.models import ServiceVersion
from mithaq.testing import make_case


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=timezone.get_current_timezone())


def test_case_keeps_the_version_in_effect_when_it_was_submitted(org):
    service = org.service_a
    old = ServiceVersion.objects.create(service=service, effective_from=datetime.date(2027, 1, 1))
    case = make_case(org, service=service, now=at(datetime.date(2027, 2, 7)))
    new = ServiceVersion.objects.create(service=service, effective_from=datetime.date(2027, 2, 8))
    later = make_case(org, service=service, now=at(datetime.date(2027, 2, 8)), subject="ثانية")
    case.refresh_from_db()
    assert case.service_version == old
    assert later.service_version == new


def test_case_without_a_service_or_before_any_version_has_none(org):
    assert make_case(org).service_version is None
    assert make_case(org, service=org.service_a, subject="ب").service_version is None
