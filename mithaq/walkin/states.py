"""A ticket's states, the counter's actions and the one table of which action may move a
ticket from which state to which."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TicketState(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("ticket state", "Waiting")
    CALLED = "called", pgettext_lazy("ticket state", "Called to a window")
    PARKED = "parked", pgettext_lazy("ticket state", "Set aside")
    DONE = "done", pgettext_lazy("ticket state", "Served")
    NO_SHOW = "no_show", pgettext_lazy("ticket state", "Did not come")


class Outcome(models.TextChoices):
    SERVED = "served", _("Served")
    REFERRED = "referred", _("Referred elsewhere")
    NEEDS_CASE = "needs_case", _("Needs a case")


class Face(models.TextChoices):
    HAPPY = "happy", _("Satisfied")
    NEUTRAL = "neutral", _("Neither")
    UNHAPPY = "unhappy", _("Not satisfied")


class IssuedAt(models.TextChoices):
    KIOSK = "kiosk", _("Kiosk")
    RECEPTION = "reception", _("Reception desk")


class HallBookingState(models.TextChoices):
    BOOKED = "booked", pgettext_lazy("hall appointment", "Booked")
    CHECKED_IN = "checked_in", pgettext_lazy("hall appointment", "Checked in")
    NO_SHOW = "no_show", pgettext_lazy("hall appointment", "Did not come")
    CANCELLED = "cancelled", pgettext_lazy("hall appointment", "Cancelled")


class HallEventKind(models.TextChoices):
    ISSUED = "issued", _("Ticket issued")
    CALLED = "called", _("Called")
    RECALLED = "recalled", _("Called again")
    NO_SHOW = "no_show", _("Did not come")
    TRANSFERRED = "transferred", _("Transferred")
    PARKED = "parked", _("Set aside")
    RESUMED = "resumed", _("Resumed")
    FINISHED = "finished", _("Finished")
    CASE_OPENED = "case_opened", _("Case opened")
    CASE_ATTACHED = "case_attached", _("Attached to a case")
    RATED = "rated", _("Rated")
    TURN_NEAR = "turn_near", _("Told their turn is near")
    COUNTER_OPENED = "counter_opened", _("Window opened")
    COUNTER_CLOSED = "counter_closed", _("Window closed")
    CHECKED_IN = "checked_in", _("Booked visitor checked in")
    BOOKING_NO_SHOW = "booking_no_show", _("Booked visitor did not come")


class TicketAction(models.TextChoices):
    CALL = "call", _("Call next")
    RECALL = "recall", _("Call again")
    NO_SHOW = "no_show", _("Did not come")
    TRANSFER = "transfer", _("Transfer")
    PARK = "park", _("Set aside")
    RESUME = "resume", _("Resume")
    FINISH = "finish", _("Finish")


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: TicketState


# The one table of what each counter action may do, from which states, to which state.
TRANSITIONS: dict[TicketAction, Transition] = {
    TicketAction.CALL: Transition(frozenset({TicketState.WAITING}), TicketState.CALLED),
    TicketAction.RECALL: Transition(frozenset({TicketState.CALLED}), TicketState.CALLED),
    TicketAction.NO_SHOW: Transition(frozenset({TicketState.CALLED}), TicketState.NO_SHOW),
    # A transferred ticket waits again, in its original place (its issue time).
    TicketAction.TRANSFER: Transition(
        frozenset({TicketState.CALLED, TicketState.PARKED}), TicketState.WAITING
    ),
    TicketAction.PARK: Transition(frozenset({TicketState.CALLED}), TicketState.PARKED),
    TicketAction.RESUME: Transition(frozenset({TicketState.PARKED}), TicketState.CALLED),
    TicketAction.FINISH: Transition(frozenset({TicketState.CALLED}), TicketState.DONE),
}

ACTIVE_STATES = frozenset({TicketState.WAITING, TicketState.CALLED, TicketState.PARKED})
