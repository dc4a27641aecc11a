"""Access-matrix rows of the interviews (issue 16, mithaq/interviews): the request form and
its tracking are public (a request is opened only by a session that proved its reference
and the phone or email); the office's pages are for the citizens' affairs office (its
officers and managers screen and record), reception (registers, sees the day's list and
what it registered) and the officials themselves: the persona `official` (the president's
assistant) has the lists of the requests addressed to them and their own monthly record, and
none of the president's, to whom the world's request is addressed."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from mithaq.accounts.models import Membership, Role
from mithaq.interviews import services, visits
from mithaq.interviews.models_visits import ChecklistTemplate, Visit
from mithaq.interviews.testing import REQUEST, make_official
from mithaq.testing import png_bytes, restore_migration_seeds
from tests.access_personas import everyone, only


def _checklist() -> ChecklistTemplate:
    """The default checklist a migration adds (put back if a transactional test's flush
    removed it)."""
    restore_migration_seeds()
    return ChecklistTemplate.objects.get()


def extend_world(world):
    org = world["org"]
    official = make_official(org)
    row = services.submit_request(
        official=official, unit=org.root, received_by=org.reception, **REQUEST
    )
    world["interview"] = row.code
    world["visit"] = visits.plan_visit(
        unit=org.college_a,
        template=_checklist(),
        planned_for=datetime.date(2026, 12, 10),
        team="فريق المكتب",
        scope="",
        actor=org.office_manager,
    ).pk
    world["photo"] = visits.add_photos(
        visit=Visit.objects.get(pk=world["visit"]),
        uploads=[SimpleUploadedFile("hall.png", png_bytes(), "image/png")],
        caption="",
        actor=org.office_manager,
    )[0].pk
    world["official_membership"] = Membership.objects.get(user=official, role=Role.OFFICIAL).pk


# The office's officers and managers (the office manager among the personas) and reception.
SEES = only(200, "office_manager", "reception")
# ... and the lists, for an official (theirs only).
LISTS = only(200, "office_manager", "reception", "official")
VISIT_READERS = only(200, "office_manager", "leader", "auditor")
MATRIX = {
    "interviews:request": ("get", lambda w: [], everyone(200)),
    "interviews:track": ("get", lambda w: [], everyone(200)),
    # Not proved in this session: back to the tracking form.
    "interviews:track_request": ("get", lambda w: [w["interview"]], everyone(302)),
    "interviews:move": ("post", lambda w: [w["interview"]], everyone(302)),
    "interviews:cancel": ("post", lambda w: [w["interview"]], everyone(302)),
    "interviews:ics": ("get", lambda w: [w["interview"]], everyone(404)),
    "interview_office:list": ("get", lambda w: [], LISTS),
    "interview_office:today": ("get", lambda w: [], LISTS),
    "interview_office:new": ("get", lambda w: [], SEES),
    # Reception registered the request: it reads it; only the office acts on it.
    "interview_office:detail": ("get", lambda w: [w["interview"]], SEES),
    # Declining with no reason: the page comes back with its error.
    "interview_office:act": (
        "post",
        lambda w: [w["interview"], "decline"],
        only(400, "office_manager"),
    ),
    # Monthly records: the office, leadership and auditors read every official's; a dean's
    # office (manager_college_a) its college's only, an official their own: the world's
    # official is the president's.
    "interview_office:records": (
        "get",
        lambda w: [],
        only(200, "office_manager", "leader", "auditor", "manager_college_a", "official"),
    ),
    "interview_office:record": (
        "get",
        lambda w: [w["official_membership"], "2026-11"],
        only(200, "office_manager", "leader", "auditor"),
    ),
    # An empty form: the keeper gets the page back with its errors; readers get 404.
    "interview_office:record_add": (
        "post",
        lambda w: [w["official_membership"], "2026-11"],
        only(400, "office_manager"),
    ),
    "interview_office:record_submit": (
        "post",
        lambda w: [w["official_membership"], "2026-11"],
        only(302, "office_manager"),
    ),
    # Field visits: the office plans, scores and reports; leadership and auditors read.
    "interview_office:visits": ("get", lambda w: [], VISIT_READERS),
    "interview_office:visit": ("get", lambda w: [w["visit"]], VISIT_READERS),
    "interview_office:visit_pdf": ("get", lambda w: [w["visit"]], VISIT_READERS),
    "interview_office:visit_trends": ("get", lambda w: [], VISIT_READERS),
    "interview_office:visit_photo": ("get", lambda w: [w["visit"], w["photo"]], VISIT_READERS),
    # No photo chosen: the page again with its error.
    "interview_office:visit_photos": ("post", lambda w: [w["visit"]], only(400, "office_manager")),
    "interview_office:visit_score": ("post", lambda w: [w["visit"]], only(302, "office_manager")),
    # A finding posted empty: the page again with its errors.
    "interview_office:visit_finding": (
        "post",
        lambda w: [w["visit"]],
        only(400, "office_manager"),
    ),
}
