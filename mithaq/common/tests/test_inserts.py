"""mithaq.common.inserts writes what Django's own save() and bulk_create() write (the ORM is
the oracle: the same instances are written both ways and read back through it), and fails
the way they fail: a clash raises IntegrityError, a rollback leaves nothing, a clash under
ignore_conflicts leaves the row that was there and returns only the rows written."""

import copy
import datetime
import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model, signals
from django.utils import timezone

from mithaq.cases.models import Case, CaseEvent
from mithaq.common import inserts
from mithaq.common.crypto import HashedModel
from mithaq.common.inserts import insert
from mithaq.notifications.models import Message
from mithaq.routing.models import CaseClock, CaseDeadline
from mithaq.testing import make_case

pytestmark = pytest.mark.django_db

# Every model a case's rows are written with insert() (cases.services, notifications).
WRITTEN_BY_INSERT = [Case, CaseEvent, CaseClock, CaseDeadline, Message]


def _row(model, pk, leave_out=()):
    """The row as Django reads it back (encrypted fields decrypted), without its key."""
    row = model.objects.filter(pk=pk).values().get()
    for name in ("id", *leave_out):
        row.pop(name, None)
    return row


def _message(case, n, **fields):
    now = timezone.now()
    values = {
        "case": case,
        "recipient_kind": "citizen",
        "channel": "sms",
        "address": "+9647701234567",
        "event_key": "received",
        "body": f"نص الرسالة {n}",
        "created_at": now,
        "next_attempt_at": now,
        "dedupe_key": f"test:{case.pk}:{n}",
    }
    return Message(**(values | fields))


@pytest.mark.parametrize("model", WRITTEN_BY_INSERT)
def test_no_model_written_by_insert_has_save_signal_receivers(model):
    # insert() sends no pre_save/post_save: a receiver added later would silently miss rows.
    assert not signals.pre_save.has_listeners(model)
    assert not signals.post_save.has_listeners(model)


@pytest.mark.parametrize("model", WRITTEN_BY_INSERT)
def test_no_model_written_by_insert_has_a_save_of_its_own(model):
    # insert() writes as Django's Model.save() does; a model's own save() would be passed by.
    own = [
        klass
        for klass in model.__mro__
        if "save" in vars(klass) and klass not in (Model, HashedModel)
    ]
    assert own == []


def test_a_new_case_row_is_the_one_save_writes(org):
    made = make_case(org)
    twin = Case.objects.get(pk=made.pk)
    by_save, by_insert = copy.copy(twin), copy.copy(twin)
    for case, code in ((by_save, "AAAA-2222"), (by_insert, "AAAA-3333")):
        case.pk = None
        case._state.adding = True
        case.code = code
        case.submission_token = uuid.uuid4()
    by_save.save(force_insert=True)
    rows = insert([by_insert], returning=("id",))
    assert rows == [(by_insert.pk,)]
    assert by_insert.pk not in (None, by_save.pk)
    assert not by_insert._state.adding
    assert by_insert._state.db == "default"
    leave_out = ("code", "submission_token")
    assert _row(Case, by_insert.pk, leave_out) == _row(Case, by_save.pk, leave_out)
    # Encrypted at rest, and found by its hash, as save() leaves it.
    raw = Case.objects.filter(pk=by_insert.pk).values_list("citizen_phone_hash", flat=True)
    assert raw.get()
    assert Case.objects.filter(citizen_phone="+9647701234567", pk=by_insert.pk).exists()


def test_several_rows_are_the_ones_bulk_create_writes(org):
    case = make_case(org)
    start = timezone.now().replace(microsecond=0)
    due = start + datetime.timedelta(days=3)

    def clocks(round_number):
        return [
            CaseClock(
                case_id=case.pk,
                round=round_number,
                target=target,
                started_at=start,
                due_at=due + datetime.timedelta(days=i),
                expected_at=due + datetime.timedelta(days=i),
            )
            for i, target in enumerate(("acknowledgement", "decision", "resolution"))
        ]

    by_bulk, by_insert = clocks(7), clocks(8)
    CaseClock.objects.bulk_create(by_bulk)
    rows = insert(by_insert, returning=("id",))
    assert [row[0] for row in rows] == [clock.pk for clock in by_insert]
    for a, b in zip(by_bulk, by_insert, strict=True):
        assert _row(CaseClock, b.pk, ("round",)) == _row(CaseClock, a.pk, ("round",))
    # The statement for three rows is not the one for one row: each row count its own.
    (single,) = clocks(9)[:1]
    insert([single], returning=("id",))
    assert _row(CaseClock, single.pk, ("round",)) == _row(CaseClock, by_bulk[0].pk, ("round",))
    CaseDeadline.objects.filter(case_id=case.pk).delete()
    insert([CaseDeadline(case_id=case.pk, target="decision", due_at=due)])
    assert CaseDeadline.objects.filter(case_id=case.pk).values_list("target", "due_at").get() == (
        "decision",
        due,
    )


def test_the_statement_kept_runs_again_past_the_prepare_threshold(org):
    # psycopg prepares a statement on the server after its fifth run (decision 0006): the
    # kept text is run a dozen times, each row its own.
    case = make_case(org)
    events = []
    for n in range(12):
        event = CaseEvent(case=case, kind="note", at=timezone.now(), body=f"ملاحظة {n}")
        insert([event], returning=("id",))
        events.append(event)
    assert list(
        CaseEvent.objects.filter(kind="note", case=case).order_by("pk").values_list("pk", "body")
    ) == [(e.pk, f"ملاحظة {n}") for n, e in enumerate(events)]


def test_a_clash_raises_and_the_transaction_keeps_nothing(org):
    case = make_case(org)
    twin = Case.objects.get(pk=case.pk)
    twin.pk = None
    twin._state.adding = True
    twin.submission_token = uuid.uuid4()  # the code clashes: case_code_unique
    before = Case.objects.count(), CaseEvent.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        event = CaseEvent(case=case, kind="note", at=timezone.now(), body="قبل")
        insert([event], returning=("id",))
        insert([twin], returning=("id",))
    assert (Case.objects.count(), CaseEvent.objects.count()) == before


def test_a_rollback_leaves_no_row(org):
    case = make_case(org)
    before = Message.objects.count()

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        insert([_message(case, 1), _message(case, 2)], returning=("id",))
        assert Message.objects.count() == before + 2
        raise Undo
    assert Message.objects.count() == before


def test_ignore_conflicts_keeps_the_row_there_and_returns_only_the_rows_written(org):
    case = make_case(org)
    first = _message(case, 2, body="الأصل")
    insert([first], returning=("id",))
    batch = [_message(case, 1), _message(case, 2, body="مكرر"), _message(case, 3)]
    with transaction.atomic():  # never breaks the caller's transaction
        rows = insert(batch, ignore_conflicts=True, returning=("id", "dedupe_key"))
        assert Message.objects.filter(case=case).count() >= 3
    written = {key: pk for pk, key in rows}
    assert set(written) == {f"test:{case.pk}:1", f"test:{case.pk}:3"}
    assert Message.objects.get(dedupe_key=f"test:{case.pk}:2").body == "الأصل"
    assert Message.objects.get(pk=written[f"test:{case.pk}:3"]).body == "نص الرسالة 3"


def test_expressions_and_mixed_models_are_refused(org):
    case = make_case(org)
    event = CaseEvent(case=case, kind="note", at=timezone.now(), body=F("body"))
    with pytest.raises(TypeError):
        insert([event])
    with pytest.raises(TypeError):
        insert([CaseEvent(case=case, kind="note", at=timezone.now()), _message(case, 9)])
    assert insert([]) == []


def test_the_kept_statement_names_every_column_of_the_model(org):
    # The text is the model's columns as loaded in this process, as Django's own insert's.
    inserts._STATEMENTS.clear()
    make_case(org)
    kept = {key[0]: sql for key, (sql, _f, _r) in inserts._STATEMENTS.items()}
    assert set(kept) >= {Case, CaseEvent, CaseClock, CaseDeadline, Message}
    for model, sql in kept.items():
        meta = model._meta
        for field in meta.local_concrete_fields:
            if field is not meta.auto_field:
                assert connection.ops.quote_name(field.column) in sql
