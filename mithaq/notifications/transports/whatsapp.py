"""The WhatsApp Business Cloud API: POST {base}/{phone_number_id}/messages with a bearer
token. Free text inside the 24-hour service window; otherwise an approved template whose
name is the event and whose one body parameter is the rendered text."""

import json

from . import Outgoing, Sent, Transport, TransportError
from .http import request


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
        if message.extra.get("use_template", True):
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
