"""The writes of the intake app: issuing API keys and submitting a case through the API."""

import hashlib
import uuid
from typing import Any

from django.db import IntegrityError, transaction

from mithaq.accounts.models import User
from mithaq.cases import services as case_services
from mithaq.cases.models import Case
from mithaq.catalog.models import Service
from mithaq.catalog.vocab import Channel

from .models import ApiKey, ApiSubmission, key_digest, new_raw_key


class IdempotencyConflict(Exception):
    """The Idempotency-Key was used before with another body."""


def issue_api_key(
    *,
    name: str,
    may_submit: bool = False,
    may_read_own: bool = False,
    staff_user: User | None = None,
    per_minute: int = 120,
) -> tuple[ApiKey, str]:
    """A new key: the row, and the whole key, which is never stored and shown only now."""
    prefix, raw = new_raw_key()
    key = ApiKey.objects.create(
        name=name,
        prefix=prefix,
        digest=key_digest(raw),
        may_submit=may_submit,
        may_read_own=may_read_own,
        staff_user=staff_user,
        per_minute=per_minute,
    )
    return key, raw


def set_new_secret(key: ApiKey) -> str:
    """Give an unsaved key row its prefix and digest; return the whole key (shown once)."""
    key.prefix, raw = new_raw_key()
    key.digest = key_digest(raw)
    return raw


def body_digest(fields: dict[str, Any]) -> str:
    canonical = repr(sorted(fields.items()))
    return hashlib.sha256(canonical.encode()).hexdigest()


def submit_via_api(
    *, api_key: ApiKey, idempotency_key: str, fields: dict[str, Any], service: Service | None
) -> tuple[Case, bool]:
    """Submit a case for `api_key` (cases.services.submit_case, on the web channel: the
    citizen sent it through another system, no employee received it). Returns the case and
    whether it is new. The same Idempotency-Key with the same fields returns the first case;
    with other fields, IdempotencyConflict."""
    digest = body_digest({**fields, "service": service.code if service else ""})
    # One case per (key, Idempotency-Key), replayed or racing: the case's own submission
    # token is unique, and submit_case's first SELECT already finds the case made for it (a
    # replay writes nothing there); the submission's row is unique too, so a replay's INSERT
    # fails and the first row answers. No SELECT of our own before: a new key, the common
    # case, costs the INSERT only.
    token = uuid.uuid5(uuid.NAMESPACE_URL, f"mithaq-api:{api_key.pk}:{idempotency_key}")
    try:
        with transaction.atomic():
            case = case_services.submit_case(
                channel=Channel.WEB,
                service=service,
                submission_token=token,
                savepoint=False,
                **fields,
            )
            submission = ApiSubmission.objects.create(
                api_key=api_key, idempotency_key=idempotency_key, body_digest=digest, case=case
            )
            created = True
    except IntegrityError:
        submission, created = (
            ApiSubmission.objects.get(api_key=api_key, idempotency_key=idempotency_key),
            False,
        )
    if submission.body_digest != digest:
        raise IdempotencyConflict
    return submission.case, created
