"""The default transport: one JSON line per message in a file (the demo and the browser
journeys read it), so nothing leaves the machine until a real gateway is configured."""

import json
import threading
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from . import Outgoing, Sent, Transport, TransportError

_lock = threading.Lock()


class FileTransport(Transport):
    def __init__(self, channel: str, path: str | None = None):
        self.channel = channel
        self.name = f"console:{channel}"
        self.path = Path(path or settings.MITHAQ_MESSAGES_FILE)

    def send(self, message: Outgoing) -> Sent:
        line = json.dumps(
            {
                "at": timezone.now().isoformat(),
                "id": message.message_id,
                "channel": message.channel,
                "to": message.to,
                "event": message.event_key,
                "language": message.language,
                "subject": message.subject,
                "body": message.body,
                # The files an email carries: their names and types (the content stays out).
                "attachments": [
                    [name, mimetype] for name, _content, mimetype in message.attachments
                ],
            },
            ensure_ascii=False,
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with _lock, self.path.open("a", encoding="utf-8") as out:
                out.write(line + "\n")
        except OSError as exc:
            raise TransportError(f"cannot write {self.path}: {exc}", permanent=False) from exc
        return Sent(provider_id=f"file-{message.message_id}")
