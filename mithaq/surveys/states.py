"""A survey answer's choices: was the request resolved, and where the answer was given."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Resolved(models.TextChoices):
    YES = "yes", pgettext_lazy("resolved", "Yes")
    PARTLY = "partly", pgettext_lazy("resolved", "Partly")
    NO = "no", pgettext_lazy("resolved", "No")


class Via(models.TextChoices):
    LINK = "link", _("Personal link")
    TABLET = "tablet", _("Tablet at the window")


# A hall visit has no case channel or kind: its answers are shown under these.
HALL_CHANNEL = "hall"
SCORES = range(1, 6)
# Scores that put a case on the follow-up list (with "not resolved").
LOW_SCORES = frozenset({1, 2})
# The share of "satisfied" counts these.
SATISFIED_SCORES = (4, 5)
