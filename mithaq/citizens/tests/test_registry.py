"""The registry at submission: found by national ID, else by phone; made when new; an
unverified record follows the latest case reception registers, a verified one does not, and
a web case changes no record (and joins one only when its details agree)."""

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from mithaq.cases import services as case_services
from mithaq.cases.states import Channel
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


def reception_case(org, **fields):
    """A walk-in registered by reception, who has the person and their documents in front of
    them."""
    return make_case(org, channel=Channel.WALK_IN, received_by=org.reception, **fields)


def test_the_same_phone_finds_the_same_person_and_a_web_case_changes_nothing(org):
    first = make_case(org)
    second = make_case(org, citizen_name="أحمد محمود علي", citizen_email="other@example.com")
    assert second.citizen_id == first.citizen_id
    citizen = Citizen.objects.get()
    assert (citizen.name, citizen.email) == ("أحمد محمود", "ahmed@example.com")
    assert citizen.updated_at == first.created_at
    # The case keeps what it was brought with.
    assert (second.citizen_name, second.citizen_email) == ("أحمد محمود علي", "other@example.com")


def test_reception_updates_a_record_not_yet_verified(org):
    first = make_case(org)
    second = reception_case(org, citizen_name="أحمد محمود علي", citizen_email="")
    assert second.citizen_id == first.citizen_id
    second.citizen.refresh_from_db()
    # The new name is taken; an email the new case does not bring is kept.
    assert second.citizen.name == "أحمد محمود علي"
    assert second.citizen.email == "ahmed@example.com"
    assert Citizen.objects.count() == 1


def test_for_reception_the_national_id_outranks_the_phone(org):
    first = make_case(org, citizen_national_id="19901234567")
    moved = reception_case(org, citizen_national_id="19901234567", citizen_phone="+9647811111111")
    assert moved.citizen_id == first.citizen_id
    moved.citizen.refresh_from_db()
    assert moved.citizen.phone == "+9647811111111"


def test_a_shared_phone_with_another_national_id_is_another_person(org):
    father = make_case(org, citizen_national_id="19601234567")
    son = make_case(org, citizen_national_id="20051234567", citizen_name="محمد أحمد")
    assert son.citizen_id != father.citizen_id
    assert Citizen.objects.count() == 2


def test_a_phone_only_record_gains_the_national_id_from_reception(org):
    first = make_case(org)
    second = reception_case(org, citizen_national_id="19901234567")
    assert second.citizen_id == first.citizen_id
    second.citizen.refresh_from_db()
    assert second.citizen.national_id == "19901234567"


def test_a_web_case_joins_a_phone_only_record_without_giving_it_a_national_id(org):
    first = make_case(org)
    second = make_case(org, citizen_national_id="19901234567")
    assert second.citizen_id == first.citizen_id
    assert Citizen.objects.get().national_id == ""
    assert second.citizen_national_id == "19901234567"


def test_a_web_case_with_the_same_national_id_and_phone_joins_the_record_unchanged(org):
    first = make_case(org, citizen_national_id="19901234567")
    again = make_case(
        org,
        citizen_national_id="19901234567",
        citizen_name="اسم آخر",
        citizen_email="other@example.com",
        citizen_group="faculty",
    )
    assert again.citizen_id == first.citizen_id
    citizen = Citizen.objects.get()
    assert (citizen.name, citizen.email, citizen.group) == (
        "أحمد محمود",
        "ahmed@example.com",
        "community",
    )


# Someone else's national ID on the portal ---------------------------------------------------

VICTIM_ID = "19901234567"
VICTIM_PHONE = "+9647701234567"
ATTACKER_PHONE = "+9647819999999"


def attack(org, **fields):
    return make_case(
        org,
        citizen_national_id=VICTIM_ID,
        citizen_phone=ATTACKER_PHONE,
        citizen_name="منتحل الصفة",
        citizen_email="attacker@example.com",
        citizen_group="faculty",
        citizen_language="en",
        **fields,
    )


def test_a_web_case_with_someone_elses_national_id_leaves_their_record_alone(org, client):
    victim = make_case(org, citizen_national_id=VICTIM_ID)
    before = model_to_dict(Citizen.objects.get(pk=victim.citizen_id))
    forged = attack(org)
    assert model_to_dict(Citizen.objects.get(pk=victim.citizen_id)) == before
    # The forged case has a record of its own, keyed by its phone (the national ID is taken).
    assert forged.citizen_id != victim.citizen_id
    own = forged.citizen
    assert (own.phone, own.national_id, own.name) == (ATTACKER_PHONE, "", "منتحل الصفة")
    # The case keeps the national ID it was brought with, for staff to see the clash.
    assert forged.citizen_national_id == VICTIM_ID
    # Again: the same record of that phone, not a new one each time.
    assert attack(org).citizen_id == own.pk
    assert Citizen.objects.count() == 2

    # Reception's lookup by the victim's ID shows the victim's details only, and fills them.
    client.force_login(org.reception)
    response = client.post(
        reverse("citizens:find"),
        {"q": VICTIM_ID},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="citizen-lookup",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "أحمد محمود" in body and victim.code in body
    assert VICTIM_PHONE in body
    for leaked in (ATTACKER_PHONE, "attacker@example.com", "منتحل الصفة", forged.code):
        assert leaked not in body


def test_a_verified_victim_is_not_joined_by_a_case_with_another_phone(org):
    victim = reception_case(org, citizen_national_id=VICTIM_ID)
    services.mark_verified(citizen=victim.citizen, actor=org.reception)
    forged = attack(org)
    assert forged.citizen_id != victim.citizen_id
    assert Citizen.objects.get(pk=victim.citizen_id).phone == VICTIM_PHONE


def test_reception_still_finds_and_updates_the_persons_record_after_a_forged_case(org):
    victim = make_case(org, citizen_national_id=VICTIM_ID)
    attack(org)
    # Reception has seen the documents: the person's new phone is taken.
    moved = reception_case(org, citizen_national_id=VICTIM_ID, citizen_phone="+9647822222222")
    assert moved.citizen_id == victim.citizen_id
    assert Citizen.objects.get(pk=victim.citizen_id).phone == "+9647822222222"


def test_a_web_case_racing_for_a_national_id_taken_meanwhile_gets_a_phone_record(org):
    victim = make_case(org, citizen_national_id=VICTIM_ID)
    now = timezone.now()
    brought = {
        "name": "منتحل الصفة",
        "email": "",
        "group": "community",
        "language": "ar",
        "phone": ATTACKER_PHONE,
        "national_id": VICTIM_ID,
    }
    # As a submission that read the registry before the victim's record was written.
    citizen = services._web_citizen([], brought=brought, now=now)
    assert citizen.pk != victim.citizen_id
    assert (citizen.phone, citizen.national_id) == (ATTACKER_PHONE, "")
    # The same race with the person's own phone joins their record.
    brought["phone"] = VICTIM_PHONE
    assert services._web_citizen([], brought=brought, now=now).pk == victim.citizen_id


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


def test_the_registry_follows_a_contact_change_when_only_staff_registered_its_cases(org):
    first = reception_case(org, citizen_national_id=VICTIM_ID)
    services.mark_verified(citizen=first.citizen, actor=org.reception)
    second = reception_case(org, citizen_national_id=VICTIM_ID)
    case_services.update_citizen_contact(case=second, phone="07812345678", email="")
    assert Citizen.objects.get(pk=first.citizen_id).phone == "+9647812345678"


def test_a_contact_change_on_a_web_case_joined_by_phone_leaves_the_record_alone(org):
    """Anyone may type a person's phone on the portal (the case joins their record), then
    track that case with it: its contact form must not rewrite the person's record."""
    victim = reception_case(org, citizen_national_id=VICTIM_ID)
    forged = make_case(org, citizen_name="منتحل الصفة")
    assert forged.citizen_id == victim.citizen_id
    case_services.update_citizen_contact(
        case=forged, phone=ATTACKER_PHONE, email="attacker@example.com"
    )
    citizen = Citizen.objects.get(pk=victim.citizen_id)
    assert (citizen.phone, citizen.email) == (VICTIM_PHONE, "ahmed@example.com")
    forged.refresh_from_db()
    # The case's own details change: its messages go where its citizen asked.
    assert (forged.citizen_phone, forged.citizen_email) == (ATTACKER_PHONE, "attacker@example.com")


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


def test_a_person_first_met_on_whatsapp_is_answered_there(org):
    case = make_case(
        org, channel=Channel.WHATSAPP, received_by=org.reception, citizen_phone="+9647702223333"
    )
    citizen = case.citizen
    assert citizen.allow_whatsapp and citizen.preferred_channel == "whatsapp"
    # A record that already exists keeps its own preferences: they are the person's word.
    services.update_preferences(
        citizen=citizen,
        actor=org.office_manager,
        allow_sms=True,
        allow_email=True,
        allow_whatsapp=False,
        preferred_channel="",
        language="ar",
    )
    again = make_case(
        org, channel=Channel.WHATSAPP, received_by=org.reception, citizen_phone="+9647702223333"
    )
    again.citizen.refresh_from_db()
    assert again.citizen_id == citizen.pk
    assert not again.citizen.allow_whatsapp
    web = make_case(org, citizen_phone="+9647704445555")
    assert not web.citizen.allow_whatsapp and web.citizen.preferred_channel == ""
