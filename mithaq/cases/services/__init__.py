"""Every write to a case lives in this package, one module a sub-domain:

- `events`: the lock, the transition check and the event every change writes;
- `workflow`: submission and the staff's and the citizen's actions on one case;
- `referrals`, `consultations`: the receiving unit's acceptance, other units' opinions;
- `assignment`: who gets a new or a returned case;
- `clocks`, `escalation`: the charter's clocks of a case and what happens when they run out;
- `duplicates`: merging and linking cases;
- `bulk`: one action on many cases;
- `external`: entries in government systems, letters with the body a request came from.

The names most callers need are re-exported here."""

from .events import CaseStateError, check_action, lock_case, record_event
from .external import record_external_entry, record_letter_event
from .workflow import (
    GrievanceClosed,
    acknowledge_case,
    add_file_to_event,
    add_note,
    answer_case,
    assign_case,
    close_case,
    decide_case,
    file_grievance,
    log_confidential_read,
    record_citizen_response,
    refer_case,
    reopen_case,
    reply_to_citizen,
    request_information,
    resolve_case,
    submit_case,
    update_citizen_contact,
)

__all__ = [
    "CaseStateError",
    "GrievanceClosed",
    "acknowledge_case",
    "add_file_to_event",
    "add_note",
    "answer_case",
    "assign_case",
    "check_action",
    "close_case",
    "decide_case",
    "file_grievance",
    "lock_case",
    "log_confidential_read",
    "record_citizen_response",
    "record_event",
    "record_external_entry",
    "record_letter_event",
    "refer_case",
    "reopen_case",
    "reply_to_citizen",
    "request_information",
    "resolve_case",
    "submit_case",
    "update_citizen_contact",
]
