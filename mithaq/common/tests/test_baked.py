"""Baked queries (mithaq.common.baked) run the same SQL and give the same rows as their
querysets, and refuse a queryset they cannot bake."""

import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

# The modules that bake the pages' reads, so that ALL holds them all.
import mithaq.accounts.access
import mithaq.accounts.signin
import mithaq.cases.timeline
import mithaq.notifications.templatetags.outbox
import mithaq.routing.selectors  # noqa: F401
from mithaq.cases.models import Case, CaseEvent
from mithaq.common import baked
from mithaq.common.baked import Baked
from mithaq.notifications.models import Attempt, Message
from mithaq.testing import make_case

pytestmark = pytest.mark.django_db


def _message(case):
    now = timezone.now()
    message = Message.objects.create(
        case=case,
        recipient_kind="citizen",
        channel="sms",
        address="+9647701234567",
        event_key="case.submitted",
        body="x",
        created_at=now,
        next_attempt_at=now,
    )
    Attempt.objects.create(message=message, at=now, transport="console", outcome="sent")
    return message


def _sample(kind, i):
    return 4242 + i if kind is int else f"ABCD-EFG{i}"


def _the_projects():
    """The project's baked queries (not those these tests make)."""
    return [q for q in baked.ALL if not q.build.__module__.endswith("test_baked")]


def test_every_baked_query_is_its_querysets_sql():
    assert len(_the_projects()) >= 7
    for query in _the_projects():
        args = [_sample(kind, i) for i, kind in enumerate(query.kinds)]
        expected_sql, expected_params = (
            query.build(*args).query.get_compiler(connection.alias).as_sql()
        )
        assert query.bound(*args, alias=connection.alias) == (expected_sql, tuple(expected_params))


def _rows(objects):
    """What a list of rows holds: dicts as they are; a model instance as its fields and the
    fields of the related objects that came with it."""
    out = []
    for obj in objects:
        if isinstance(obj, dict | tuple):
            out.append(obj)
            continue
        fields = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
        related = {
            name: (
                {f.attname: getattr(rel, f.attname) for f in rel._meta.concrete_fields}
                if rel is not None
                else None
            )
            for name, rel in obj._state.fields_cache.items()
        }
        prefetched = {
            name: sorted(o.pk for o in objs)
            for name, objs in getattr(obj, "_prefetched_objects_cache", {}).items()
        }
        deferred = sorted(obj.get_deferred_fields())
        out.append((fields, related, prefetched, deferred))
    return out


def test_baked_rows_are_the_querysets_rows(org):
    case = make_case(org, unit=org.dept_a)
    case.assignee = org.officer_a
    case.save(update_fields=["assignee"])
    _message(case)
    device = TOTPDevice.objects.create(user=org.officer_a, name="app", confirmed=True)
    backup = StaticDevice.objects.create(user=org.officer_a, name="backup", confirmed=True)
    ids = [case.pk, org.office_manager.pk, org.officer_a.pk, device.pk, backup.pk]
    values = {int: ids, str: [case.code]}
    checked = 0
    for query in _the_projects():
        for args in _candidates(query.kinds, values):
            got, expected = query(*args), list(query.build(*args))
            assert _rows(got) == _rows(expected), query
            checked += bool(expected)
    # The case, its events, messages and clocks, a user and both devices (memberships are a
    # process copy: mithaq.accounts.access.MEMBERSHIPS).
    assert checked >= 7


def _candidates(kinds, values):
    if len(kinds) != 1:
        raise AssertionError("a baked query of several arguments needs its own values here")
    return [(v,) for v in values[kinds[0]]]


def test_select_related_and_prefetch_come_with_the_rows(org, django_assert_num_queries):
    case = make_case(org, unit=org.dept_a)
    by_code = Baked(lambda code: Case.objects.select_related("unit").filter(code=code)[:2], str)
    with_attempts = Baked(
        lambda case_id: Message.objects.filter(case_id=case_id).prefetch_related("attempts"),
        int,
    )
    with django_assert_num_queries(1):
        (found,) = by_code(case.code)
        assert found.unit.name_ar == org.dept_a.name_ar
    message = _message(case)
    with django_assert_num_queries(2):
        got = {m.pk: m for m in with_attempts(case.pk)}[message.pk]
        assert [a.outcome for a in got.attempts.all()] == ["sent"]
    assert by_code("NONE-NONE") == []


def test_each_call_runs_with_its_own_values(org):
    a, b = make_case(org, unit=org.dept_a), make_case(org, unit=org.dept_b)
    events = Baked(lambda case_id: CaseEvent.objects.filter(case_id=case_id), int)
    assert {e.case_id for e in events(a.pk)} == {a.pk}
    assert {e.case_id for e in events(b.pk)} == {b.pk}


def test_another_thread_uses_its_own_connection(org, transactional_db):
    case = make_case(org, unit=org.dept_a)
    by_code = Baked(lambda code: Case.objects.filter(code=code)[:2], str)
    assert [c.pk for c in by_code(case.code)] == [case.pk]
    seen = []

    def other():
        from django.db import connections

        try:
            seen.append([c.pk for c in by_code(case.code)])
            seen.append(connections["default"] is not connection)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert seen == [[case.pk], True]


def test_a_changed_argument_is_refused():
    changed = Baked(lambda code: Case.objects.filter(code=code.upper()), str)
    with pytest.raises(ImproperlyConfigured):
        changed("abcd-efgh")
    searched = Baked(lambda word: Case.objects.filter(subject__icontains=word), str)
    with pytest.raises(ImproperlyConfigured):
        searched("word")


def test_an_id_no_column_can_hold_finds_nothing_without_sql(django_assert_num_queries):
    events = Baked(lambda case_id: CaseEvent.objects.filter(case_id=case_id), int)
    with django_assert_num_queries(0):
        assert events(10**20) == [] and events(-(10**20)) == []


def test_arguments_of_the_wrong_kind_or_number_are_refused():
    events = Baked(lambda case_id: CaseEvent.objects.filter(case_id=case_id), int)
    with pytest.raises(TypeError):
        events("12")
    with pytest.raises(TypeError):
        events(1, 2)
    with pytest.raises(TypeError):
        Baked(lambda when: CaseEvent.objects.filter(at=when), object)


def test_only_the_sql_is_kept_never_the_rows(org, login):
    """The failure mode to rule out (docs/decisions/0010): a baked read answering from what an
    earlier call saw. A bulk update (no model signal, as another process would make it) shows
    on the next case page, in the case's own fields, its timeline and its messages."""
    from django.urls import reverse

    case = make_case(org, unit=org.dept_a, subject="قبل")
    client = login(org.office_manager)
    url = reverse("cases:detail", args=[case.code])
    assert "قبل" in client.get(url).content.decode()
    Case.objects.filter(pk=case.pk).update(subject="بعد التعديل")
    CaseEvent.objects.filter(case=case).update(body="نص حدث معدّل")
    _message(case)
    Message.objects.filter(case=case).update(body="رسالة معدّلة")
    html = client.get(url).content.decode()
    assert "بعد التعديل" in html and "قبل" not in html.split("<h1>", 1)[1].split("</h1>")[0]
    assert "نص حدث معدّل" in html and "رسالة معدّلة" in html
