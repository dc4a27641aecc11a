"""Files an email carries, made when it is sent by the app whose event it tells: a higher
app registers a provider for its event (in its AppConfig.ready(), as interviews does for the
booking's calendar file), so that this layer never imports it. A message row holds no file:
the provider makes it from the message's own key."""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from .models import Message
from .states import MessageChannel

logger = logging.getLogger("mithaq.notifications")


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content: bytes
    mimetype: str


Provider = Callable[[Message], list[MailAttachment]]
_PROVIDERS: dict[str, Provider] = {}


def register(event_key: str, provider: Provider) -> None:
    _PROVIDERS[event_key] = provider


def for_message(message: Message) -> tuple[MailAttachment, ...]:
    """The files of this email (none for another channel or event). A provider that fails is
    logged and the email goes without its file: the message matters more than the file."""
    provider = _PROVIDERS.get(message.event_key)
    if provider is None or message.channel != MessageChannel.EMAIL:
        return ()
    try:
        return tuple(provider(message))
    except Exception:
        logger.exception("attachment provider for %s failed", message.event_key)
        return ()
