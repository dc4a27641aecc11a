"""The charter's vocabulary that every layer speaks: what a case is (its kind), how it came in
(its channel) and who the citizen is (their group). Cases, routing rules, the registry and
the messages all use these; they live here, below all of them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    INQUIRY = "inquiry", _("Inquiry")
    SERVICE_REQUEST = "service_request", _("Service request")
    PRESIDENT_REQUEST = "president_request", _("Request to the president")
    PRAISE = "praise", _("Praise")


class Channel(models.TextChoices):
    WEB = "web", _("Web portal")
    WALK_IN = "walk_in", _("Walk-in interview")
    PHONE = "phone", _("Phone")
    HOTLINE = "hotline", _("Hotline")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("Email")
    SOCIAL = "social", _("Social media")
    WHATSAPP = "whatsapp", _("WhatsApp")
    BRANCH = "branch", _("Branch office")


class CitizenGroup(models.TextChoices):
    UNDERGRADUATE = "undergraduate", _("Undergraduate student")
    POSTGRADUATE = "postgraduate", _("Postgraduate student")
    FACULTY = "faculty", _("Faculty member")
    STAFF = "staff", _("Staff member")
    COMMUNITY = "community", _("External community")
