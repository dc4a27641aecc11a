"""A month of known cases for the report's figures (November 2026, Asia/Baghdad, Sunday to
Thursday 08:00–14:00, as the seeded calendar has it: none of its holidays falls in
October or November 2026). Commitments: acknowledgement within 1 working day,
resolution within 3. Every expected figure in test_figures.py is counted by hand from the
list below, not by the code under test.

  A  1 Nov 01:30 (31 Oct 22:30 UTC)  complaint web        civil    ack 1 Nov 10:00; open
  B 31 Oct 23:30 (20:30 UTC)          inquiry phone        elec     never touched; open
  C  5 Oct 10:00                      complaint web        civil    closed 20 Oct
  D 20 Oct 10:00                      complaint web        surgery  ack 20 Oct 11:00;
                                                                    closed 10 Nov 10:00, external ref
  E  2 Nov 09:00                      complaint web        civil    ack 2 Nov 10:00; closed 3 Nov 10:00;
                                                                    reopened 4 Nov 10:00; closed 5 Nov 10:00
  F  1 Oct 09:00                      complaint web        office   closed 8 Oct; reopened 9 Nov 10:00; open
  G  3 Nov 09:00                      complaint web        civil    merged into A on 4 Nov (left out)
  H 12 Nov 09:00  confidential        complaint phone      surgery  closed 16 Nov 10:00
  I 15 Nov 09:00  urgent, collective  service req. letter  surgery  open (12 people)
  J  1 Dec 01:00 (30 Nov 22:00 UTC)   complaint web        civil    December
  K 19 Nov 09:00                      suggestion email     elec     closed 2 Dec 10:00
  L 22 Nov 09:00                      inquiry web          civil    closed 24 Nov 10:00; reopened 3 Dec
"""

import datetime
from zoneinfo import ZoneInfo

from mithaq.cases.services import acknowledge_case, close_case, reopen_case
from mithaq.cases.services.duplicates import merge_cases
from mithaq.cases.states import Channel, ClosureCode, ExternalSystem, Kind
from mithaq.routing import calendar as working
from mithaq.routing.models import Commitment, DurationUnit, Target
from mithaq.testing import make_case

BAGHDAD = ZoneInfo("Asia/Baghdad")
CONFIDENTIAL_NAME = "زينب المستورة"


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BAGHDAD)


def build(org) -> dict:
    # The seeded defaults (routing migration 0002) give way to the fixture's two promises.
    Commitment.objects.all().delete()
    Commitment.objects.create(target=Target.ACKNOWLEDGEMENT, amount=1, unit=DurationUnit.DAYS)
    Commitment.objects.create(target=Target.RESOLUTION, amount=3, unit=DurationUnit.DAYS)
    working.invalidate_local()
    boss = org.office_manager

    def case(when, unit, kind=Kind.COMPLAINT, channel=Channel.WEB, **extra):
        if channel != Channel.WEB:
            extra["received_by"] = org.reception
        return make_case(org, unit=unit, kind=kind, channel=channel, now=when, **extra)

    def close(c, when, **extra):
        return close_case(case=c, actor=boss, closure_code=ClosureCode.ANSWERED, now=when, **extra)

    cases = {}
    cases["A"] = a = case(at(11, 1, 1, 30), org.dept_a)
    acknowledge_case(case=a, actor=boss, now=at(11, 1, 10))
    cases["B"] = case(at(10, 31, 23, 30), org.dept_a2, Kind.INQUIRY, Channel.PHONE)
    cases["C"] = c = case(at(10, 5, 10), org.dept_a)
    close(c, at(10, 20, 10))
    cases["D"] = d = case(at(10, 20, 10), org.dept_b)
    acknowledge_case(case=d, actor=boss, now=at(10, 20, 11))
    close(
        d,
        at(11, 10, 10),
        external_system=ExternalSystem.IQ_ECITIZEN,
        external_reference="EC-2026-1188",
    )
    cases["E"] = e = case(at(11, 2, 9), org.dept_a)
    acknowledge_case(case=e, actor=boss, now=at(11, 2, 10))
    close(e, at(11, 3, 10))
    reopen_case(case=e, actor=boss, reason="تظلم المواطن", now=at(11, 4, 10))
    close(e, at(11, 5, 10))
    cases["F"] = f = case(at(10, 1, 9), org.office)
    close(f, at(10, 8, 10))
    reopen_case(case=f, actor=boss, reason="تظلم المواطن", now=at(11, 9, 10))
    cases["G"] = g = case(at(11, 3, 9), org.dept_a)
    merge_cases(case=g, survivor=a, actor=boss, now=at(11, 4, 9))
    cases["H"] = h = case(
        at(11, 12, 9),
        org.dept_b,
        channel=Channel.PHONE,
        identity_confidential=True,
        citizen_name=CONFIDENTIAL_NAME,
    )
    close(h, at(11, 16, 10))
    cases["I"] = case(
        at(11, 15, 9),
        org.dept_b,
        Kind.SERVICE_REQUEST,
        Channel.LETTER,
        is_urgent=True,
        is_collective=True,
        head_count=12,
    )
    cases["J"] = case(at(12, 1, 1), org.dept_a)
    cases["K"] = k = case(at(11, 19, 9), org.dept_a2, Kind.SUGGESTION, Channel.EMAIL)
    close(k, at(12, 2, 10))
    cases["L"] = m = case(at(11, 22, 9), org.dept_a, Kind.INQUIRY)
    close(m, at(11, 24, 10))
    reopen_case(case=m, actor=boss, reason="تظلم المواطن", now=at(12, 3, 10))
    return {name: c.code for name, c in cases.items()}
