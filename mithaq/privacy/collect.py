"""Everything held about one person, as plain values (the export's JSON and its PDF
summary): the registry record, their cases with the events they saw or wrote and their
files, the messages sent to them, their survey answers and their interview requests.

Staff's internal notes and files are the institution's working papers, not the person's
data: their events are listed (what happened, when) without their text."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from mithaq.accounts.access import Asker
from mithaq.cases.access import cases_visible_to
from mithaq.cases.models import Attachment, Case
from mithaq.citizens.models import Citizen
from mithaq.interviews.models import InterviewRequest
from mithaq.notifications.models import Message
from mithaq.notifications.states import RecipientKind
from mithaq.surveys.models import SurveyAnswer


def _when(value: datetime.datetime | datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def person_cases(citizen: Citizen) -> QuerySet[Case]:
    return Case.objects.filter(citizen=citizen).select_related("unit", "service")


def person_messages(citizen: Citizen, cases: QuerySet[Case]) -> QuerySet[Message]:
    addresses = [a for a in (citizen.phone, citizen.email) if a]
    return Message.objects.filter(
        Q(case__in=cases, recipient_kind=RecipientKind.CITIZEN) | Q(address__in=addresses)
    ).order_by("created_at", "pk")


def person_interviews(citizen: Citizen, cases: QuerySet[Case]) -> QuerySet[InterviewRequest]:
    q = Q(case__in=cases)
    if citizen.phone:
        q |= Q(citizen_phone=citizen.phone)
    if citizen.email:
        q |= Q(citizen_email__iexact=citizen.email)
    return InterviewRequest.objects.filter(q).select_related("unit").order_by("created_at")


def person_files(cases: QuerySet[Case]) -> QuerySet[Attachment]:
    """The files the person sent, and those sent to them."""
    return (
        Attachment.objects.filter(case__in=cases)
        .filter(Q(by_citizen=True) | Q(is_public=True))
        .select_related("case")
    )


@dataclass
class Held:
    """What is held about a person, as the exporter may see it."""

    data: dict[str, Any]
    files: list[Attachment]


def held_about(asker: Asker, citizen: Citizen, *, now: datetime.datetime) -> Held:
    """The person's data. Their cases are those the exporter may see: a case restricted to
    named people is exported by one of them."""
    cases = cases_visible_to(asker, person_cases(citizen)).order_by("created_at", "pk")
    files = list(person_files(cases))
    files_by_case: dict[int, list[dict]] = {}
    for a in files:
        files_by_case.setdefault(a.case_id, []).append(
            {
                "name": a.original_name,
                "type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "sent_by_you": a.by_citizen,
                "at": _when(a.created_at),
                "in_archive": f"files/{a.case.code}/{a.pk}.{a.extension}",
            }
        )
    case_rows = []
    for case in cases.prefetch_related("events"):
        case_rows.append(
            {
                "reference": case.code,
                "kind": case.kind,
                "kind_label": str(case.get_kind_display()),
                "state": case.state,
                "state_label": str(case.get_state_display()),
                "channel": case.channel,
                "unit": case.unit.name_ar,
                "service": case.service.name_ar if case.service else None,
                "subject": case.subject,
                "details": case.body,
                "remedy_sought": case.remedy_sought,
                "name_given": case.citizen_name,
                "phone_given": case.citizen_phone,
                "email_given": case.citizen_email,
                "national_id_given": case.citizen_national_id,
                "identity_confidential": case.identity_confidential,
                "received_at": _when(case.created_at),
                "closed_at": _when(case.closed_at),
                "decision": case.decision,
                "decision_reasons": case.decision_reasons,
                "events": [
                    {
                        "kind": e.kind,
                        "kind_label": str(e.get_kind_display()),
                        "at": _when(e.at),
                        "by_you": e.by_citizen,
                        "text": e.body if (e.is_public or e.by_citizen) else "",
                    }
                    for e in case.events.all()
                ],
                "files": files_by_case.get(case.pk, []),
            }
        )
    messages = [
        {
            "reference": m.case.code if m.case_id and m.case else None,
            "channel": m.channel,
            "subject": m.subject,
            "text": m.body,
            "status": m.status,
            "at": _when(m.created_at),
            "sent_at": _when(m.sent_at),
        }
        for m in person_messages(citizen, cases).select_related("case")
    ]
    answers = [
        {
            "reference": a.case.code if a.case else None,
            "satisfaction": a.satisfaction,
            "ease": a.effort,
            "resolved": a.resolved,
            "comment": a.comment,
            "at": _when(a.answered_at),
        }
        for a in SurveyAnswer.objects.filter(case__in=cases).select_related("case")
    ]
    interviews = [
        {
            "reference": r.code,
            "unit": r.unit.name_ar,
            "subject": r.subject,
            "summary": r.summary,
            "state": r.state,
            "at": _when(r.created_at),
        }
        for r in person_interviews(citizen, cases)
    ]
    data = {
        "exported_at": _when(now),
        "person": {
            "name": citizen.name,
            "phone": citizen.phone,
            "email": citizen.email,
            "national_id": citizen.national_id,
            "group": citizen.group,
            "language": citizen.language,
            "contact": {
                "sms": citizen.allow_sms,
                "email": citizen.allow_email,
                "whatsapp": citizen.allow_whatsapp,
                "preferred": citizen.preferred_channel,
            },
            "verified_at": _when(citizen.verified_at),
            "first_seen": _when(citizen.created_at),
        },
        "cases": case_rows,
        "messages": messages,
        "survey_answers": answers,
        "interview_requests": interviews,
    }
    return Held(data=data, files=files)
