"""Every write of the surveys: an answer (one per case or hall ticket, changeable for a while),
the follow-up of a low one and its unit manager's message, and the comments' moderation."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mithaq.accounts.models import Membership, OrgUnit, Role, User
from mithaq.cases.models import Case
from mithaq.cases.states import State
from mithaq.notifications import services as messages
from mithaq.notifications.states import StaffEvent
from mithaq.walkin.models import Ticket
from mithaq.walkin.states import TicketState

from .models import FollowUp, SurveyAnswer
from .states import HALL_CHANNEL, LOW_SCORES, SCORES, Resolved, Via

COMMENT_MAX = 2000


class SurveyError(ValidationError):
    """The answer cannot be taken (not closed yet, or the time to change it is over)."""


@dataclass(frozen=True)
class Answer:
    satisfaction: int
    effort: int
    resolved: str
    comment: str = ""

    def check(self) -> None:
        if self.satisfaction not in SCORES or self.effort not in SCORES:
            raise ValidationError(_("Choose a score from 1 to 5."), code="score")
        if self.resolved not in Resolved.values:
            raise ValidationError(_("Say whether your request was resolved."), code="resolved")
        if len(self.comment) > COMMENT_MAX:
            raise ValidationError(_("The comment is too long."), code="comment")

    @property
    def is_low(self) -> bool:
        return self.satisfaction in LOW_SCORES or self.resolved == Resolved.NO


def change_window() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.MITHAQ_SURVEY_CHANGE_HOURS)


def may_change(answer: SurveyAnswer, now: datetime.datetime) -> bool:
    return now - answer.answered_at <= change_window()


def _where_case(case: Case) -> dict:
    return {
        "case": case,
        "unit_id": case.unit_id,
        "service_id": case.service_id,
        "channel": case.channel,
        "kind": case.kind,
        "person_id": case.assignee_id,
    }


def _where_ticket(ticket: Ticket) -> dict:
    # The hall's unit answers for its visits; no person: a window changes hands in a day.
    return {
        "ticket": ticket,
        "unit_id": ticket.hall.unit_id,
        "service_id": ticket.hall_service.service_id,
        "channel": HALL_CHANNEL,
        "kind": "",
        "person_id": None,
    }


def answer_case_survey(
    *, case: Case, answer: Answer, via: str = Via.LINK, now: datetime.datetime | None = None
) -> SurveyAnswer:
    """The citizen's answer on a closed case. A second answer within the change window
    replaces the first; after it, SurveyError."""
    answer.check()
    now = now or timezone.now()
    with transaction.atomic():
        # The case row is locked first (docs/architecture.md): two answers at once make one.
        locked = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        if locked.state != State.CLOSED and not SurveyAnswer.objects.filter(case=locked).exists():
            raise SurveyError(_("The survey opens once your case is closed."), code="not_closed")
        return _save(_where_case(locked), answer=answer, via=via, now=now)


def answer_ticket_survey(
    *, ticket: Ticket, answer: Answer, via: str = Via.LINK, now: datetime.datetime | None = None
) -> SurveyAnswer:
    """The visitor's answer after a served hall visit (on their phone or the window's
    tablet); as for a case, changeable within the window."""
    answer.check()
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("hall", "hall_service")
            .get(pk=ticket.pk)
        )
        if locked.state != TicketState.DONE:
            raise SurveyError(_("The survey opens once your visit is served."), code="not_served")
        return _save(_where_ticket(locked), answer=answer, via=via, now=now)


def _save(where: dict, *, answer: Answer, via: str, now: datetime.datetime) -> SurveyAnswer:
    subject = {k: where[k] for k in ("case", "ticket") if k in where}
    row = SurveyAnswer.objects.select_for_update().filter(**subject).first()
    if row is not None and not may_change(row, now):
        raise SurveyError(
            _("You answered this survey already; an answer can be changed for %(hours)s hours.")
            % {"hours": settings.MITHAQ_SURVEY_CHANGE_HOURS},
            code="answered",
        )
    if row is None:
        row = SurveyAnswer(answered_at=now, via=via, **where)
    row.satisfaction = answer.satisfaction
    row.effort = answer.effort
    row.resolved = answer.resolved
    row.comment = answer.comment.strip()
    row.changed_at = now
    row.save()
    if answer.is_low:
        _follow_up(row, now=now)
    return row


def _follow_up(row: SurveyAnswer, *, now: datetime.datetime) -> None:
    """Put a low answer on the follow-up list once, and tell its unit's manager once."""
    _, created = FollowUp.objects.get_or_create(
        answer=row, defaults={"unit_id": row.unit_id, "created_at": now}
    )
    if not created:
        return
    unit = OrgUnit.objects.get(pk=row.unit_id)
    case = row.case
    url = settings.MITHAQ_PUBLIC_URL.rstrip("/") + reverse("satisfaction:follow_up")
    for manager in unit_managers(unit):
        messages.notify_staff(
            user=manager,
            event_key=StaffEvent.LOW_SATISFACTION,
            case=case,
            context={
                "satisfaction": row.satisfaction,
                "effort": row.effort,
                "resolved": _resolved_label(row.resolved, manager),
                "url": url,
            }
            | ({"reference": row.ticket.code, "unit": unit.name} if row.ticket else {}),
            dedupe=f"survey:{row.pk}:low",
        )


def _resolved_label(value: str, user: User) -> str:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        return str(Resolved(value).label)


def unit_managers(unit: OrgUnit) -> list[User]:
    """The managers of `unit`, or of the nearest unit above it that has one."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    for unit_id in reversed(ids or [unit.pk]):
        managers = list(
            get_user_model()
            .objects.filter(
                is_active=True,
                pk__in=Membership.objects.filter(unit_id=unit_id, role=Role.UNIT_MANAGER).values(
                    "user_id"
                ),
            )
            .order_by("pk")
        )
        if managers:
            return managers
    return []


# Moderation -------------------------------------------------------------------------------


@transaction.atomic
def hide_comment(*, answer: SurveyAnswer, hidden: bool = True) -> SurveyAnswer:
    SurveyAnswer.objects.filter(pk=answer.pk).update(comment_hidden=hidden)
    answer.comment_hidden = hidden
    return answer


@transaction.atomic
def mark_acted_on(
    *, answer: SurveyAnswer, actor: User, now: datetime.datetime | None = None
) -> SurveyAnswer:
    now = now or timezone.now()
    SurveyAnswer.objects.filter(pk=answer.pk, acted_on_at=None).update(
        acted_on_at=now, acted_on_by=actor
    )
    answer.refresh_from_db(fields=["acted_on_at", "acted_on_by"])
    return answer


@transaction.atomic
def close_follow_up(
    *, follow_up: FollowUp, actor: User, now: datetime.datetime | None = None
) -> FollowUp:
    now = now or timezone.now()
    FollowUp.objects.filter(pk=follow_up.pk, done_at=None).update(done_at=now, done_by=actor)
    follow_up.refresh_from_db(fields=["done_at", "done_by"])
    return follow_up
