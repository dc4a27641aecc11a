"""The demo university's officials who receive citizens: the president (Tuesdays 10:00-12:00,
six interviews) and the dean of engineering (Wednesdays 11:00-13:00, four), with one request
waiting for the office and one booked into the president's next free slot.

Called by `load_demo`; idempotent: nothing is added once the president has a schedule."""

import datetime

from mithaq.accounts.models import Membership, Role
from mithaq.accounts.services import memberships_changed
from mithaq.interviews import services as interviews
from mithaq.scheduling import services as slots
from mithaq.scheduling.models import Schedule, WeeklyHours

OFFICIALS = [
    # person, unit, name, weekday, from, to, quota
    ("president", "presidency", "مقابلات رئيس الجامعة", 1, 10, 12, 6),
    ("dean", "eng", "مقابلات عميد كلية الهندسة", 2, 11, 13, 4),
]


def load(*, units, people, office_manager, now: datetime.datetime) -> int:
    if Schedule.objects.filter(official=people["president"]).exists():
        return 0
    for person, unit, name, weekday, starts, ends, quota in OFFICIALS:
        Membership.objects.get_or_create(user=people[person], unit=units[unit], role=Role.OFFICIAL)
        memberships_changed()
        schedule = Schedule.objects.create(unit=units[unit], official=people[person], name=name)
        WeeklyHours.objects.create(
            schedule=schedule,
            weekday=weekday,
            starts=datetime.time(starts),
            ends=datetime.time(ends),
            quota=quota,
        )
    waiting = interviews.submit_request(
        official=people["president"],
        unit=units["presidency"],
        subject="طلب مقابلة بشأن معادلة شهادة",
        summary="تأخرت معادلة شهادتي الصادرة من خارج العراق أكثر من ثلاثة أشهر.",
        preferred_days="الثلاثاء صباحًا",
        citizen_name="سلوى كاظم الربيعي",
        citizen_phone="+9647801112233",
        citizen_email="salwa@example.com",
        now=now,
    )
    booked = interviews.submit_request(
        official=people["president"],
        unit=units["presidency"],
        subject="طلب مقابلة بشأن السكن الجامعي",
        summary="أطلب إعادة النظر في رفض طلب السكن الجامعي لابنتي.",
        citizen_name="جاسم محمد العبيدي",
        citizen_phone="+9647704445566",
        received_by=people["reception"],
        now=now,
    )
    president_schedule = slots.schedule_for(people["president"].pk)
    free = slots.free_slots(schedule=president_schedule, now=now) if president_schedule else []
    if free:
        interviews.schedule_request(
            request=booked, starts_at=free[0].starts_at, actor=office_manager, now=now
        )
    return len([waiting, booked])
