"""Every external channel behind one small interface: `send(message)` returns a `Sent` or
raises `TransportError(permanent=...)`. Which transport serves a channel is a setting."""

from dataclasses import dataclass, field

from django.conf import settings


class TransportError(Exception):
    """The message did not go. `permanent` says whether trying again could help."""

    def __init__(self, reason: str, *, permanent: bool, http_status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.http_status = http_status


@dataclass(frozen=True)
class Outgoing:
    """What a transport needs: the message as rendered, and the address to use now."""

    message_id: int
    channel: str
    to: str
    subject: str
    body: str
    html: str = ""
    language: str = "ar"
    event_key: str = ""
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Sent:
    provider_id: str = ""
    http_status: int | None = None


class Transport:
    """The interface. `name` keys the circuit breaker: one per gateway."""

    name = "base"

    def send(self, message: Outgoing) -> Sent:  # pragma: no cover - interface
        raise NotImplementedError


def transport_for(channel: str) -> Transport:
    """The configured transport for a channel (settings.MITHAQ_TRANSPORTS)."""
    from . import console, email, sms, whatsapp

    kind = settings.MITHAQ_TRANSPORTS.get(channel, "console")
    if kind == "console":
        return console.FileTransport(channel)
    if kind == "smtp":
        return email.SmtpTransport()
    if kind == "http":
        return sms.HttpSmsTransport.active()
    if kind == "whatsapp":
        return whatsapp.WhatsAppTransport.active()
    raise TransportError(f"unknown transport {kind!r} for {channel}", permanent=True)
