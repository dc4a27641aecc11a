"""The reads of confidential identities are append-only and hash-chained: the application
cannot change or remove a row, and the auditors' page finds a row changed or removed by
hand in the database."""

import datetime
import hashlib

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.urls import reverse

from mithaq.cases import services
from mithaq.cases.models import AppendOnlyError, Case, ConfidentialRead
from mithaq.cases.selectors import check_read_chain
from mithaq.testing import make_case, make_org, run_at_once

URL = reverse("cases:confidential_reads_chain")
T0 = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC)


def expected_hash(prev: str, case_id: int, user_id: int, at: str) -> str:
    """The chain's rule written out by hand: SHA-256 over the previous hash, the case, the
    reader and the time in UTC to the microsecond, as compact JSON."""
    text = f'["{prev}",{case_id},{user_id},"{at}"]'
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def secret(org):
    return make_case(org, identity_confidential=True)


def read(case, user, minutes):
    services.log_confidential_read(
        case=case, user=user, now=T0 + datetime.timedelta(minutes=minutes)
    )


def test_each_read_is_chained_to_the_one_before(org, secret):
    read(secret, org.office_manager, 0)
    read(secret, org.auditor, 1)
    first, second = ConfidentialRead.objects.order_by("id")
    assert first.prev_hash == "0" * 64
    assert first.row_hash == expected_hash(
        "0" * 64, secret.pk, org.office_manager.pk, "2026-11-01T09:00:00.000000Z"
    )
    assert second.prev_hash == first.row_hash
    assert second.row_hash == expected_hash(
        first.row_hash, secret.pk, org.auditor.pk, "2026-11-01T09:01:00.000000Z"
    )


def test_rows_added_in_bulk_are_chained_too(org, secret):
    read(secret, org.office_manager, 0)
    ConfidentialRead.objects.bulk_create(
        ConfidentialRead(case=secret, user=org.leader, at=T0 + datetime.timedelta(seconds=s))
        for s in range(3)
    )
    rows = list(ConfidentialRead.objects.order_by("id"))
    assert [r.prev_hash for r in rows[1:]] == [r.row_hash for r in rows[:-1]]
    assert check_read_chain().breaks == []


def test_the_application_cannot_change_or_remove_a_read(org, secret):
    read(secret, org.office_manager, 0)
    row = ConfidentialRead.objects.get()
    row.user = org.auditor
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        ConfidentialRead.objects.filter(pk=row.pk).update(user=org.auditor)
    with pytest.raises(AppendOnlyError):
        ConfidentialRead.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        ConfidentialRead.objects.bulk_update([row], ["user"])
    with pytest.raises(ProtectedError):
        Case.objects.filter(pk=secret.pk).delete()
    assert ConfidentialRead.objects.get().user == org.office_manager


def test_auditor_sees_an_intact_chain(org, secret, login):
    for minute in range(3):
        read(secret, org.office_manager, minute)
    client = login(org.auditor)
    client.cookies["django_language"] = "en"
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="chain-intact"' in html
    assert "3</bdi> reads checked" in html
    assert 'id="chain-broken"' not in html


def test_a_row_changed_with_raw_sql_is_shown_where_the_chain_breaks(org, secret, login):
    for minute in range(4):
        read(secret, org.office_manager, minute)
    ids = list(ConfidentialRead.objects.order_by("id").values_list("id", flat=True))
    with connection.cursor() as cursor:
        # Someone with the database password hides who read the identity.
        cursor.execute(
            "UPDATE cases_confidentialread SET user_id = %s WHERE id = %s",
            [org.auditor.pk, ids[1]],
        )
    response = login(org.auditor).get(URL)
    html = response.content.decode()
    assert 'id="chain-broken"' in html
    assert [(b.read.pk, b.altered) for b in response.context["check"].breaks] == [(ids[1], True)]
    assert f'id="break-{ids[1]}"' in html


def test_a_row_removed_with_raw_sql_breaks_the_link_of_the_next(org, secret):
    for minute in range(4):
        read(secret, org.office_manager, minute)
    ids = list(ConfidentialRead.objects.order_by("id").values_list("id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_confidentialread WHERE id = %s", [ids[2]])
    check = check_read_chain()
    assert check.checked == 3
    assert [(b.read.pk, b.altered) for b in check.breaks] == [(ids[3], False)]


def test_a_row_rewritten_with_its_hash_recomputed_still_breaks_the_next_link(org, secret):
    for minute in range(3):
        read(secret, org.office_manager, minute)
    first, second, third = ConfidentialRead.objects.order_by("id")
    forged = expected_hash(first.row_hash, secret.pk, org.auditor.pk, "2026-11-01T09:01:00.000000Z")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_confidentialread SET user_id = %s, row_hash = %s WHERE id = %s",
            [org.auditor.pk, forged, second.pk],
        )
    assert [(b.read.pk, b.altered) for b in check_read_chain().breaks] == [(third.pk, False)]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need PostgreSQL (SQLite runs one writer at a time)",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    org = make_org()
    case = make_case(org, identity_confidential=True)
    readers = [org.office_manager, org.auditor, org.leader, org.admin]

    def work(i):
        for n in range(10):
            services.log_confidential_read(
                case=case, user=readers[i], now=T0 + datetime.timedelta(seconds=n)
            )

    run_at_once(len(readers), work)
    check = check_read_chain()
    assert check.checked == 40
    assert check.breaks == []
