"""One promise: the expected time a service's page, the submission form (its promise for the
picked service), the confirmation, the SMS and the clocks give is the same, for several
services, against dates counted by hand on the default calendar (Sunday to Thursday,
08:00–14:00 Baghdad; no holiday in February 2027) and the default commitments (decision in
10 working days, whole answer in 15)."""

import datetime
import uuid
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from mithaq.cases.models import Case
from mithaq.catalog.models import Service
from mithaq.notifications.models import Message
from mithaq.routing import calendar as working
from mithaq.routing.models import CaseClock, Commitment, DurationUnit, Target

BAGHDAD = ZoneInfo("Asia/Baghdad")
# Sunday 7 February 2027, 10:00 in Baghdad: the working day counted as day 0.
NOW = datetime.datetime(2027, 2, 7, 10, 0, tzinfo=BAGHDAD)


def closing(day: int) -> datetime.datetime:
    return datetime.datetime(2027, 2, day, 14, 0, tzinfo=BAGHDAD)


# service -> (its own commitment for the whole answer, promise in English, in Arabic,
#             the whole answer's due moment, the decision clock's due moment)
CASES = {
    # 7 working days: 8 9 10 11 | 14 15 16 February -> Tue 16th at closing. The kind's
    # decision (10 days: 21st) may not come after the whole answer: it is due the 16th too.
    "seven-days": (
        (7, DurationUnit.DAYS),
        "within 7 working days",
        "خلال 7 أيام عمل",
        closing(16),
        closing(16),
    ),
    # No row of its own: the kind's 15 days: ... 21 22 23 24 25 | 28 -> Sun 28th at closing;
    # its decision is the kind's 10 days: Sun 21st.
    "kind-only": (None, "within 15 working days", "خلال 15 يوم عمل", closing(28), closing(21)),
    # 30 working hours: 4 (Sun 10-14) + 6 × 4 (Mon-Thu) = 28, +2 on Sun 14th -> 10:00.
    "thirty-hours": (
        (30, DurationUnit.HOURS),
        "within 30 working hours",
        "خلال 30 ساعة عمل",
        datetime.datetime(2027, 2, 14, 10, 0, tzinfo=BAGHDAD),
        datetime.datetime(2027, 2, 14, 10, 0, tzinfo=BAGHDAD),
    ),
}


@pytest.fixture
def services(org):
    made = {}
    for code, (own, *_rest) in CASES.items():
        service = Service.objects.create(
            unit=org.dept_a, code=code, name_ar=f"خدمة {code}", name_en=f"Service {code}"
        )
        if own is not None:
            Commitment.objects.create(
                target=Target.RESOLUTION, service=service, amount=own[0], unit=own[1]
            )
        made[code] = service
    working.invalidate_local()
    return made


@pytest.fixture
def frozen():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


def _submit(client, org, service) -> Case:
    response = client.post(
        reverse("portal:submit", args=["service_request"]),
        {
            "unit": org.dept_a.pk,
            "service": service.pk,
            "subject": "طلب",
            "body": "أطلب الخدمة.",
            "citizen_name": "زينب حسن",
            "citizen_phone": "07701234567",
            "citizen_group": "undergraduate",
            "token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    return Case.objects.get(service=service)


@pytest.mark.parametrize("code", list(CASES))
@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_place_gives_the_same_promise(client, org, services, frozen, code, language):
    _own, text_en, text_ar, due, decision_due = CASES[code]
    text = text_en if language == "en" else text_ar
    service = services[code]
    client.cookies["django_language"] = language

    page = client.get(reverse("catalogue:service", args=[code])).content.decode()
    assert text in page

    picked = client.get(
        reverse("portal:promise"), {"kind": "service_request", "service": service.pk}
    ).content.decode()
    assert text in picked

    # The form opened from the service page ("apply online") shows the service's promise.
    form = client.get(reverse("portal:submit", args=["service_request"]), {"service": code})
    assert text in form.content.decode()

    case = _submit(client, org, service)
    assert case.due_at == due
    confirmation = client.get(reverse("portal:submitted")).content.decode()
    assert due.date().isoformat() in confirmation  # <time datetime="2027-02-16T...">

    sms = Message.objects.get(case=case, channel="sms", event_key="received")
    # One date style per language: the day, the month's name, the year (February in Arabic
    # as the Levant and Iraq's offices write it in messages: فبراير).
    month = {"en": "February", "ar": "فبراير"}[language]
    assert f"{due.day} {month} {due.year}" in sms.body

    clocks = {c.target: c.due_at for c in CaseClock.objects.filter(case=case)}
    assert max(clocks.values()) == clocks[Target.RESOLUTION] == due
    assert clocks[Target.DECISION] == decision_due


def test_the_kind_promise_until_a_service_is_picked(client, org, services, frozen):
    client.cookies["django_language"] = "en"
    empty = client.get(reverse("portal:promise"), {"kind": "service_request", "service": ""})
    assert "within 15 working days" in empty.content.decode()
    unknown_kind = client.get(reverse("portal:promise"), {"kind": "nonsense"})
    assert unknown_kind.status_code == 404
