"""A message's channels, recipients and statuses, and the one rule of how a status may move."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MessageChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    WHATSAPP = "whatsapp", _("WhatsApp")


class RecipientKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    STAFF = "staff", _("Staff")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("message status", "Queued")
    SENDING = "sending", pgettext_lazy("message status", "Sending")
    SENT = "sent", pgettext_lazy("message status", "Sent")
    DELIVERED = "delivered", pgettext_lazy("message status", "Delivered")
    FAILED = "failed", pgettext_lazy("message status", "Failed")
    CANCELLED = "cancelled", pgettext_lazy("message status", "Cancelled")


# How far along each status is. A status only ever moves to a higher rank; the one exception
# is the dispatcher handing back its own claim (sending -> queued) after a transient failure.
STATUS_RANK = {
    MessageStatus.QUEUED: 0,
    MessageStatus.SENDING: 1,
    MessageStatus.SENT: 2,
    MessageStatus.DELIVERED: 3,
    MessageStatus.FAILED: 3,
    MessageStatus.CANCELLED: 3,
}
FINAL_STATUSES = frozenset(s for s, rank in STATUS_RANK.items() if rank == 3)


def moves_forward(current: str, new: str) -> bool:
    return STATUS_RANK[MessageStatus(new)] > STATUS_RANK[MessageStatus(current)]


def statuses_before(new: str) -> list[str]:
    """The statuses from which `new` is a step forward (for conditional UPDATEs)."""
    return [s.value for s in MessageStatus if moves_forward(s, new)]


class Outcome(models.TextChoices):
    SENT = "sent", _("Sent")
    RETRY = "retry", _("Failed, will retry")
    FAILED = "failed", _("Failed for good")
    DEFERRED = "deferred", _("Waiting: gateway paused")
    ABANDONED = "abandoned", _("Worker stopped mid-send")
    RECEIPT = "receipt", _("Delivery receipt")


class BreakerState(models.TextChoices):
    CLOSED = "closed", _("Working")
    OPEN = "open", _("Paused after failures")
    HALF_OPEN = "half_open", _("Trying again")


class GatewayKind(models.TextChoices):
    SMS_HTTP = "sms_http", _("HTTP SMS gateway")
    WHATSAPP = "whatsapp", _("WhatsApp Business Cloud API")


class AuthKind(models.TextChoices):
    NONE = "none", _("None")
    BASIC = "basic", _("HTTP basic")
    BEARER = "bearer", _("Bearer token")
    HEADER = "header", _("Custom header")


# The messages the citizen and the staff are sent; each has its default texts in
# templates/notifications/messages/<event>/ (see defaults.py).
class CitizenEvent(models.TextChoices):
    RECEIVED = "received", _("Case received")
    REFERRED = "referred", _("Case referred")
    INFO_REQUESTED = "info_requested", _("Information requested")
    REPLIED = "replied", _("Reply sent")
    DECIDED = "decided", _("Decision made")
    RESOLVED = "resolved", _("Case resolved")
    CLOSED = "closed", _("Case closed")
    MERGED = "merged", _("Merged into another case")
    LATE = "late", _("Reply will be late")
    TURN_NEAR = "turn_near", _("Your turn is near (walk-in hall)")
    # Interview requests to an official (mithaq.interviews): no case behind them.
    INTERVIEW_SCHEDULED = "interview_scheduled", _("Interview scheduled")
    INTERVIEW_REMINDER = "interview_reminder", _("Interview tomorrow")
    INTERVIEW_REFERRED = "interview_referred", _("Interview request sent to a unit")
    INTERVIEW_DECLINED = "interview_declined", _("Interview request declined")
    INTERVIEW_CANCELLED = "interview_cancelled", _("Interview cancelled")
    # A hall appointment booked or moved (mithaq.walkin.bookings): its code and date.
    HALL_BOOKED = "hall_booked", _("Hall appointment booked")
    # ... and cancelled, by the citizen or by the office closing its day.
    HALL_CANCELLED = "hall_cancelled", _("Hall appointment cancelled")
    # Several events on one case within MITHAQ_CITIZEN_COALESCE_SECONDS, told at once.
    UPDATES = "updates", _("Several updates at once")


class StaffEvent(models.TextChoices):
    ASSIGNED = "assigned", _("Case assigned to you")
    REFERRED_TO_UNIT = "referred_to_unit", _("Case referred to your unit")
    CONSULTATION_REQUESTED = "consultation_requested", _("Your opinion is asked")
    CITIZEN_RESPONDED = "citizen_responded", _("The citizen answered")
    REMINDER = "reminder", _("Reminder: a target is near")
    ESCALATED = "escalated", _("Escalation: a target was missed")
    DAILY_DIGEST = "daily_digest", _("Daily digest of what is due")
    LOW_SATISFACTION = "low_satisfaction", _("A citizen was not satisfied")
    # An official's monthly interview record not yet submitted (mithaq.interviews.records).
    INTERVIEW_RECORD_DUE = "interview_record_due", _("Monthly interview record due")
    # A one-time code to set up the second factor (accounts.two_factor), sent at once.
    ENROLMENT_CODE = "enrolment_code", _("Second-factor enrolment code")


EVENT_LABELS = dict(CitizenEvent.choices) | dict(StaffEvent.choices)
