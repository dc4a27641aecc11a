"""Which case events send which message: the one table (events.record_event reads it). The
texts are the messages app's (its default files, or the office's overrides); here only
which one, and who hears it."""

from mithaq.notifications.states import CitizenEvent, StaffEvent

from .states import EventKind

# The case's citizen hears these, on their channels, in their language. The event's body
# is the message's {text} when it is public.
CITIZEN_MESSAGES: dict[EventKind, CitizenEvent] = {
    EventKind.SUBMITTED: CitizenEvent.RECEIVED,
    EventKind.REFERRED: CitizenEvent.REFERRED,
    EventKind.INFO_REQUESTED: CitizenEvent.INFO_REQUESTED,
    EventKind.REPLIED: CitizenEvent.REPLIED,
    EventKind.DECIDED: CitizenEvent.DECIDED,
    EventKind.RESOLVED: CitizenEvent.RESOLVED,
    EventKind.CLOSED: CitizenEvent.CLOSED,
    EventKind.MERGED: CitizenEvent.MERGED,
    EventKind.LATE_NOTICE: CitizenEvent.LATE,
}

# The case's outcome often comes in a burst (decided, resolved and closed in a minute): these
# messages wait MITHAQ_CITIZEN_COALESCE_SECONDS and go as one SMS and one email when several
# fall in that time (notifications.notify_citizen's coalesce; each needs a line.txt).
COALESCED: frozenset[EventKind] = frozenset(
    {EventKind.DECIDED, EventKind.RESOLVED, EventKind.CLOSED}
)

# Staff hear these: the new assignee (not when they took it themselves), the staff of the
# unit a case was referred to, the assignee when the citizen answered, and whoever the
# clock's step names (escalation.recipients) for a reminder or an escalation.
STAFF_MESSAGES: dict[EventKind, StaffEvent] = {
    EventKind.ASSIGNED: StaffEvent.ASSIGNED,
    EventKind.REFERRED: StaffEvent.REFERRED_TO_UNIT,
    EventKind.CITIZEN_RESPONDED: StaffEvent.CITIZEN_RESPONDED,
    EventKind.REMINDED: StaffEvent.REMINDER,
    EventKind.ESCALATED: StaffEvent.ESCALATED,
}
