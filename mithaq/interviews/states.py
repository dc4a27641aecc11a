"""The states of an interview request and the kinds of its history."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestState(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the office")
    SCHEDULED = "scheduled", _("Scheduled")
    REFERRED = "referred", _("Sent to a unit as a case")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    HELD = "held", _("Held")
    NO_SHOW = "no_show", _("The citizen did not come")


# Which state may follow which: the one table the services check.
TRANSITIONS: dict[str, frozenset] = {
    RequestState.REQUESTED: frozenset(
        {RequestState.SCHEDULED, RequestState.REFERRED, RequestState.DECLINED}
    ),
    RequestState.SCHEDULED: frozenset(
        {
            RequestState.SCHEDULED,  # moved
            RequestState.CANCELLED,
            RequestState.HELD,
            RequestState.NO_SHOW,
        }
    ),
}


class EventKind(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SCHEDULED = "scheduled", _("Scheduled")
    MOVED = "moved", _("Moved")
    REFERRED = "referred", _("Sent to a unit as a case")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    HELD = "held", _("Meeting recorded")
    NO_SHOW = "no_show", _("No-show recorded")
