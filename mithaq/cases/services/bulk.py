"""Bulk actions on a selection of inbox rows: each case goes through its own service function
(one transaction per case), under the same access rules as the case page. Cases the person
may not act on are skipped and reported with the reason, never silently dropped."""

from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mithaq.accounts.access import Asker, access_for
from mithaq.accounts.models import User
from mithaq.cases.access import cases_visible_to

from ..models import Case
from ..states import Action
from . import workflow as services

BULK_LIMIT = 200
BULK_ACTIONS = {"assign": Action.ASSIGN, "refer": Action.REFER, "close": Action.CLOSE}


@dataclass
class BulkOutcome:
    done: list[str] = field(default_factory=list)
    # (reference, why it was skipped)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _apply(action: str, case: Case, actor: User, params: dict) -> Case:
    match action:
        case "assign":
            return services.assign_case(case=case, actor=actor, assignee=params["assignee"])
        case "refer":
            return services.refer_case(
                case=case, actor=actor, to_unit=params["to_unit"], reason=params["reason"]
            )
        case "close":
            return services.close_case(case=case, actor=actor, closure_code=params["closure_code"])
    raise ValueError(action)


def run_bulk(
    request_or_user: Asker, *, action: str, codes: list[str], **params: Any
) -> BulkOutcome:
    """Take `action` ("assign", "refer" or "close") on every case of `codes` this person may
    act on. `params`: assignee / to_unit and reason / closure_code."""
    if action not in BULK_ACTIONS:
        raise ValueError(action)
    if len(codes) > BULK_LIMIT:
        raise ValidationError(
            ngettext(
                "Select at most %(limit)d case at a time.",
                "Select at most %(limit)d cases at a time.",
                BULK_LIMIT,
            )
            % {"limit": BULK_LIMIT},
            code="limit",
        )
    access = access_for(request_or_user)
    actor = cast(User, access.user)  # only staff find cases to act on
    wanted = BULK_ACTIONS[action]
    found = {
        c.code: c
        for c in cases_visible_to(request_or_user)
        .filter(code__in=codes)
        .select_related("unit", "service", "assignee", "received_by")
    }
    outcome = BulkOutcome()
    for code in codes:
        case = found.get(code)
        if case is None:
            # The same answer for missing and forbidden, as a 404 would give.
            outcome.skipped.append((code, _("not found among the cases you may see")))
            continue
        if wanted not in access.case_actions(case):
            outcome.skipped.append((code, _("you may not do this on this case")))
            continue
        try:
            _apply(action, case, actor, params)
        except ValidationError as exc:
            outcome.skipped.append((code, " ".join(exc.messages)))
        else:
            outcome.done.append(code)
    return outcome
