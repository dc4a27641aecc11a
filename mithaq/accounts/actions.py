"""What a member of staff may do to a case: the names of the actions. Who may take which
is `access.ROLE_ACTIONS`; when a case's state allows it is `cases.states.TRANSITIONS`."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    ASSIGN = "assign", _("Assign")
    REFER = "refer", _("Refer to another unit")
    REQUEST_INFO = "request_info", _("Ask the citizen for information")
    REPLY = "reply", _("Reply to the citizen")
    NOTE = "note", _("Add an internal note")
    DECIDE = "decide", _("Decide")
    RESOLVE = "resolve", _("Resolve")
    CLOSE = "close", _("Close")
    REOPEN = "reopen", _("Reopen")
    # The officer's workbench (mithaq.cases.services.referrals, consultations): a referral's acceptance and consultations.
    ACCEPT_REFERRAL = "accept_referral", _("Accept the referral")
    RETURN_REFERRAL = "return_referral", _("Return as not competent")
    CONSULT = "consult", _("Ask other units for an opinion")
    GIVE_OPINION = "give_opinion", _("Give your unit's opinion")
    # Duplicates (mithaq.cases.services.duplicates): merge this case into another, or link the two as related.
    MERGE = "merge", _("Merge into another case")
    LINK = "link", _("Link to a related case")
