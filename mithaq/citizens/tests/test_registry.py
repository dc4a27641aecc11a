"""The registry at submission: found by national ID, else by phone; made when new; an
unverified record follows the latest case, a verified one does not."""

import pytest
from django.core.exceptions import ValidationError

from mithaq.cases import services as case_services
from mithaq.citizens import services
from mithaq.citizens.models import Citizen
from mithaq.testing import make_case

pytestmark = pytest.mark.django_db


def test_a_new_case_makes_its_citizen(org):
    case = make_case(org, citizen_national_id="19901234567")
    citizen = case.citizen
    assert citizen.phone == "+9647701234567"
    assert citizen.national_id == "19901234567"
    assert citizen.name == "أحمد محمود"
    assert citizen.email == "ahmed@example.com"
    assert not citizen.is_verified


def test_the_same_phone_finds_the_same_person(org):
    first = make_case(org)
    second = make_case(org, citizen_name="أحمد محمود علي", citizen_email="")
    assert second.citizen_id == first.citizen_id
    second.citizen.refresh_from_db()
    # The new name is taken; an email the new case does not bring is kept.
    assert second.citizen.name == "أحمد محمود علي"
    assert second.citizen.email == "ahmed@example.com"
    assert Citizen.objects.count() == 1


def test_the_national_id_outranks_the_phone(org):
    first = make_case(org, citizen_national_id="19901234567")
    moved = make_case(org, citizen_national_id="19901234567", citizen_phone="+9647811111111")
    assert moved.citizen_id == first.citizen_id
    moved.citizen.refresh_from_db()
    assert moved.citizen.phone == "+9647811111111"


def test_a_shared_phone_with_another_national_id_is_another_person(org):
    father = make_case(org, citizen_national_id="19601234567")
    son = make_case(org, citizen_national_id="20051234567", citizen_name="محمد أحمد")
    assert son.citizen_id != father.citizen_id
    assert Citizen.objects.count() == 2


def test_a_phone_only_record_gains_the_national_id(org):
    first = make_case(org)
    second = make_case(org, citizen_national_id="19901234567")
    assert second.citizen_id == first.citizen_id
    second.citizen.refresh_from_db()
    assert second.citizen.national_id == "19901234567"


def test_a_verified_record_is_not_overwritten(org):
    first = make_case(org, citizen_group="undergraduate")
    services.mark_verified(citizen=first.citizen, actor=org.reception)
    second = make_case(org, citizen_name="اسم آخر", citizen_email="other@example.com")
    citizen = Citizen.objects.get()
    assert second.citizen_id == citizen.pk
    assert citizen.name == "أحمد محمود"
    assert citizen.email == "ahmed@example.com"
    assert citizen.group == "undergraduate"
    assert citizen.verified_by == org.reception
    # The case keeps what it was brought with.
    assert second.citizen_name == "اسم آخر"


def test_the_citizen_record_follows_a_contact_change_on_the_tracking_page(org):
    case = make_case(org)
    case_services.update_citizen_contact(case=case, phone="07812345678", email="new@example.com")
    case.citizen.refresh_from_db()
    assert case.citizen.phone == "+9647812345678"
    assert case.citizen.email == "new@example.com"


def test_reception_registered_cases_link_too(org):
    case = make_case(org, channel="walk_in", received_by=org.reception)
    assert case.citizen is not None


def test_a_submission_with_the_same_token_makes_one_citizen(org):
    import uuid

    token = uuid.uuid4()
    make_case(org, submission_token=token)
    make_case(org, submission_token=token)
    assert Citizen.objects.count() == 1


def test_preferences_need_an_allowed_channel_with_an_address(org):
    case = make_case(org, citizen_email="")
    with pytest.raises(ValidationError):
        services.update_preferences(
            citizen=case.citizen,
            actor=org.reception,
            allow_sms=True,
            allow_email=True,
            allow_whatsapp=False,
            preferred_channel="email",
            language="ar",
        )
    with pytest.raises(ValidationError):
        services.update_preferences(
            citizen=case.citizen,
            actor=org.reception,
            allow_sms=False,
            allow_email=True,
            allow_whatsapp=False,
            preferred_channel="sms",
            language="ar",
        )
    citizen = services.update_preferences(
        citizen=case.citizen,
        actor=org.reception,
        allow_sms=True,
        allow_email=False,
        allow_whatsapp=True,
        preferred_channel="whatsapp",
        language="en",
    )
    citizen.refresh_from_db()
    assert (citizen.preferred_channel, citizen.language, citizen.allow_email) == (
        "whatsapp",
        "en",
        False,
    )


def test_pick_prefers_the_national_id_then_a_phone_record_without_one():
    import datetime

    from django.utils import timezone

    now = timezone.now()
    a = Citizen(pk=1, phone="+1", national_id="111", updated_at=now)
    b = Citizen(pk=2, phone="+1", national_id="", updated_at=now - datetime.timedelta(days=1))
    assert services.pick_citizen([a, b], phone="+1", national_id="111") is a
    assert services.pick_citizen([a, b], phone="+1", national_id="222") is b
    assert services.pick_citizen([a], phone="+1", national_id="222") is None
    assert services.pick_citizen([a, b], phone="+1", national_id="") is b


def test_the_submission_stays_within_its_statement_budget_for_a_new_and_a_known_person(org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_case(org)  # warms the message templates' cache, as on a running site

    def statements(**fields):
        with CaptureQueriesContext(connection) as queries:
            make_case(org, **fields)
        sql = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
        return [s for s in sql if "citizens_citizen" in s]

    # A new person: one SELECT and one INSERT; a known one: one SELECT (and an UPDATE only
    # when the case brings something new).
    assert len(statements(citizen_phone="+9647899999999")) == 2
    assert len(statements(citizen_phone="+9647899999999")) == 1


def test_the_migration_backfills_citizens_for_older_cases(org):
    import importlib

    from django.apps import apps

    from mithaq.cases.models import Case

    backfill = importlib.import_module("mithaq.citizens.migrations.0002_backfill_citizens")
    a = make_case(org, citizen_national_id="19901234567")
    b = make_case(org, citizen_phone="+9647701234567", citizen_name="أحمد م.")
    c = make_case(org, citizen_phone="+9647809876543", citizen_name="سعاد")
    Case.objects.update(citizen=None)
    Citizen.objects.all().delete()
    backfill.backfill(apps, None)
    a.refresh_from_db(), b.refresh_from_db(), c.refresh_from_db()
    assert a.citizen_id == b.citizen_id != c.citizen_id
    assert Citizen.objects.count() == 2
    assert Citizen.objects.get(pk=a.citizen_id).national_id == "19901234567"
