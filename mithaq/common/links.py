"""Short signed links: a row's id and the moment the link was made, signed with the site's
secret (django.core.signing's HMAC), so that a link in an SMS opens one row, for a while,
without a sign-in and without a table of tokens. A link cannot be turned into another row's:
the id is under the signature, and each purpose signs with its own salt."""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

# 22 base64 characters of the SHA-256 HMAC: 132 bits, short enough for an SMS.
SIGNATURE_LENGTH = 22


class BadLink(Exception):
    """Not a link this site made (typed wrong, cut short or forged)."""


class ExpiredLink(Exception):
    """A link this site made, older than its purpose allows."""

    def __init__(self, pk: int, made_at: datetime.datetime) -> None:
        super().__init__(pk)
        self.pk = pk
        self.made_at = made_at


def _signature(purpose: str, value: str) -> str:
    return signing.base64_hmac(
        f"mithaq.links.{purpose}", value, settings.SECRET_KEY, algorithm="sha256"
    )[:SIGNATURE_LENGTH]


def make_token(purpose: str, pk: int, *, now: datetime.datetime | None = None) -> str:
    stamp = int((now or timezone.now()).timestamp())
    value = f"{signing.b62_encode(pk)}.{signing.b62_encode(stamp)}"
    return f"{value}.{_signature(purpose, value)}"


def read_token(
    purpose: str, token: str, *, max_age: datetime.timedelta, now: datetime.datetime | None = None
) -> int:
    """The id a token of `purpose` was made for; BadLink if it was not made here for that
    purpose, ExpiredLink if it is older than `max_age`."""
    parts = token.split(".")
    if len(parts) != 3:
        raise BadLink
    value = f"{parts[0]}.{parts[1]}"
    if not constant_time_compare(parts[2], _signature(purpose, value)):
        raise BadLink
    try:
        pk, stamp = signing.b62_decode(parts[0]), signing.b62_decode(parts[1])
    except ValueError as exc:  # signed here, so never; kept to fail closed
        raise BadLink from exc
    made_at = datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC)
    if (now or timezone.now()) - made_at > max_age:
        raise ExpiredLink(pk, made_at)
    return pk


# The survey's personal links (mithaq.surveys): one for a case, one for a hall ticket. They
# are made where the link is given (the closing message, the tracking page, the ticket's
# page), below the surveys app, so the purposes and the URL's name are written here.
SURVEY_PURPOSES = {"c": "survey-case", "t": "survey-ticket"}


def survey_path(subject: str, pk: int, *, now: datetime.datetime | None = None) -> str:
    """The path of the survey for case (`subject` "c") or ticket ("t") `pk`."""
    token = make_token(SURVEY_PURPOSES[subject], pk, now=now)
    return reverse("surveys:answer", args=[subject, token])


def survey_url(subject: str, pk: int, *, now: datetime.datetime | None = None) -> str:
    return settings.MITHAQ_PUBLIC_URL.rstrip("/") + survey_path(subject, pk, now=now)


# The short link in a citizen's SMS (decision 0002's second factor, shortened): it names the
# case, and opens it once the last four digits of its phone are typed (cases' portal).
CASE_PURPOSE = "case"


def case_url(pk: int, *, now: datetime.datetime | None = None) -> str:
    token = make_token(CASE_PURPOSE, pk, now=now)
    return settings.MITHAQ_PUBLIC_URL.rstrip("/") + reverse("portal:open", args=[token])
