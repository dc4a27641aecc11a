"""The keys other systems use to reach the public API, and what each key submitted."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

KEY_PREFIX = "mq_"


def key_digest(raw: str) -> str:
    # The secret part is 32 random bytes: a plain SHA-256 cannot be brute-forced, and a slow
    # password hash would cost every API call its time.
    return hashlib.sha256(raw.encode()).hexdigest()


def new_raw_key() -> tuple[str, str]:
    """A fresh key as (its public prefix, the whole key): the prefix finds the row, the
    whole key is shown once and stored only as its digest."""
    prefix = secrets.token_hex(4)
    return prefix, f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


class ApiKey(models.Model):
    name = models.CharField(_("client"), max_length=120)
    prefix = models.CharField(_("key prefix"), max_length=8, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    may_submit = models.BooleanField(_("may submit cases"), default=False)
    may_read_own = models.BooleanField(_("may read the cases it submitted"), default=False)
    # The staff scope reads and notes what this member of staff may, through accounts.access:
    # their unit's cases, no more.
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_keys",
        verbose_name=_("acts for member of staff"),
    )
    per_minute = models.PositiveIntegerField(_("requests per minute"), default=120)
    is_active = models.BooleanField(pgettext_lazy("API key", "active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def matches(self, raw: str) -> bool:
        return secrets.compare_digest(self.digest, key_digest(raw))


class ApiSubmission(models.Model):
    """A case an API key submitted, under the caller's Idempotency-Key: the same key and the
    same body answer with this case again; another body under the same key is refused."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="submissions")
    idempotency_key = models.CharField(max_length=200)
    body_digest = models.CharField(max_length=64)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("API submission")
        verbose_name_plural = _("API submissions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["api_key", "idempotency_key"], name="intake_submission_idempotency"
            ),
            models.CheckConstraint(condition=~Q(idempotency_key=""), name="intake_key_not_empty"),
        ]

    def __str__(self):
        return f"{self.api_key_id}:{self.idempotency_key}"


class Mailbox(models.Model):
    """An office mailbox read over IMAP. Its password is never stored: the row names the
    environment variable holding it."""

    class Security(models.TextChoices):
        TLS = "tls", _("TLS from the start (IMAPS)")
        STARTTLS = "starttls", _("STARTTLS")
        NONE = "none", _("None (loopback only)")

    name = models.CharField(_("name"), max_length=120)
    host = models.CharField(_("host"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("connection security"), max_length=10, choices=Security.choices, default=Security.TLS
    )
    username = models.CharField(_("user name"), max_length=255)
    password_env = models.CharField(_("environment variable holding the password"), max_length=100)
    folder = models.CharField(_("folder read"), max_length=120, default="INBOX")
    processed_folder = models.CharField(
        _("folder for processed mail"), max_length=120, default="Processed"
    )
    # Cases from this mailbox are registered in this employee's name (the email channel's
    # receiving employee).
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered in the name of"),
    )
    is_active = models.BooleanField(pgettext_lazy("office mailbox", "active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("office mailbox")
        verbose_name_plural = _("office mailboxes")

    def __str__(self):
        return self.name


class MailOutcome(models.TextChoices):
    NEW_CASE = "new_case", _("New case")
    ANSWER = "answer", _("Answer on its case")
    AUTOMATIC = "automatic", _("Auto-reply or bounce, ignored")
    HELD = "held", _("Held for staff")


class MailMessage(models.Model):
    """One email read from a mailbox, by its Message-ID: written in the transaction of what
    it made, so that a message read again after a crash is recognised and only moved."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="messages")
    message_id = models.CharField(max_length=255, unique=True)
    outcome = models.CharField(max_length=12, choices=MailOutcome.choices)
    # Why a message was held (no phone number, too large, too many from one sender...).
    reason = models.CharField(max_length=40, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("email read")
        verbose_name_plural = _("emails read")
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return self.message_id


class WhatsAppNumber(models.Model):
    """The office's WhatsApp Business number as an intake channel: which gateway
    (notifications.GatewayConfig, whose receipt secret is the app secret that signs
    webhooks) and in whose name its cases are registered."""

    gateway_code = models.SlugField(_("gateway code"), max_length=40, unique=True)
    verify_token_env = models.CharField(
        _("environment variable holding the verify token"), max_length=100
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered in the name of"),
    )
    is_active = models.BooleanField(pgettext_lazy("WhatsApp intake number", "active"), default=True)

    class Meta:
        ordering = ["gateway_code"]
        verbose_name = _("WhatsApp intake number")
        verbose_name_plural = _("WhatsApp intake numbers")

    def __str__(self):
        return self.gateway_code


class MediaStatus(models.TextChoices):
    NONE = "", _("no file")
    PENDING = "pending", _("to fetch")
    FETCHED = "fetched", _("fetched")
    REFUSED = "refused", _("refused by the upload rules")
    FAILED = "failed", _("could not be fetched")


class WhatsAppInbound(models.Model):
    """One WhatsApp message received, by its id: Meta retries a webhook, we act once."""

    wa_message_id = models.CharField(max_length=128, unique=True)
    # The sender's number as its keyed hash (whatsapp.sender_digest), never the number: the 24-hour
    # customer-service window is counted from their last message.
    sender = models.CharField(max_length=64, blank=True, db_index=True)
    outcome = models.CharField(max_length=12, choices=MailOutcome.choices)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    # A photo or document in the message: fetched by a job after the webhook has answered
    # (whatsapp.fetch_due_media), kept on the event the message made, retried with backoff.
    number = models.ForeignKey(
        WhatsAppNumber, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    event = models.ForeignKey(
        "cases.CaseEvent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    media_kind = models.CharField(max_length=12, blank=True)
    media_id = models.CharField(max_length=128, blank=True)
    media_name = models.CharField(max_length=200, blank=True)
    media_status = models.CharField(
        max_length=10, choices=MediaStatus.choices, default=MediaStatus.NONE, blank=True
    )
    media_attempts = models.PositiveSmallIntegerField(default=0)
    media_next_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("WhatsApp message received")
        verbose_name_plural = _("WhatsApp messages received")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(
                fields=["media_next_at"],
                name="intake_wa_media_due",
                condition=Q(media_status="pending"),
            )
        ]

    def __str__(self):
        return self.wa_message_id


class WebhookEvent(models.TextChoices):
    SUBMITTED = "case.submitted", _("Case submitted")
    STATE_CHANGED = "case.state_changed", _("Case state changed")
    CLOSED = "case.closed", _("Case closed")


class WebhookSubscription(models.Model):
    """Another system told of case events: POSTs signed with HMAC-SHA256 under the secret
    held in the environment variable the row names."""

    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("URL"), max_length=400)
    secret_env = models.CharField(_("environment variable holding the secret"), max_length=100)
    events = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(pgettext_lazy("webhook subscription", "active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self):
        return self.name


class WebhookCursor(models.Model):
    """The last case event turned into deliveries (one row)."""

    last_event_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("webhook position")
        verbose_name_plural = _("webhook positions")

    def __str__(self):
        return str(self.last_event_id)


class WebhookDelivery(models.Model):
    """The outbox: one event for one subscriber, retried with backoff until it is taken."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed for good")

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    case_event = models.ForeignKey("cases.CaseEvent", on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=30, choices=WebhookEvent.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "case_event", "event"], name="intake_delivery_once"
            )
        ]

    def __str__(self):
        return f"{self.event} #{self.case_event_id}"


class Letter(models.Model):
    """A letter exchanged with the body a request came from (the ministry, another body): the
    request it sent (received) or the answer sent back (sent), by its number and date, on
    its case (seed 004 item 11). Its event is on the case's history
    (cases.services.record_letter_event)."""

    class Direction(models.TextChoices):
        RECEIVED = "received", _("Received from the body")
        SENT = "sent", _("Answer sent to the body")

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="letters", verbose_name=_("case")
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    body_name = models.CharField(_("body"), max_length=150)
    number = models.CharField(_("letter number"), max_length=60)
    date = models.DateField(_("letter date"))
    summary = models.TextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        indexes = [models.Index(fields=["number"], name="intake_letter_number")]

    def __str__(self):
        return f"{self.number} ({self.date})"
