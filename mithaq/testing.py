"""Test personas: a small institution and one person per role, shared by every test."""

import importlib
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model

from mithaq.accounts.models import Membership, OrgUnit, Role, UnitKind
from mithaq.accounts.services import create_unit, memberships_changed, people_changed
from mithaq.cases.services import submit_case
from mithaq.cases.states import Channel, Kind
from mithaq.catalog.models import Service
from mithaq.catalog.services import services_changed
from mithaq.routing.services import clock_config_changed

PASSWORD = "correct-horse-battery-staple"  # noqa: S105

# The one list of personas, the Org's people, that every access test walks (the site's access
# matrix, tests/test_access_matrix.py, adds the anonymous visitor). Each holds exactly one
# membership but `nobody` (none); every Role is held alone by one of them (`official` holds the
# role that receives interviews and reads no case); `admin` (an
# administrator who is also a superuser) and `superuser_officer` (a superuser whose only
# membership is an officer's) show that the superuser flag adds nothing to a membership.
PERSONAS = (
    "reception",
    "officer_a",
    "officer_a2",
    "officer_b",
    "manager_college_a",
    "office_manager",
    "leader",
    "auditor",
    "administrator",
    "admin",
    "superuser_officer",
    "official",
    "nobody",
)


@dataclass
class Org:
    root: OrgUnit
    office: OrgUnit
    college_a: OrgUnit
    dept_a: OrgUnit
    dept_a2: OrgUnit
    college_b: OrgUnit
    dept_b: OrgUnit
    service_a: Service
    service_b: Service
    # People
    reception: object
    officer_a: object
    officer_a2: object
    officer_b: object
    manager_college_a: object
    office_manager: object
    leader: object
    auditor: object
    administrator: object
    admin: object
    superuser_officer: object
    official: object
    nobody: object

    def people(self) -> dict:
        return {name: getattr(self, name) for name in PERSONAS}


def make_user(username: str, full_name: str, **extra):
    return get_user_model().objects.create_user(
        username=username, password=PASSWORD, full_name=full_name, **extra
    )


def make_org() -> Org:
    root = create_unit(
        parent=None,
        kind=UnitKind.INSTITUTION,
        code="uni",
        name_ar="جامعة الاختبار",
        name_en="Test University",
        accepts_cases=False,
    )
    office = create_unit(
        parent=root,
        kind=UnitKind.OFFICE,
        code="office",
        name_ar="مكتب شؤون المواطنين",
        name_en="Citizens' Affairs Office",
        is_citizens_office=True,
    )
    college_a = create_unit(
        parent=root,
        kind=UnitKind.COLLEGE,
        code="eng",
        name_ar="كلية الهندسة",
        name_en="College of Engineering",
    )
    dept_a = create_unit(
        parent=college_a,
        kind=UnitKind.DEPARTMENT,
        code="eng-civil",
        name_ar="قسم الهندسة المدنية",
        name_en="Civil Engineering",
    )
    dept_a2 = create_unit(
        parent=college_a,
        kind=UnitKind.DEPARTMENT,
        code="eng-elec",
        name_ar="قسم الهندسة الكهربائية",
        name_en="Electrical Engineering",
    )
    college_b = create_unit(
        parent=root,
        kind=UnitKind.COLLEGE,
        code="med",
        name_ar="كلية الطب",
        name_en="College of Medicine",
    )
    dept_b = create_unit(
        parent=college_b,
        kind=UnitKind.DEPARTMENT,
        code="med-surgery",
        name_ar="قسم الجراحة",
        name_en="Surgery",
    )
    service_a = Service.objects.create(
        unit=dept_a,
        code="civil-transcript",
        name_ar="كشف الدرجات",
        name_en="Transcript",
    )
    service_b = Service.objects.create(
        unit=dept_b, code="surgery-training", name_ar="التدريب السريري", name_en="Clinical training"
    )
    services_changed()

    def member(username, full_name, unit, role, **extra):
        user = make_user(username, full_name, **extra)
        Membership.objects.create(user=user, unit=unit, role=role)
        people_changed()
        memberships_changed()
        return user

    return Org(
        root=root,
        office=office,
        college_a=college_a,
        dept_a=dept_a,
        dept_a2=dept_a2,
        college_b=college_b,
        dept_b=dept_b,
        service_a=service_a,
        service_b=service_b,
        reception=member("reception", "سارة الاستقبال", office, Role.RECEPTION),
        officer_a=member("officer_a", "علي المدني", dept_a, Role.OFFICER),
        officer_a2=member("officer_a2", "هدى الكهربائية", dept_a2, Role.OFFICER),
        officer_b=member("officer_b", "مريم الجراحة", dept_b, Role.OFFICER),
        manager_college_a=member("manager_a", "عميد الهندسة", college_a, Role.UNIT_MANAGER),
        office_manager=member("office_manager", "مدير المكتب", office, Role.OFFICE_MANAGER),
        leader=member("president", "رئيس الجامعة", root, Role.LEADERSHIP),
        auditor=member("auditor", "المدقق", root, Role.AUDITOR),
        administrator=member("administrator", "مسؤول الإعدادات", root, Role.ADMINISTRATOR),
        admin=member(
            "admin", "مدير النظام", root, Role.ADMINISTRATOR, is_staff=True, is_superuser=True
        ),
        # An officer of college B itself (no case of the tests is there) who is a superuser.
        superuser_officer=member(
            "superuser_officer",
            "موظف بصلاحيات كاملة",
            college_b,
            Role.OFFICER,
            is_staff=True,
            is_superuser=True,
        ),
        # The president's assistant, who receives interviews (issue 16) and holds no case role.
        official=member("assistant", "مساعد رئيس الجامعة", root, Role.OFFICIAL),
        nobody=make_user("nobody", "بلا عضوية"),
    )


def make_case(org: Org, *, unit=None, **overrides):
    """A web complaint to `unit` (civil engineering by default)."""
    fields: dict[str, Any] = {
        "kind": Kind.COMPLAINT,
        "unit": unit or org.dept_a,
        "channel": Channel.WEB,
        "subject": "تأخر إصدار كشف الدرجات",
        "body": "قدمت طلب كشف الدرجات منذ شهر ولم أستلمه حتى الآن.",
        "citizen_name": "أحمد محمود",
        "citizen_phone": "+9647701234567",
        "citizen_email": "ahmed@example.com",
    }
    fields.update(overrides)
    return submit_case(**fields)


# Sample files with real magic bytes, for upload tests ------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
CONTENT_TYPES = (
    '<?xml version="1.0"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def png_bytes() -> bytes:
    """A real 1x1 white PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_bytes(exif: bytes = b"") -> bytes:
    """A real 8x8 red JPEG, with the EXIF block given."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "JPEG", exif=exif)
    return out.getvalue()


def zip_bytes(members: dict[str, str]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": "<Relationships/>",
            "word/document.xml": "<w:document><w:body><w:p>شكوى</w:p></w:body></w:document>",
        }
    )


def xlsx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": "<Relationships/>",
            "xl/workbook.xml": "<workbook/>",
        }
    )


def run_at_once(workers: int, work) -> list:
    """Run work(i) in `workers` threads released together, for PostgreSQL concurrency tests;
    each thread has its own database connection, closed at its end. Errors are raised in the
    test."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(workers)
    results: list = [None] * workers
    errors: list = []

    def target(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    if errors:
        raise AssertionError(errors)
    return results


# What migrations add as data (the working calendar and the charter's commitments, the field
# visits' default checklist): a transactional test's flush removes it, and a later test in the
# same worker would find no deadline to compute, or no checklist to visit with.
_MIGRATION_SEEDS = (
    (
        "routing",
        "Commitment",
        "mithaq.routing.migrations.0002_seed_calendar_and_commitments",
        "seed",
    ),
    (
        "interviews",
        "ChecklistTemplate",
        "mithaq.interviews.migrations.0004_default_checklist",
        "create",
    ),
)


def restore_migration_seeds() -> None:
    """Put back the data migrations add, where a flush removed it (each seed whose model is
    empty runs again, as the migration ran it); then the configuration copies reload."""
    restored = False
    for app_label, model, module, function in _MIGRATION_SEEDS:
        if not apps.get_model(app_label, model).objects.exists():
            getattr(importlib.import_module(module), function)(apps, None)
            restored = True
    if restored:
        clock_config_changed()
