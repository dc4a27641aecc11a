"""The two pieces of HTML built in Python instead of templates (docs/decisions/0010): the
inbox rows (cases.inbox.render_rows) and the staff timeline (cases.timeline.render_timeline).
Every value they interpolate comes out escaped: markup, double and single quotes are fed
through each field, in Arabic and in English."""

import html

import pytest
from django.utils import timezone, translation

from mithaq.accounts.models import OrgUnit
from mithaq.cases import selectors
from mithaq.cases.inbox import render_rows
from mithaq.cases.models import Attachment, Case, CaseEvent
from mithaq.cases.states import EventKind
from mithaq.cases.timeline import render_timeline
from mithaq.testing import make_case, make_user

ATTACK = "<script>alert(1)</script>\"'"


def hostile(field: str) -> str:
    return f"{ATTACK}{field}"


def short(field: str) -> str:
    """For columns of a few characters: markup and both quotes still."""
    return f"<b>\"'{field}"[:10]


def assert_escaped(page: str, values) -> None:
    assert "<script>" not in page and "<b>" not in page
    for value in values:
        assert value not in page, value
        assert html.escape(value) in page, value


def _units(org):
    OrgUnit.objects.filter(pk=org.dept_a.pk).update(
        name_ar=hostile("unit-ar"), name_en=hostile("unit-en")
    )
    OrgUnit.objects.filter(pk=org.dept_b.pk).update(
        name_ar=hostile("to-ar"), name_en=hostile("to-en")
    )


@pytest.mark.parametrize("language", ["ar", "en"])
def test_every_field_of_an_inbox_row_is_escaped(org, language):
    _units(org)
    named = make_user("named", hostile("full-name"))
    parts = make_user("parts", "")
    parts.first_name, parts.last_name = hostile("first"), hostile("last")
    parts.save()
    bare = make_user("bare", "")
    cases = []
    for n, assignee in enumerate([named, parts, bare]):
        case = make_case(org, subject=hostile(f"subject-{n}"), is_urgent=True)
        Case.objects.filter(pk=case.pk).update(
            assignee=assignee, code=short(f"C{n}"), is_collective=True, head_count=3
        )
        cases.append(case)
    # A username is a plain identifier in Django's forms, but not in the table.
    type(bare).objects.filter(pk=bare.pk).update(username=hostile("username"))
    rows = list(selectors.inbox_rows().filter(pk__in=[c.pk for c in cases]))
    with translation.override(language):
        page = str(render_rows(rows, now=timezone.now(), pick=True))
    name = "unit-ar" if language == "ar" else "unit-en"
    assert_escaped(
        page,
        [
            *(hostile(f"subject-{n}") for n in range(3)),
            *(short(f"C{n}") for n in range(3)),
            hostile(name),
            hostile("full-name"),
            f"{hostile('first')} {hostile('last')}",
            hostile("username"),
        ],
    )
    assert page.count("<tr>") == 3 and page.count('type="checkbox"') == 3


@pytest.mark.parametrize("language", ["ar", "en"])
def test_every_field_of_a_timeline_event_is_escaped(org, language):
    _units(org)
    case = make_case(org)
    Case.objects.filter(pk=case.pk).update(code=short("CODE"))
    case.refresh_from_db()
    actor = make_user("actor", hostile("actor"))
    assignee = make_user("assignee", "")
    assignee.first_name = hostile("assignee")
    assignee.save()
    now = timezone.now()

    def event(kind, **fields):
        return CaseEvent.objects.create(case=case, kind=kind, at=now, actor=actor, **fields)

    event(EventKind.REFERRED, from_unit=org.dept_a, to_unit=org.dept_b, body=hostile("body"))
    event(EventKind.ASSIGNED, assignee=assignee)
    event(EventKind.NOTE, body=hostile("note"), from_state=short("from"), to_state="closed")
    event(EventKind.DECIDED, decision=short("dec"))
    closed = event(
        EventKind.CLOSED,
        closure_code=short("closure"),
        external_system=short("system"),
        external_reference=hostile("reference"),
        is_public=True,
    )
    event(short("kind"))  # a kind no label names
    Attachment.objects.create(
        case=case,
        event=closed,
        file="attachments/x.pdf",
        original_name=hostile("file"),
        content_type="application/pdf",
        extension="pdf",
        size=1234,
        sha256="0" * 64,
        created_at=now,
    )
    with translation.override(language):
        page = str(render_timeline(case))
    unit_from, unit_to = ("unit-ar", "to-ar") if language == "ar" else ("unit-en", "to-en")
    assert_escaped(
        page,
        [
            hostile("body"),
            hostile("note"),
            hostile("actor"),
            hostile("assignee"),
            hostile(unit_from),
            hostile(unit_to),
            short("from"),
            short("dec"),
            short("closure"),
            short("system"),
            hostile("reference"),
            hostile("file"),
            short("kind"),
        ],
    )
    # The reference goes only into the files' links: encoded by reverse(), then escaped.
    assert short("CODE") not in page and "%3Cb%3E%22&#x27;CODE/files/" in page
    assert page.count("<li ") == 7  # with the case's own "submitted" event


def test_the_kept_dates_follow_the_language_and_the_time_zone(org):
    """Each day's date is formatted once per language and process (inbox._short_date): a page
    in another language or time zone must never get a date kept for another."""
    import datetime

    from django.utils.formats import date_format

    case = make_case(org)
    late = datetime.datetime(2026, 3, 1, 22, 30, tzinfo=datetime.UTC)  # 2 March in Baghdad
    Case.objects.filter(pk=case.pk).update(created_at=late)
    rows = list(selectors.inbox_rows().filter(pk=case.pk))
    for language, zone, day in [
        ("en", "UTC", datetime.date(2026, 3, 1)),
        ("ar", "UTC", datetime.date(2026, 3, 1)),
        ("en", "Asia/Baghdad", datetime.date(2026, 3, 2)),
        ("ar", "Asia/Baghdad", datetime.date(2026, 3, 2)),
        ("en", "UTC", datetime.date(2026, 3, 1)),
    ]:
        with translation.override(language), timezone.override(zone):
            page = str(render_rows(rows, now=timezone.now()))
            expected = html.escape(date_format(day, "SHORT_DATE_FORMAT"))
        received = page.split('<td class="date-cell"><bdi>')[-1].split("</bdi>")[0]
        assert received == expected, (language, zone)
