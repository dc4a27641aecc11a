"""Reads of ready answers: lists, Arabic search, what fits a case, and who may edit what."""

from collections.abc import Iterable
from typing import TypeVar, cast

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from mithaq.accounts.access import Asker, may_edit_ready_answers
from mithaq.accounts.models import OrgUnit
from mithaq.cases.models import Case
from mithaq.catalog.models import Service
from mithaq.common.text import normalize_arabic

from .models import CannedReply, CannedReplyText, FaqEntry, FaqText

_Q = TypeVar("_Q", bound=QuerySet)


def search_words(query: str) -> list[str]:
    """The words of a query as search compares them (see mithaq.common.text)."""
    return normalize_arabic(query or "").split()[:8]


def search(qs: _Q, query: str, field: str = "search_text") -> _Q:
    for word in search_words(query):
        qs = qs.filter(**{f"{field}__contains": word})
    return qs


def replies_for_list(
    *,
    query: str = "",
    unit: OrgUnit | None = None,
    service: Service | None = None,
    language: str = "",
    active: bool | None = True,
) -> QuerySet[CannedReply]:
    qs = CannedReply.objects.select_related("unit", "service__unit", "updated_by").prefetch_related(
        "texts"
    )
    qs = search(qs, query)
    if active is not None:
        qs = qs.filter(is_active=active)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if service is not None:
        qs = qs.filter(service=service)
    if language:
        qs = qs.filter(texts__language=language)
    return qs


def fitting_texts(
    case: Case, *, query: str = "", first_language: str = "ar"
) -> list[CannedReplyText]:
    """The texts of the active replies that fit `case`, in the citizen's language first, then
    the most specific (service, then unit, then institution-wide)."""
    replies = search(CannedReply.objects.active().fitting(case), query)
    texts = list(
        CannedReplyText.objects.filter(reply__in=replies).select_related(
            "reply__unit", "reply__service"
        )
    )

    def order(text: CannedReplyText) -> tuple[bool, int, int, str]:
        reply = text.reply
        specific = 0 if reply.service_id else 1 if reply.unit_id else 2
        depth = -cast(OrgUnit, reply.unit).depth if reply.unit_id else 0
        return (text.language != first_language, specific, depth, text.title)

    return sorted(texts, key=order)


def get_fitting_text(case: Case, pk: int) -> CannedReplyText:
    text = (
        CannedReplyText.objects.filter(pk=pk, reply__in=CannedReply.objects.active().fitting(case))
        .select_related("reply")
        .first()
    )
    if text is None:
        raise Http404
    return text


def get_reply_for_editing(request_or_user: Asker, pk: int) -> CannedReply:
    """The reply if this person may edit it; Http404 otherwise (missing or forbidden)."""
    reply = (
        CannedReply.objects.select_related("unit", "service__unit", "updated_by", "created_by")
        .prefetch_related("texts")
        .filter(pk=pk)
        .first()
    )
    if reply is None or not may_edit_ready_answers(request_or_user, reply.scope_unit):
        raise Http404
    return reply


def get_faq_for_editing(request_or_user: Asker, pk: int) -> FaqEntry:
    entry = (
        FaqEntry.objects.select_related("service__unit", "updated_by")
        .prefetch_related("texts")
        .filter(pk=pk)
        .first()
    )
    if entry is None or not may_edit_ready_answers(request_or_user, entry.service.unit):
        raise Http404
    return entry


def editable_units(request_or_user: Asker) -> list[OrgUnit]:
    """The active units whose ready answers this person may keep, as a tree."""
    units = list(OrgUnit.objects.active())
    if may_edit_ready_answers(request_or_user):  # the institution-wide ones: all of them
        return units
    return [u for u in units if may_edit_ready_answers(request_or_user, u)]


def editable_services(units: Iterable[OrgUnit]) -> list[Service]:
    return list(
        Service.objects.active()
        .filter(unit__in=units)
        .select_related("unit")
        .order_by("unit__path", "name_ar")
    )


def faq_for_list(*, service: Service | None = None) -> QuerySet[FaqEntry]:
    qs = FaqEntry.objects.select_related("service__unit", "updated_by").prefetch_related("texts")
    if service is not None:
        qs = qs.filter(service=service)
    return qs.order_by("service__unit__path", "service__name_ar", "position", "id")


def published_faq(service: Service) -> list[FaqEntry]:
    return list(
        FaqEntry.objects.published()
        .filter(service=service)
        .prefetch_related(Prefetch("texts", queryset=FaqText.objects.all()))
    )
