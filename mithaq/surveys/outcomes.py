"""Suggestions followed to the end (issue 15): after a suggestion is accepted, the office
records adopted → in progress → implemented, each stage once and in that order, each with a
public note; the public page "you said, we did" lists the implemented ones. Nothing here is
copied from the case's text: the office writes the public words, so no one is named."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from mithaq.accounts.models import User
from mithaq.cases.models import Case
from mithaq.cases.services.events import lock_case
from mithaq.cases.states import Decision, Kind
from mithaq.routing import calendar as working

from .models import STAGE_ORDER, OutcomeStage, OutcomeStep, SuggestionOutcome

TEXT_MAX = 2000


def accepted_suggestions() -> QuerySet[Case]:
    """The cases whose outcome the office follows: suggestions decided "accepted"."""
    return Case.objects.filter(
        kind=Kind.SUGGESTION, decision=Decision.ACCEPTED, merged_into__isnull=True
    )


def next_stage(outcome: SuggestionOutcome | None) -> str | None:
    if outcome is None:
        return STAGE_ORDER[0]
    at = STAGE_ORDER.index(OutcomeStage(outcome.stage))
    return STAGE_ORDER[at + 1] if at + 1 < len(STAGE_ORDER) else None


def _text(value: str, name: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({name: _("This text is shown to the public: write it.")})
    if len(value) > TEXT_MAX:
        raise ValidationError(
            {
                name: ngettext("At most %(n)s character.", "At most %(n)s characters.", TEXT_MAX)
                % {"n": TEXT_MAX}
            }
        )
    return value


def record_stage(
    *,
    case: Case,
    actor: User,
    stage: str,
    note_ar: str,
    note_en: str = "",
    said_ar: str = "",
    said_en: str = "",
    now: datetime.datetime | None = None,
) -> SuggestionOutcome:
    """Record the next stage of an accepted suggestion with its public note. The first stage
    (adopted) also takes the suggestion in public words. A stage out of order, twice, or on a
    case that is not an accepted suggestion is refused and nothing is written."""
    now = now or timezone.now()
    note_ar = _text(note_ar, "note_ar", required=True)
    note_en = _text(note_en, "note_en", required=False)
    with transaction.atomic():
        # The case row first (docs/architecture.md: one lock order).
        locked = lock_case(case)
        if locked.kind != Kind.SUGGESTION or locked.decision != Decision.ACCEPTED:
            raise ValidationError(
                _("Only an accepted suggestion has an outcome to follow."), code="not_accepted"
            )
        outcome = SuggestionOutcome.objects.filter(case=locked).first()
        expected = next_stage(outcome)
        if stage != expected:
            if expected is None:
                message = _("This suggestion is implemented already.")
            else:
                message = _("The next stage of this suggestion is: %(stage)s.") % {
                    "stage": OutcomeStage(expected).label
                }
            raise ValidationError(message, code="order")
        if outcome is None:
            outcome = SuggestionOutcome(
                case=locked,
                said_ar=_text(said_ar, "said_ar", required=True),
                said_en=_text(said_en, "said_en", required=False),
            )
        outcome.stage = stage
        outcome.updated_at = now
        outcome.save()
        OutcomeStep.objects.create(
            outcome=outcome,
            stage=stage,
            note_ar=note_ar,
            note_en=note_en,
            recorded_by=actor,
            recorded_at=now,
        )
    return outcome


@dataclass(frozen=True)
class PublicStep:
    stage: str
    label: str
    note: str
    on: datetime.date


@dataclass(frozen=True)
class PublicOutcome:
    said: str
    steps: list[PublicStep]
    implemented_on: datetime.date


def _in_language(arabic: str, english: str) -> str:
    """Arabic in Arabic; English in every other language, or the Arabic where none."""
    if (get_language() or "ar").startswith("ar"):
        return arabic
    return english or arabic


def implemented(limit: int = 200) -> list[PublicOutcome]:
    """The implemented suggestions for the public page, newest first: the public words and
    notes only (two queries)."""
    rows = (
        SuggestionOutcome.objects.filter(stage=OutcomeStage.IMPLEMENTED)
        .only("said_ar", "said_en", "updated_at")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=OutcomeStep.objects.only(
                    "outcome_id", "stage", "note_ar", "note_en", "recorded_at"
                ),
            )
        )
        .order_by("-updated_at", "-id")[:limit]
    )
    tz = working.active_calendar().tz
    return [
        PublicOutcome(
            said=_in_language(row.said_ar, row.said_en),
            steps=[
                PublicStep(
                    stage=step.stage,
                    label=str(OutcomeStage(step.stage).label),
                    note=_in_language(step.note_ar, step.note_en),
                    on=timezone.localdate(step.recorded_at, tz),
                )
                for step in row.steps.all()
            ],
            implemented_on=timezone.localdate(row.updated_at, tz),
        )
        for row in rows
    ]
