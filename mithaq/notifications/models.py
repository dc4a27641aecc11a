"""The outbox (Message), its delivery log (Attempt), the office's templates, the gateways and
their circuit breakers, and the scheduler's claims."""

import os

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mithaq.common.crypto import (
    EncryptedCharField,
    HashedModel,
    HashedQuerySet,
    HashKind,
    SearchHashField,
)
from mithaq.common.indexes import only_where_set

from .states import (
    AuthKind,
    BreakerState,
    GatewayKind,
    MessageChannel,
    MessageStatus,
    Outcome,
    RecipientKind,
)


class MessageQuerySet(HashedQuerySet):
    def due(self, now):
        return self.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now)

    def for_case_page(self, case):
        """The case page's messages: only the columns it shows (never the HTML body or the
        dispatcher's bookkeeping), with the staff recipient's name and the attempts."""
        return (
            self.filter(case=case)
            .select_related("user")
            .only(*_CASE_PAGE_COLUMNS)
            .prefetch_related("attempts")
            .order_by("-created_at", "-id")
        )


_CASE_PAGE_COLUMNS = (
    "case_id",
    "recipient_kind",
    "channel",
    "subject",
    "body",
    "status",
    "created_at",
    "gateway",
    "last_error",
    "resent_from_id",
    "user__username",
    "user__full_name",
    "user__first_name",
    "user__last_name",
)


class Message(HashedModel, models.Model):
    """One message to one recipient on one channel, written in the transaction of the change
    that caused it and sent after commit by the dispatcher."""

    # Found by message_case, which starts with it; the other keys, empty on most messages,
    # are indexed only where set (Meta.indexes).
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_index=False,
        related_name="messages",
    )
    recipient_kind = models.CharField(max_length=10, choices=RecipientKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_index=False,
        related_name="messages",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=MessageChannel.choices)
    # Only for messages with no case or user (a walk-in ticket's phone); a citizen's address
    # is read from the case when sending, so a changed phone gets the later messages.
    # A phone or an email: encrypted at rest, found by its keyed hash (mithaq.common.crypto).
    address = EncryptedCharField(max_length=254, blank=True)
    # Indexed in Meta.indexes (equality only: no second index for LIKE).
    address_hash = SearchHashField(source="address", kind=HashKind.ADDRESS)
    event_key = models.CharField(_("event"), max_length=40)
    language = models.CharField(max_length=8, default="ar")
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    html = models.TextField(blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempt_count = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField()
    not_before = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField()
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    gateway = models.CharField(max_length=60, blank=True)
    provider_id = models.CharField(max_length=200, blank=True)  # indexed in Meta.indexes
    last_error = models.TextField(blank=True)
    # One event never yields two messages for one recipient on one channel.
    dedupe_key = models.CharField(max_length=200, unique=True)
    # A citizen's message held for the coalescing window (services.notify_citizen): the
    # events it tells, each as {"event": key, "context": values}, so that a later event in
    # the window rewrites it as one message about them all.
    parts = models.JSONField(default=list, blank=True)
    resent_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="resends",
    )
    resent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="message_due"),
            models.Index(fields=["case", "-created_at"], name="message_case"),
            models.Index(fields=["address_hash"], name="message_address_hash"),
            models.Index(fields=["provider_id"], name="message_provider_id"),
            *only_where_set("message", "user", "resent_from", "resent_by"),
        ]

    def __str__(self):
        return f"{self.event_key} {self.channel} #{self.pk}"


class Attempt(models.Model):
    """One try to send a message (or one receipt about it): the delivery log."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField()
    transport = models.CharField(max_length=60)
    # Encrypted at rest (mithaq.common.crypto), never looked up.
    address = EncryptedCharField(max_length=254, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    error = models.TextField(blank=True)
    http_status = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self):
        return f"{self.message_id} {self.outcome} {self.at:%Y-%m-%d %H:%M:%S}"


class MessageTemplate(models.Model):
    """What one event says on one channel in one language; edited by the office."""

    event_key = models.CharField(_("event"), max_length=40)
    channel = models.CharField(_("channel"), max_length=10, choices=MessageChannel.choices)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["event_key", "channel", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "channel", "language"], name="message_template_unique"
            )
        ]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self):
        return f"{self.event_key} · {self.channel} · {self.language}"


class GatewayConfig(models.Model):
    """An institution's SMS gateway or WhatsApp account. Secrets are never stored here: the
    fields ending in `_env` name the environment variables that hold them."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=GatewayKind.choices)
    is_active = models.BooleanField(pgettext_lazy("gateway", "active"), default=True)
    url = models.URLField(
        _("URL"), max_length=400, help_text=_("For WhatsApp, the API's base URL.")
    )
    method = models.CharField(
        _("method"), max_length=6, choices=[("GET", "GET"), ("POST", "POST")], default="POST"
    )
    params_template = models.JSONField(
        _("parameters"),
        default=dict,
        blank=True,
        help_text=_("Parameters sent to the gateway; {to}, {text} and {sender} are filled in."),
    )
    body_format = models.CharField(
        _("body format"),
        max_length=6,
        choices=[("form", _("Form")), ("json", "JSON")],
        default="form",
    )
    auth_kind = models.CharField(
        _("authentication"), max_length=10, choices=AuthKind.choices, default=AuthKind.NONE
    )
    auth_username = models.CharField(_("user name"), max_length=120, blank=True)
    auth_header = models.CharField(_("header name"), max_length=60, blank=True)
    secret_env = models.CharField(_("secret's environment variable"), max_length=60, blank=True)
    receipt_secret_env = models.CharField(
        _("receipt signing secret's environment variable"), max_length=60, blank=True
    )
    sender = models.CharField(_("sender name"), max_length=40, blank=True)
    success_pattern = models.CharField(_("success pattern"), max_length=200, blank=True)
    message_id_pattern = models.CharField(
        _("message id pattern"),
        max_length=200,
        blank=True,
        help_text=_("A regular expression whose first group is the gateway's message id."),
    )
    phone_number_id = models.CharField(_("WhatsApp phone number id"), max_length=40, blank=True)
    timeout_seconds = models.FloatField(_("timeout (seconds)"), default=10)

    class Meta:
        ordering = ["code"]
        verbose_name = _("gateway")
        verbose_name_plural = _("gateways")

    def __str__(self):
        return self.code

    def secret(self) -> str:
        return os.environ.get(self.secret_env, "") if self.secret_env else ""

    def receipt_secret(self) -> str:
        return os.environ.get(self.receipt_secret_env, "") if self.receipt_secret_env else ""


class GatewayState(models.Model):
    """A gateway's circuit breaker: after repeated failures it opens, messages wait instead
    of burning their attempts, and after a cool-off one probe decides whether to close it."""

    gateway = models.CharField(max_length=60, primary_key=True)
    state = models.CharField(max_length=10, choices=BreakerState.choices, default="closed")
    consecutive_failures = models.PositiveIntegerField(default=0)
    opened_until = models.DateTimeField(null=True, blank=True)
    probe_token = models.UUIDField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("gateway state")
        verbose_name_plural = _("gateway states")

    def __str__(self):
        return f"{self.gateway}: {self.state}"


class ReceiptSeen(models.Model):
    """Signatures of delivery receipts already accepted, so a replayed one is refused."""

    signature = models.CharField(max_length=64, primary_key=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("delivery receipt seen")
        verbose_name_plural = _("delivery receipts seen")

    def __str__(self):
        return self.signature


class ScheduledRun(models.Model):
    """One period of one periodic task, claimed by whichever scheduler inserts it first."""

    task_path = models.CharField(max_length=200)
    period = models.BigIntegerField()
    enqueued_at = models.DateTimeField()

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [
            models.UniqueConstraint(fields=["task_path", "period"], name="scheduled_run_unique")
        ]

    def __str__(self):
        return f"{self.task_path} @{self.period}"
