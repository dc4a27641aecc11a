"""The WhatsApp Business Cloud API: POST {base}/{phone_number_id}/messages with a bearer
token. Free text inside the 24-hour customer-service window (the citizen wrote to us in the
last 24 hours: asked of the intake app, which records inbound messages, through
`set_service_window`); otherwise an approved template whose name is the event and whose one
body parameter is the rendered text."""

import datetime
import json
from collections.abc import Callable

from django.utils import timezone

from . import Outgoing, Sent, Transport, TransportError
from .http import request


def _no_window(phone: str, now: datetime.datetime) -> bool:
    return False


_service_window: Callable[[str, datetime.datetime], bool] = _no_window


def set_service_window(lookup: Callable[[str, datetime.datetime], bool]) -> None:
    """How the transport learns whether a number wrote to us in the last 24 hours: set once,
    by the app that receives WhatsApp messages (mithaq.intake's ready()). Until then every
    message goes as a template, which is always allowed."""
    global _service_window
    _service_window = lookup


class WhatsAppTransport(Transport):
    def __init__(self, config):
        self.config = config
        self.name = f"whatsapp:{config.code}"

    @classmethod
    def active(cls):
        from mithaq.notifications.models import GatewayConfig
        from mithaq.notifications.states import GatewayKind

        config = GatewayConfig.objects.filter(kind=GatewayKind.WHATSAPP, is_active=True).first()
        if config is None:
            raise TransportError("no active WhatsApp account is configured", permanent=False)
        return cls(config)

    def payload(self, message: Outgoing) -> dict:
        to = message.to.lstrip("+")
        use_template = message.extra.get("use_template")
        if use_template is None:
            use_template = not _service_window(message.to, timezone.now())
        if use_template:
            return {
                "messaging_product": "whatsapp",
                "to": to,
                "type": "template",
                "template": {
                    "name": f"mithaq_{message.event_key}",
                    "language": {"code": message.language},
                    "components": [
                        {"type": "body", "parameters": [{"type": "text", "text": message.body}]}
                    ],
                },
            }
        return {
            "messaging_product": "whatsapp",
            "to": to,
            "type": "text",
            "text": {"body": message.body},
        }

    def send(self, message: Outgoing) -> Sent:
        c = self.config
        if not message.to:
            raise TransportError("no phone number", permanent=True)
        answer = request(
            f"{c.url.rstrip('/')}/{c.phone_number_id}/messages",
            method="POST",
            json_body=self.payload(message),
            headers={"Authorization": f"Bearer {c.secret()}"},
            timeout=c.timeout_seconds,
        )
        try:
            provider_id = json.loads(answer.body)["messages"][0]["id"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise TransportError(
                f"unexpected answer: {answer.body[:200]}",
                permanent=False,
                http_status=answer.status,
            ) from exc
        return Sent(provider_id=provider_id, http_status=answer.status)
