"""Consultation without transfer: a case's officer asks other units for their opinion; each
consulted unit sees that case until it answers, and the answers join the timeline as
internal notes."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mithaq.accounts.access import AnyUser, access_for
from mithaq.accounts.models import User
from mithaq.routing.models import Consultation

from ..models import Case
from ..states import TRANSITIONS, Action, EventKind
from .events import CaseStateError, lock_case, record_event


def ask_units(
    *, case: Case, actor: User, units: Iterable, question: str, now: datetime.datetime | None = None
) -> list[Consultation]:
    units = list(units)
    if not (question or "").strip():
        raise ValidationError(_("Write what you ask the units."), code="question")
    if not units:
        raise ValidationError(_("Choose at least one unit to ask."), code="units")
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_case(case)
        if locked.state not in TRANSITIONS[Action.CONSULT].sources:
            raise CaseStateError(_("A closed case is not sent for opinions."), code="bad_state")
        if any(unit.pk == locked.unit_id for unit in units):
            raise ValidationError(
                _("The case is already with %(unit)s: ask other units.")
                % {"unit": locked.unit.name},
                code="own_unit",
            )
        if any(not unit.is_active for unit in units):
            raise ValidationError(_("This unit is no longer active."), code="unit")
        waiting = set(
            Consultation.objects.filter(
                case=locked, unit__in=units, answered_at__isnull=True
            ).values_list("unit_id", flat=True)
        )
        if waiting:
            names = ", ".join(u.name for u in units if u.pk in waiting)
            raise ValidationError(
                _("Still waiting for the opinion of: %(units)s.") % {"units": names},
                code="waiting",
            )
        made = Consultation.objects.bulk_create(
            Consultation(
                case=locked, unit=unit, question=question.strip(), asked_by=actor, asked_at=now
            )
            for unit in units
        )
        locked.updated_at = now
        locked.save(update_fields=["updated_at"])
        for unit in units:
            record_event(
                locked,
                kind=EventKind.CONSULTATION_REQUESTED,
                actor=actor,
                now=now,
                to_unit=unit,
                body=question.strip(),
                is_public=False,
            )
    return made


def open_for(user: AnyUser, case: Case) -> list[Consultation]:
    """The open consultations on `case` that `user` may answer (as officer or manager of the
    consulted unit)."""
    access = access_for(user)
    rows = Consultation.objects.filter(case=case, answered_at__isnull=True).select_related("unit")
    return [c for c in rows if access.answers_for(c.unit)]


def answer(
    *, case: Case, actor: User, opinion: str, now: datetime.datetime | None = None
) -> Consultation:
    """The consulted unit's opinion: it closes the unit's consultation (and with it the
    unit's view of the case) and joins the timeline, never shown to the citizen."""
    if not (opinion or "").strip():
        raise ValidationError(_("Write your unit's opinion."), code="opinion")
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_case(case)
        mine = open_for(actor, locked)
        if not mine:
            raise ValidationError(
                _("Your unit's opinion on this case was already given."), code="answered"
            )
        consultation = mine[0]
        consultation.answer = opinion.strip()
        consultation.answered_by = actor
        consultation.answered_at = now
        consultation.save(update_fields=["answer", "answered_by", "answered_at"])
        record_event(
            locked,
            kind=EventKind.CONSULTATION_ANSWERED,
            actor=actor,
            now=now,
            from_unit=consultation.unit,
            body=opinion.strip(),
            is_public=False,
        )
    return consultation


def asked_of(user: AnyUser) -> QuerySet[Consultation]:
    """The consultations addressed to `user`'s units (as officer or manager), open first."""
    units = access_for(user).consulted_units()
    if units is None:
        return Consultation.objects.none()
    return (
        Consultation.objects.filter(units)
        .select_related("case", "unit", "asked_by")
        .order_by(F("answered_at").desc(nulls_first=True), "-asked_at")
    )
