"""A case's kinds, states and channels, and the one table of allowed transitions."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mithaq.accounts.actions import Action
from mithaq.catalog.vocab import Channel, CitizenGroup, Kind

__all__ = [
    "CITIZEN_GRIEVANCE",
    "CITIZEN_RESPONSE",
    "OPEN_STATES",
    "STAFF_CHANNELS",
    "TRANSITIONS",
    "Action",
    "Channel",
    "CitizenGroup",
    "ClosureCode",
    "Decision",
    "EventKind",
    "ExternalSystem",
    "Kind",
    "State",
    "Transition",
    "allowed",
]


class State(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("case state", "Received")
    UNDER_REVIEW = "under_review", pgettext_lazy("case state", "Under review")
    REFERRED = "referred", pgettext_lazy("case state", "Referred to a unit")
    AWAITING_CITIZEN = "awaiting_citizen", pgettext_lazy("case state", "Waiting for the citizen")
    DECIDED = "decided", pgettext_lazy("case state", "Decided")
    RESOLVED = "resolved", pgettext_lazy("case state", "Resolved")
    CLOSED = "closed", pgettext_lazy("case state", "Closed")
    REOPENED = "reopened", pgettext_lazy("case state", "Reopened")


OPEN_STATES = frozenset(State) - {State.CLOSED}


STAFF_CHANNELS = [c for c in Channel if c != Channel.WEB]


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class ClosureCode(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    REMEDIED = "remedied", _("Remedied")
    REJECTED = "rejected", _("Rejected with reasons")
    NOT_COMPETENT = "not_competent", _("Outside the institution's competence")
    WITHDRAWN = "withdrawn", _("Withdrawn by the citizen")
    NO_RESPONSE = "no_response", _("No response from the citizen")
    DUPLICATE = "duplicate", _("Duplicate")
    NOTED = "noted", _("Noted (suggestion or praise)")


class ExternalSystem(models.TextChoices):
    EG_UNIFIED = "eg_unified", _("Egypt: unified government complaints system")
    IQ_ECITIZEN = "iq_ecitizen", _("Iraq: electronic citizen programme")
    OTHER = "other", _("Other government system")


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ASSIGNED = "assigned", _("Assigned")
    REFERRED = "referred", _("Referred")
    INFO_REQUESTED = "info_requested", _("Information requested")
    CITIZEN_RESPONDED = "citizen_responded", _("Citizen answered")
    REPLIED = "replied", _("Reply to the citizen")
    NOTE = "note", _("Internal note")
    DECIDED = "decided", _("Decided")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    # The charter's clocks (mithaq.routing): a reminder and an escalation are internal; the
    # interim message with a new expected date is shown to the citizen.
    REMINDED = "reminded", _("Reminder before the due date")
    ESCALATED = "escalated", _("Escalated")
    LATE_NOTICE = "late_notice", _("New expected date")
    CONTACT_UPDATED = "contact_updated", _("Contact details updated")
    # The officer's workbench: routing, referral acceptance, consultations, duplicates.
    ROUTED = "routed", _("Routed by a rule")
    REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")
    REFERRAL_RETURNED = "referral_returned", _("Returned as not competent")
    CONSULTATION_REQUESTED = "consultation_requested", _("Opinion requested")
    CONSULTATION_ANSWERED = "consultation_answered", _("Opinion given")
    MERGED = "merged", _("Merged into another case")
    ABSORBED = "absorbed", _("Another case merged into this one")
    LINKED = "linked", _("Linked as related")
    UNLINKED = "unlinked", _("Link removed")
    # A service's checklist (cases.services.checklist).
    DOCUMENTS_CHECKED = "documents_checked", _("Documents checked")
    FILE_COMPLETED = "file_completed", _("File complete")
    WAIT_OVERRIDDEN = "wait_overridden", _("Minimum time before a decision overridden")
    # The citizen's grievance (تظلم) from the tracking page: it reopens the case.
    GRIEVANCE = "grievance", _("Grievance filed")
    # The people's data rights (cases.services.privacy).
    RESTRICTED = "restricted", _("Restricted to named people")
    UNRESTRICTED = "unrestricted", _("Restriction lifted")
    ANONYMISED = "anonymised", _("Personal data erased")
    # Government systems and the ministry (cases.services.external): an entry in an external
    # system while the case is open, a letter received from or sent to another body.
    EXTERNAL_RECORDED = "external_recorded", _("Entered in an external system")
    LETTER_RECEIVED = "letter_received", _("Letter received")
    LETTER_SENT = "letter_sent", _("Answer sent to the requesting body")


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    # None keeps the current state (assigning, replying and noting do not move a case).
    target: State | None


_WORKING = frozenset(
    {State.RECEIVED, State.UNDER_REVIEW, State.REFERRED, State.REOPENED, State.DECIDED}
)

# The one table of what each action may do, from which states, to which state.
TRANSITIONS: dict[Action, Transition] = {
    Action.ACKNOWLEDGE: Transition(frozenset({State.RECEIVED, State.REOPENED}), State.UNDER_REVIEW),
    Action.ASSIGN: Transition(OPEN_STATES, None),
    Action.REFER: Transition(
        frozenset({State.RECEIVED, State.UNDER_REVIEW, State.REFERRED, State.REOPENED}),
        State.REFERRED,
    ),
    Action.REQUEST_INFO: Transition(
        frozenset({State.RECEIVED, State.UNDER_REVIEW, State.REFERRED, State.REOPENED}),
        State.AWAITING_CITIZEN,
    ),
    Action.REPLY: Transition(OPEN_STATES, None),
    Action.NOTE: Transition(frozenset(State), None),
    Action.DECIDE: Transition(
        frozenset({State.UNDER_REVIEW, State.REFERRED, State.REOPENED}), State.DECIDED
    ),
    Action.RESOLVE: Transition(_WORKING, State.RESOLVED),
    Action.CLOSE: Transition(OPEN_STATES, State.CLOSED),
    Action.REOPEN: Transition(frozenset({State.RESOLVED, State.CLOSED}), State.REOPENED),
    Action.ACCEPT_REFERRAL: Transition(frozenset({State.REFERRED}), State.UNDER_REVIEW),
    # A new case that reached the wrong unit goes back to the citizens' affairs office; a
    # referred one to the unit that referred it. Either way someone there reviews it again.
    Action.RETURN_REFERRAL: Transition(
        frozenset({State.RECEIVED, State.REFERRED}), State.UNDER_REVIEW
    ),
    Action.CONSULT: Transition(_WORKING, None),
    # A consulted unit's opinion is an internal note: it may come at any time.
    Action.GIVE_OPINION: Transition(frozenset(State), None),
    # The merged case is closed as a duplicate; the survivor stays as it is.
    Action.MERGE: Transition(OPEN_STATES, State.CLOSED),
    Action.LINK: Transition(frozenset(State), None),
}

# The citizen's answer is not a staff action; it returns the case to review.
CITIZEN_RESPONSE = Transition(frozenset({State.AWAITING_CITIZEN}), State.UNDER_REVIEW)
# Nor is the citizen's grievance, within its window (cases.grievances): a decided, resolved
# or closed case is reviewed again, by someone else.
CITIZEN_GRIEVANCE = Transition(
    frozenset({State.DECIDED, State.RESOLVED, State.CLOSED}), State.REOPENED
)


def allowed(action: Action, state: str) -> bool:
    return state in TRANSITIONS[action].sources
