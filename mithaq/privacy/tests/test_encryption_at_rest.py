"""National IDs and phone numbers encrypted at rest (mithaq.common.crypto), end to end on the
real database. The oracles: the raw columns as SQL reads them, Fernet with one key by hand,
and the lookups every app makes finding the person."""

import datetime
import hashlib
import importlib
from zoneinfo import ZoneInfo

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldError
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.test import override_settings
from django.test.utils import isolate_apps
from django.urls import reverse
from django.utils import timezone

from mithaq.accounts.access import access_for
from mithaq.cases import services as case_services
from mithaq.cases.access import cases_visible_to
from mithaq.cases.models import Case
from mithaq.cases.search import search
from mithaq.cases.services import duplicates
from mithaq.citizens.models import Citizen
from mithaq.common import crypto
from mithaq.common.checks import check_field_keys
from mithaq.intake.models import WhatsAppInbound
from mithaq.intake.whatsapp import sender_digest, service_window_open
from mithaq.interviews.models import InterviewRequest
from mithaq.notifications.models import Attempt, Message
from mithaq.notifications.services import notify_phone
from mithaq.privacy import collect
from mithaq.privacy import services as privacy
from mithaq.testing import make_case
from mithaq.walkin import bookings
from mithaq.walkin.models import HallBooking, Ticket
from mithaq.walkin.services import issue_ticket
from mithaq.walkin.testing import make_hall

PHONE = "+9647701234567"
DIGITS = "7701234567"  # in every written form of the phone
NATIONAL_ID = "199012345678"
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()

TABLES = [
    "cases_case",
    "citizens_citizen",
    "notifications_message",
    "notifications_attempt",
    "walkin_ticket",
    "interviews_interviewrequest",
    "walkin_hallbooking",
]


def raw_rows(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"select * from {table}")  # noqa: S608 - our own table names
        return cursor.fetchall()


def raw_value(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"select {column} from {table} where id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def cells_holding(needle: str, tables: list[str] = TABLES) -> list[tuple[str, object]]:
    return [
        (table, cell)
        for table in tables
        for row in raw_rows(table)
        for cell in row
        if isinstance(cell, str) and needle in cell
    ]


def every_decrypted_value() -> set[str]:
    """Every value of every encrypted column, decrypted: what could be read back."""
    found = set()
    for model in apps.get_models():
        for field in crypto.encrypted_fields(model):
            found.update(model._base_manager.values_list(field.name, flat=True))
    return found


@pytest.fixture
def case(org):
    return make_case(org, citizen_national_id=NATIONAL_ID)


# ----------------------------------------------------------------------- nothing in clear


@pytest.mark.django_db
def test_raw_tables_hold_no_phone_or_national_id(org, case):
    assert Message.objects.filter(case=case).exists()  # the receipt was written
    assert cells_holding(DIGITS) == []
    assert cells_holding(NATIONAL_ID) == []
    token = raw_value("cases_case", "citizen_phone", case.pk)
    assert Fernet(crypto.field_keys()[0].encode()).decrypt(token.encode()).decode() == PHONE
    # Read back through the model, in clear.
    case.refresh_from_db()
    assert (case.citizen_phone, case.citizen_national_id) == (PHONE, NATIONAL_ID)
    assert case.citizen.phone == PHONE and case.citizen.national_id == NATIONAL_ID


@pytest.mark.django_db
def test_a_kiosk_ticket_and_an_interview_request_keep_no_phone_either(org):
    world = make_hall(org)
    ticket = issue_ticket(hall=world.hall, hall_service=world.transcripts, phone="07701234567")
    request = InterviewRequest.objects.create(
        code="INTV-0001",
        official=org.office_manager,
        unit=org.dept_a,
        subject="s",
        summary="s",
        citizen_name="n",
        citizen_phone=PHONE,
        channel="web",
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    assert Ticket.objects.get(phone=PHONE) == ticket
    assert InterviewRequest.objects.get(citizen_phone=PHONE) == request
    assert cells_holding(DIGITS) == []


# ------------------------------------------------------------------------- every lookup


@pytest.mark.django_db
def test_every_kind_of_lookup_still_finds_the_person(client, org, case):
    citizen = case.citizen
    # The registry (find or link a person), equality and IN.
    assert list(Citizen.objects.matching(phone=PHONE)) == [citizen]
    assert list(Citizen.objects.matching(national_id=NATIONAL_ID)) == [citizen]
    assert list(Citizen.objects.filter(phone__in=["+9647000000000", PHONE])) == [citizen]
    # The same person's second case is linked to the same record.
    second = make_case(org, citizen_national_id=NATIONAL_ID, subject="طلب ثان")
    assert second.citizen_id == citizen.pk
    # Duplicate detection: the first case is the same person's.
    suggested = duplicates.possible_duplicates(second, org.office_manager)
    assert [(s.case, s.same_person) for s in suggested] == [(case, True)]
    # Staff search by phone in any form and by national ID.
    manager = org.office_manager
    for q in ("07701234567", "+964 770 123 4567", "٠٧٧٠١٢٣٤٥٦٧", NATIONAL_ID):
        found = search(cases_visible_to(manager), q, access=access_for(manager))
        assert set(found) == {case, second}, q
    # The tracking page: reference and phone.
    response = client.post(reverse("portal:track"), {"code": case.code, "contact": "07701234567"})
    assert response.status_code == 302
    # The data rights' collection of everything held about the person.
    assert set(collect.person_cases(citizen)) == {case, second}
    # WhatsApp: the sender's window is found by the keyed hash.
    WhatsAppInbound.objects.create(wa_message_id="w1", sender=sender_digest(PHONE), outcome="new")
    assert service_window_open(PHONE, timezone.now())
    assert sender_digest(PHONE) == crypto.search_hash(crypto.HashKind.PHONE, PHONE)


@pytest.mark.django_db
def test_a_lookup_by_phone_is_an_equality_on_the_indexed_hash(case):
    sql = str(Case.objects.filter(citizen_phone=PHONE).query)
    assert '"citizen_phone_hash" = ' in sql and '"citizen_phone" =' not in sql
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "cases_case")
    assert any(i["columns"] == ["citizen_phone_hash"] and i["index"] for i in indexes.values())


@pytest.mark.parametrize("option", ["db_index", "unique"])
def test_a_search_hash_indexed_on_its_field_is_refused_by_the_checks(option):
    # Django would add a second index for LIKE on PostgreSQL: the hash goes in Meta.indexes.
    with isolate_apps("mithaq.privacy"):

        class Person(models.Model):
            phone = crypto.EncryptedCharField(max_length=20)
            phone_hash = crypto.SearchHashField(
                source="phone", kind=crypto.HashKind.PHONE, **{option: True}
            )
            plain_hash = crypto.SearchHashField(source="phone", kind=crypto.HashKind.PHONE)

            class Meta:
                app_label = "privacy"

            def __str__(self):
                return self.phone

        assert [e.id for e in Person._meta.get_field("phone_hash").check()] == ["mithaq.E002"]
        assert Person._meta.get_field("plain_hash").check() == []


@pytest.mark.django_db
def test_a_lookup_ciphertext_cannot_answer_is_refused(case):
    with pytest.raises(FieldError, match="ciphertext"):
        list(Case.objects.filter(citizen_phone__contains="770"))
    with pytest.raises(FieldError, match="no search hash"):
        list(Attempt.objects.filter(address="x@example.com"))


@pytest.mark.django_db
def test_contact_change_and_bulk_update_keep_the_hash(org, case):
    case_services.update_citizen_contact(case=case, phone="07809999999", email="")
    assert Case.objects.filter(citizen_phone="+9647809999999").get() == case
    assert not Case.objects.filter(citizen_phone=PHONE).exists()
    Case.objects.filter(pk=case.pk).update(citizen_phone=PHONE)
    assert Case.objects.filter(citizen_phone=PHONE).get() == case


# ---------------------------------------------------------------------------- the keys


@pytest.mark.django_db
def test_rotation_with_two_keys_end_to_end(org):
    with override_settings(MITHAQ_FIELD_KEYS=[OLD_KEY], MITHAQ_SEARCH_KEYS=["old-search"]):
        case = make_case(org, citizen_national_id=NATIONAL_ID)
        Fernet(OLD_KEY.encode()).decrypt(raw_value("cases_case", "citizen_phone", case.pk).encode())
    # The new keys first, the old ones after: old rows read and found before any rewrite.
    with override_settings(
        MITHAQ_FIELD_KEYS=[NEW_KEY, OLD_KEY], MITHAQ_SEARCH_KEYS=["new-search", "old-search"]
    ):
        assert Case.objects.get(pk=case.pk).citizen_phone == PHONE
        assert Case.objects.filter(citizen_phone=PHONE).get() == case
        assert Citizen.objects.filter(national_id=NATIONAL_ID).get() == case.citizen
        with pytest.raises(CommandError, match="still need"):
            call_command("rotate_field_keys", "--check", stdout=_Null())
        call_command("rotate_field_keys", "--batch-size", "2", stdout=_Null())
        call_command("rotate_field_keys", "--check", stdout=_Null())
    token = raw_value("cases_case", "citizen_phone", case.pk)
    assert Fernet(NEW_KEY.encode()).decrypt(token.encode()).decode() == PHONE
    with pytest.raises(InvalidToken):
        Fernet(OLD_KEY.encode()).decrypt(token.encode())
    # The old keys gone: everything is read and found with the new ones alone.
    with override_settings(MITHAQ_FIELD_KEYS=[NEW_KEY], MITHAQ_SEARCH_KEYS=["new-search"]):
        assert Case.objects.filter(citizen_phone=PHONE).get().citizen_national_id == NATIONAL_ID
        assert Citizen.objects.filter(national_id=NATIONAL_ID).get().phone == PHONE
        assert Message.objects.filter(case=case).exists()
        assert {m.address for m in Attempt.objects.all()} <= {"", PHONE, "ahmed@example.com"}


@pytest.mark.django_db
def test_a_resumed_rotation_starts_after_the_key_given(org):
    cases = [make_case(org, citizen_phone=f"+96477012345{n:02d}") for n in range(3)]
    with override_settings(MITHAQ_FIELD_KEYS=[NEW_KEY, *crypto.field_keys()]):
        call_command(
            "rotate_field_keys", "--model", "cases.Case", "--after", str(cases[0].pk),
            stdout=_Null(),
        )  # fmt: skip
    tokens = [raw_value("cases_case", "citizen_phone", c.pk) for c in cases]
    with pytest.raises(InvalidToken):
        Fernet(NEW_KEY.encode()).decrypt(tokens[0].encode())
    for token in tokens[1:]:
        Fernet(NEW_KEY.encode()).decrypt(token.encode())


@pytest.mark.django_db
def test_a_wrong_or_missing_key_fails_clearly(case):
    with override_settings(MITHAQ_FIELD_KEYS=[NEW_KEY]):
        with pytest.raises(
            crypto.FieldKeyError, match=r"cases.Case.citizen_phone cannot be decrypted"
        ):
            Case.objects.get(pk=case.pk)
    with override_settings(MITHAQ_FIELD_KEYS=[]):
        with pytest.raises(crypto.FieldKeyError, match="MITHAQ_FIELD_KEYS is empty"):
            Case.objects.get(pk=case.pk)
    with override_settings(MITHAQ_FIELD_KEYS=["not-a-key"]):
        with pytest.raises(crypto.FieldKeyError, match="32 url-safe base64"):
            Case.objects.get(pk=case.pk)
        with pytest.raises(CommandError):
            call_command("rotate_field_keys", "--model", "nothing.Here", stdout=_Null())


@pytest.mark.django_db
def test_without_a_key_values_stay_in_clear_and_are_still_found_by_hash(org):
    with override_settings(MITHAQ_FIELD_KEYS=[], MITHAQ_SEARCH_KEYS=[]):
        case = make_case(org, citizen_phone="+9647801112222")
        assert raw_value("cases_case", "citizen_phone", case.pk) == "+9647801112222"
        assert raw_value("cases_case", "citizen_phone_hash", case.pk) == crypto.search_hash(
            "phone", "+9647801112222"
        )
        assert Case.objects.filter(citizen_phone="+9647801112222").get() == case
        with pytest.raises(CommandError, match="no key"):
            call_command("rotate_field_keys", stdout=_Null())
    # A key given later: the rotation encrypts what was in clear.
    call_command("rotate_field_keys", "--model", "cases.Case", stdout=_Null())
    assert crypto.is_token(raw_value("cases_case", "citizen_phone", case.pk))
    assert Case.objects.filter(citizen_phone="+9647801112222").get() == case


# ----------------------------------------------------------------------- the migrations


@pytest.mark.django_db
def test_the_migration_encrypts_existing_rows_and_back(org, case):
    migration = importlib.import_module(
        "mithaq.cases.migrations.0017_encrypt_citizen_phone_and_national_id"
    )
    # A row as it was before: values in clear, no hashes, the phone in the search document.
    with connection.cursor() as cursor:
        cursor.execute(
            "update cases_case set citizen_phone = %s, citizen_national_id = %s, "
            "citizen_phone_hash = '', citizen_national_id_hash = '', search_text = %s "
            "where id = %s",
            [PHONE, NATIONAL_ID, f"احمد 9647701234567 {NATIONAL_ID}\x1fcontent", case.pk],
        )
    assert cells_holding(NATIONAL_ID) != []
    assert not Case.objects.filter(citizen_phone=PHONE).exists()

    migration.encrypt(apps, connection.schema_editor())
    assert crypto.is_token(raw_value("cases_case", "citizen_phone", case.pk))
    assert raw_value("cases_case", "search_text", case.pk) == "احمد محمود\x1fcontent"
    assert [c for c in cells_holding(NATIONAL_ID) if c[0] == "cases_case"] == []
    assert Case.objects.filter(citizen_phone=PHONE).get() == case
    assert Case.objects.filter(citizen_national_id=NATIONAL_ID).get() == case

    migration.decrypt(apps, connection.schema_editor())
    assert raw_value("cases_case", "citizen_phone", case.pk) == PHONE
    assert raw_value("cases_case", "citizen_national_id", case.pk) == NATIONAL_ID


@pytest.mark.django_db
def test_the_whatsapp_migration_forgets_unkeyed_digests():
    migration = importlib.import_module("mithaq.intake.migrations.0007_whatsapp_sender_keyed_hash")
    plain = hashlib.sha256(PHONE.encode()).hexdigest()
    WhatsAppInbound.objects.create(wa_message_id="old", sender=plain, outcome="new")
    migration.forget_plain_digests(apps, connection.schema_editor())
    assert WhatsAppInbound.objects.get(wa_message_id="old").sender == ""


# ------------------------------------------------------------------------------ erasure


@pytest.mark.django_db
def test_erasure_leaves_nothing_that_decrypts_to_the_person(org, case):
    citizen = case.citizen
    # The same phone at the hall (a ticket and its "your turn is near" SMS) and on WhatsApp.
    world = make_hall(org)
    ticket = issue_ticket(hall=world.hall, hall_service=world.transcripts, phone=PHONE)
    sms = notify_phone(
        phone=PHONE,
        language="ar",
        event_key="turn_near",
        context={"ticket": ticket.code, "counter": "1", "token": ticket.token},
    )
    assert sms is not None and DIGITS not in sms.dedupe_key
    WhatsAppInbound.objects.create(wa_message_id="w1", sender=sender_digest(PHONE), outcome="new")
    # And an appointment booked at the hall with it (Tuesday 7 September 2027, a working day).
    tz = ZoneInfo(settings.TIME_ZONE)
    bookings.add_hours(
        hall_service=world.transcripts,
        weekday=1,
        starts=datetime.time(10),
        ends=datetime.time(12),
        quota=4,
    )
    world.transcripts.refresh_from_db()
    appointment = bookings.book(
        hall_service=world.transcripts,
        starts_at=datetime.datetime(2027, 9, 7, 10, 30, tzinfo=tz),
        phone=PHONE,
        now=datetime.datetime(2027, 9, 5, 9, 0, tzinfo=tz),
    )
    assert HallBooking.objects.get(phone=PHONE) == appointment
    hashed = crypto.search_hash("phone", PHONE)
    assert cells_holding(hashed, [*TABLES, "intake_whatsappinbound"]) != []

    privacy.erase_person(citizen=citizen, actor=None, now=timezone.now())
    values = every_decrypted_value()
    assert PHONE not in values and NATIONAL_ID not in values
    assert not Case.objects.filter(citizen_phone=PHONE).exists()
    assert not Citizen.objects.filter(national_id=NATIONAL_ID).exists()
    assert raw_value("cases_case", "citizen_phone_hash", case.pk) == ""
    assert raw_value("citizens_citizen", "phone_hash", citizen.pk) == ""
    assert raw_value("walkin_hallbooking", "phone_hash", appointment.pk) == ""
    assert cells_holding(hashed, [*TABLES, "intake_whatsappinbound"]) == []
    assert cells_holding(DIGITS) == []


class _Null:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


def test_the_deploy_check_warns_without_a_key_and_fails_on_a_bad_one():
    with override_settings(MITHAQ_FIELD_KEYS=[]):
        assert [m.id for m in check_field_keys(None)] == ["mithaq.W001"]
    with override_settings(MITHAQ_FIELD_KEYS=["not-a-key"]):
        assert [m.id for m in check_field_keys(None)] == ["mithaq.E001"]
    with override_settings(MITHAQ_FIELD_KEYS=[NEW_KEY]):
        assert check_field_keys(None) == []
