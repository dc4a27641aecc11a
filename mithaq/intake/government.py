"""The office's work with government systems and the ministry: which cases are still to be
entered in the external system or still wait for its closure code, the CSV that re-enters
them in that system's field order, and the letters exchanged with a requesting body."""

import csv
import io
from collections.abc import Callable, Iterable

import phonenumbers
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone

from mithaq.accounts.models import User
from mithaq.cases import services as case_services
from mithaq.cases.models import Case
from mithaq.cases.states import OPEN_STATES, ExternalSystem, State
from mithaq.search.export import safe_cell

from .models import Letter

TO_ENTER = "to_enter"
TO_CLOSE = "to_close"
EXPORT_LIMIT = 50_000


def reentry_cases(which: str) -> QuerySet[Case]:
    """`TO_ENTER`: open cases not yet in any external system. `TO_CLOSE`: cases entered in
    one and finished here (resolved or closed) that still lack that system's closure code.
    Cases merged into another are left out: their survivor is the one to enter."""
    cases = Case.objects.filter(merged_into__isnull=True).select_related("unit", "service")
    if which == TO_CLOSE:
        return cases.filter(
            ~Q(external_reference=""),
            external_closure_code="",
            state__in=[State.RESOLVED, State.CLOSED],
        ).order_by("closed_at", "created_at", "id")
    return cases.filter(external_reference="", state__in=OPEN_STATES).order_by("created_at", "id")


def _national(phone: str) -> str:
    """The phone as the citizen writes it at home (07701234567, 01001234567): what both
    systems' forms take, and never read as a formula (no leading +)."""
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return phone
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return "".join(ch for ch in national if ch.isdigit())


def _date(case: Case) -> str:
    return formats.date_format(timezone.localtime(case.created_at), "Y-m-d")


Column = tuple[str, Callable[[Case], str]]
# Each system's entry form, in its order and with its own (Arabic) field names: the CSV is
# read by a person or a tool re-entering the cases there, not by our pages, so the headers are
# that system's words, whatever the page's language.
_COMMON: dict[str, Callable[[Case], str]] = {
    "name": lambda c: c.citizen_name,
    "national_id": lambda c: c.citizen_national_id,
    "phone": lambda c: _national(c.citizen_phone),
    "email": lambda c: c.citizen_email,
    "kind": lambda c: str(c.get_kind_display()),
    "unit": lambda c: c.unit.name_ar,
    "subject": lambda c: c.subject,
    "body": lambda c: c.body,
    "date": _date,
    "code": lambda c: c.code,
    "reference": lambda c: c.external_reference,
}
FIELD_ORDERS: dict[str, list[tuple[str, str]]] = {
    ExternalSystem.EG_UNIFIED: [
        ("اسم مقدم الشكوى", "name"),
        ("الرقم القومي", "national_id"),
        ("رقم المحمول", "phone"),
        ("البريد الإلكتروني", "email"),
        ("الجهة المشكو في حقها", "unit"),
        ("نوع الشكوى", "kind"),
        ("موضوع الشكوى", "subject"),
        ("نص الشكوى", "body"),
        ("تاريخ الشكوى", "date"),
        ("رقم الشكوى بالجهة", "code"),
        ("رقم الشكوى بالمنظومة", "reference"),
    ],
    ExternalSystem.IQ_ECITIZEN: [
        ("رقم الطلب في المنظومة", "reference"),
        ("اسم المواطن", "name"),
        ("رقم الهوية", "national_id"),
        ("رقم الهاتف", "phone"),
        ("نوع الطلب", "kind"),
        ("الجهة المعنية", "unit"),
        ("موضوع الطلب", "subject"),
        ("تفاصيل الطلب", "body"),
        ("تاريخ الطلب", "date"),
        ("الرقم المرجعي", "code"),
    ],
    ExternalSystem.OTHER: [
        ("الرقم المرجعي", "code"),
        ("التاريخ", "date"),
        ("الاسم", "name"),
        ("رقم الهوية", "national_id"),
        ("الهاتف", "phone"),
        ("البريد الإلكتروني", "email"),
        ("النوع", "kind"),
        ("الجهة", "unit"),
        ("الموضوع", "subject"),
        ("التفاصيل", "body"),
        ("الرقم في النظام الخارجي", "reference"),
    ],
}


def reentry_csv(cases: Iterable[Case], system: str) -> str:
    """The cases as CSV rows in `system`'s field order (UTF-8 with a BOM, so that a
    spreadsheet reads the Arabic); no cell can start a formula."""
    order = FIELD_ORDERS.get(system, FIELD_ORDERS[ExternalSystem.OTHER])
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([header for header, _key in order])
    for case in cases:
        writer.writerow([safe_cell(_COMMON[key](case)) for _header, key in order])
    return out.getvalue()


def search_letters(text: str) -> QuerySet[Letter]:
    """Letters by number, body or their case's reference (a part of any)."""
    letters = Letter.objects.select_related("case", "recorded_by")
    text = text.strip()
    if text:
        letters = letters.filter(
            Q(number__icontains=text)
            | Q(body_name__icontains=text)
            | Q(case__code__iexact=text.upper())
        )
    return letters


def record_letter(
    *,
    case: Case,
    actor: User,
    direction: str,
    body_name: str,
    number: str,
    date,
    summary: str = "",
) -> Letter:
    """The letter's row and its event on the case, in one transaction."""
    now = timezone.now()
    with transaction.atomic():
        case_services.record_letter_event(
            case=case,
            actor=actor,
            sent=direction == Letter.Direction.SENT,
            number=number,
            # Plain values, no sentence: the number, the date and the body, then the summary.
            body="\n".join(
                part
                for part in (
                    f"{number.strip()} · {formats.date_format(date, 'Y-m-d')} · {body_name.strip()}",
                    summary.strip(),
                )
                if part
            ),
            now=now,
        )
        return Letter.objects.create(
            case=case,
            direction=direction,
            body_name=body_name.strip(),
            number=number.strip(),
            date=date,
            summary=summary.strip(),
            recorded_by=actor,
            recorded_at=now,
        )
