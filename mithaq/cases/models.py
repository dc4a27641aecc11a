"""Cases, their history (events) and their files."""

import datetime
import hashlib
import json
import secrets
import uuid

from django.conf import settings
from django.db import connections, models, transaction
from django.db.models import Q
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
    OPEN_STATES,
    Channel,
    CitizenGroup,
    ClosureCode,
    Decision,
    EventKind,
    ExternalSystem,
    Kind,
    State,
)

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read aloud over the phone is not misheard.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


def new_tracking_code() -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{body[:4]}-{body[4:]}"


class CaseQuerySet(HashedQuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)

    # What an inbox row shows, and nothing more: no bodies, no citizen data. Rows come as
    # dicts (no model instances to build), with the clock column from mithaq.routing's
    # deadline row joined in the same query.
    INBOX_FIELDS = (
        "id",
        "code",
        "subject",
        "kind",
        "state",
        "channel",
        "is_urgent",
        "is_collective",
        "head_count",
        "created_at",
        "due_at",
        "unit__name_ar",
        "unit__name_en",
        "assignee_id",
        "assignee__full_name",
        "assignee__username",
        "assignee__first_name",
        "assignee__last_name",
        "deadline__due_at",
        "deadline__paused",
    )

    def inbox_rows(self):
        return self.values(*self.INBOX_FIELDS)


class Case(HashedModel, models.Model):
    # Unique by the constraint case_code_unique: a plain btree, no second index for LIKE
    # (a reference is only ever looked up whole).
    code = models.CharField(_("reference"), max_length=12, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.RECEIVED
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    # Foreign keys without an index of their own are served by an index that starts with
    # them (case_unit_created, case_assignee_created); the mostly empty ones are indexed
    # only where set (Meta.indexes): every new case writes fewer index entries.
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("unit"),
        db_index=False,
    )
    service = models.ForeignKey(
        "catalog.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="cases",
        verbose_name=_("service"),
    )
    # What the service asked and promised when the case was submitted: a later version of
    # the service changes nothing for it.
    service_version = models.ForeignKey(
        "catalog.ServiceVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="cases",
        verbose_name=_("service version"),
    )
    # The exact words the applicant declared true, as shown when they ticked them.
    declaration = models.TextField(_("applicant's declaration"), blank=True)
    # When staff found every required document in order (cases.services.checklist); for a
    # service whose version says so, its decision clock starts then.
    file_completed_at = models.DateTimeField(_("file complete at"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="received_cases",
        verbose_name=_("received by"),
    )

    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("details"))
    remedy_sought = models.TextField(_("remedy sought"), blank=True)
    is_urgent = models.BooleanField(_("urgent distress appeal"), default=False)
    is_collective = models.BooleanField(_("collective"), default=False)
    head_count = models.PositiveIntegerField(_("number of people"), default=1)

    citizen_name = models.CharField(_("name"), max_length=150)
    # Encrypted at rest and found by keyed hash (mithaq.common.crypto), as in the registry.
    citizen_phone = EncryptedCharField(_("phone"), max_length=20)
    citizen_email = models.EmailField(_("email"), blank=True)
    citizen_national_id = EncryptedCharField(_("national ID"), max_length=30, blank=True)
    # Indexed in Meta.indexes: found by equality only, so no second index for LIKE.
    citizen_phone_hash = SearchHashField(source="citizen_phone", kind=HashKind.PHONE)
    citizen_national_id_hash = SearchHashField(
        source="citizen_national_id", kind=HashKind.NATIONAL_ID
    )
    citizen_group = models.CharField(
        _("group"), max_length=20, choices=CitizenGroup.choices, default=CitizenGroup.COMMUNITY
    )
    citizen_language = models.CharField(_("language"), max_length=8, default="ar")
    identity_confidential = models.BooleanField(_("keep identity confidential"), default=False)
    # The person behind the case in the citizen registry (mithaq.citizens), found or made at
    # submission; the citizen_* fields above stay what this case was brought with.
    citizen = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("citizen"),
    )
    # A duplicate merged into another case points to the final survivor (mithaq.citizens).
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="absorbed",
        verbose_name=_("merged into"),
    )

    letter_number = models.CharField(_("incoming letter number"), max_length=60, blank=True)
    letter_date = models.DateField(_("incoming letter date"), null=True, blank=True)

    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decision_reasons = models.TextField(_("reasons for the decision"), blank=True)
    closure_code = models.CharField(
        _("closure code"), max_length=20, choices=ClosureCode.choices, blank=True
    )
    external_system = models.CharField(
        _("external system"), max_length=20, choices=ExternalSystem.choices, blank=True
    )
    external_reference = models.CharField(_("external reference"), max_length=80, blank=True)
    # The case as the external system shows it (cases.services.external): its status there,
    # the code that system gives when it closes the request, and when staff last wrote them.
    external_status = models.CharField(
        _("status in the external system"), max_length=80, blank=True
    )
    external_closure_code = models.CharField(
        _("closure code in the external system"), max_length=40, blank=True
    )
    external_updated_at = models.DateTimeField(
        _("external system last updated"), null=True, blank=True
    )

    due_at = models.DateTimeField(_("expected answer by"), null=True, blank=True)
    created_at = models.DateTimeField(_("received at"), db_index=True)
    updated_at = models.DateTimeField(_("last change"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # What search reads (mithaq.search): the reference, the citizen's name, phone and ID, the
    # subject, the text and the replies, normalised (see mithaq.common.text). Kept by the
    # writes that change any of them.
    search_text = models.TextField(default="", blank=True, editable=False)
    # The form's one-time token: a double click or a resent form makes one case, not two.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # A case restricted to named people (capability 12, "visible to named people only"):
    # nobody else sees it, whatever their role (accounts.access.StaffAccess.case_filter).
    # Set only by cases.services.privacy.restrict_case.
    is_restricted = models.BooleanField(_("restricted to named people"), default=False)
    restricted_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="restricted_cases",
        verbose_name=_("visible only to"),
    )
    # When its personal data was erased (cases.services.privacy.anonymise_case): what the
    # reports count stays, nothing about the person does.
    anonymised_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["unit", "-created_at"], name="case_unit_created"),
            models.Index(fields=["state", "-created_at"], name="case_state_created"),
            models.Index(fields=["assignee", "-created_at"], name="case_assignee_created"),
            models.Index(fields=["kind", "-created_at"], name="case_kind_created"),
            models.Index(fields=["channel", "-created_at"], name="case_channel_created"),
            models.Index(fields=["citizen_phone_hash"], name="case_phone_hash"),
            models.Index(fields=["citizen_national_id_hash"], name="case_national_id_hash"),
            *only_where_set("case", "received_by", "service", "service_version", "merged_into"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="case_code_unique"),
            models.CheckConstraint(condition=Q(head_count__gte=1), name="case_head_count_positive"),
        ]

    def __str__(self):
        return self.code

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class CaseEvent(models.Model):
    """One line of a case's history: who did what, when, from which state to which, and why.

    Replies and notes are events too; `is_public` says whether the citizen sees it."""

    # Found by event_case_at; the other keys, mostly empty, are indexed only where set.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField(_("event"), max_length=24, choices=EventKind.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("by"),
    )
    by_citizen = models.BooleanField(default=False)
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    from_unit = models.ForeignKey(
        "accounts.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
    )
    to_unit = models.ForeignKey(
        "accounts.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
    )
    body = models.TextField(_("text"), blank=True)
    is_public = models.BooleanField(_("visible to the citizen"), default=False)
    # The outcome this event gave, as it was then: the decision of a decided event, the
    # closure code and external reference of a closed one. The case's own fields hold only
    # the latest, and reopening clears them. Blank on other events, and on events older
    # than these columns that migration 0007 could not attribute.
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    closure_code = models.CharField(
        _("closure code"), max_length=20, choices=ClosureCode.choices, blank=True
    )
    external_system = models.CharField(
        _("external system"), max_length=20, choices=ExternalSystem.choices, blank=True
    )
    external_reference = models.CharField(_("external reference"), max_length=80, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["case", "at"], name="event_case_at"),
            *only_where_set("event", "actor", "from_unit", "to_unit", "assignee"),
        ]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


def _attachment_path(instance, filename):
    # The stored name is made here; the citizen's file name is kept only as data.
    return f"cases/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        CaseEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=120)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    is_public = models.BooleanField(_("visible to the citizen"), default=False)
    by_citizen = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class DocumentStatus(models.TextChoices):
    UPLOADED = "uploaded", pgettext_lazy("document", "Uploaded")
    TO_BRING = "to_bring", pgettext_lazy("document", "Will be brought to the window")
    RECEIVED = "received", pgettext_lazy("document", "Received")
    VERIFIED = "verified", pgettext_lazy("document", "Verified against the original")
    MISSING = "missing", pgettext_lazy("document", "Missing")


class CaseDocument(models.Model):
    """One document of the case's service checklist (its version's RequiredDocument): what
    the applicant said (uploaded, or will bring it) and what staff found."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "catalog.RequiredDocument", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=DocumentStatus.choices)
    attachment = models.ForeignKey(
        Attachment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["case", "document__position", "document_id"]
        verbose_name = _("document of a case")
        verbose_name_plural = _("documents of a case")
        constraints = [
            models.UniqueConstraint(fields=["case", "document"], name="casedocument_unique")
        ]

    def __str__(self):
        return f"{self.document} · {self.get_status_display()}"

    @property
    def is_in_order(self) -> bool:
        return self.status in {DocumentStatus.RECEIVED, DocumentStatus.VERIFIED}


class AppendOnlyError(Exception):
    """A change or removal of a row of an append-only log was attempted."""


GENESIS = "0" * 64
# Rows are chained under this PostgreSQL advisory lock ("MithaqRd" in ASCII), so that two
# writers never chain onto the same previous row. SQLite runs one writer at a time anyway.
CHAIN_LOCK = 0x4D69746861715264


def read_hash(*, prev_hash: str, case_id: int, user_id: int, at: datetime.datetime) -> str:
    """The SHA-256 of one read over its canonical fields (the time in UTC, to the
    microsecond) and the previous row's hash."""
    moment = at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    canonical = json.dumps([prev_hash, case_id, user_id, moment], separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class ConfidentialReadQuerySet(models.QuerySet):
    """The log only grows: rows are added (chained to the last one) and never changed or
    removed through the application."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            connection = connections[self.db]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
            last = self.order_by("-id").values_list("row_hash", flat=True).first()
            prev_hash = last or GENESIS
            for obj in objs:
                obj.prev_hash = prev_hash
                obj.row_hash = prev_hash = read_hash(
                    prev_hash=prev_hash, case_id=obj.case_id, user_id=obj.user_id, at=obj.at
                )
            return super().bulk_create(objs, *args, **kwargs)

    def update(self, **kwargs):
        raise AppendOnlyError("reads of confidential identities are never changed")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("reads of confidential identities are never changed")

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError("reads of confidential identities are never changed")

    def delete(self):
        raise AppendOnlyError("reads of confidential identities are never removed")


class ConfidentialRead(models.Model):
    """Who read the identity of a citizen who asked for confidentiality, and when.
    Append-only, each row chained to the one before by its hash (cases.selectors.
    check_read_chain checks the chain for the auditors)."""

    # PROTECT: a case whose identity was read keeps its log; the log is never cut.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="confidential_reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64, editable=False)
    row_hash = models.CharField(max_length=64, editable=False)

    objects = ConfidentialReadQuerySet.as_manager()

    class Meta:
        verbose_name = _("read of a confidential identity")
        verbose_name_plural = _("reads of confidential identities")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["case", "-at"], name="confread_case_at"),
            # The audit page (cases.views.audit): every read newest first, or one person's.
            models.Index(fields=["-at", "-id"], name="confread_at"),
            models.Index(fields=["user", "-at"], name="confread_user_at"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.user_id} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("reads of confidential identities are never changed")
        type(self).objects.using(kwargs.get("using") or "default").bulk_create([self])

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("reads of confidential identities are never removed")
