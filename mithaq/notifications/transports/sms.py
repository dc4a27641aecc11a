"""A generic HTTP SMS gateway, described by a GatewayConfig row: URL, method, a parameter
template, authentication, and a pattern that says the gateway accepted the message. Every
request carries an Idempotency-Key header, the same for each attempt at one message: a
gateway that honours it sends a message once even when Mithaq sends it again (after a
worker died mid-send, or a lost answer)."""

import re

from . import Outgoing, Sent, Transport, TransportError
from .http import auth_headers, request


def fill(value, context: dict):
    """Fill {to}, {text}, {sender} in a parameter template (strings inside dicts/lists)."""
    from mithaq.notifications.rendering import render_text

    if isinstance(value, str):
        return render_text(value, context)
    if isinstance(value, dict):
        return {k: fill(v, context) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, context) for v in value]
    return value


class HttpSmsTransport(Transport):
    def __init__(self, config):
        self.config = config
        self.name = f"sms:{config.code}"

    @classmethod
    def active(cls):
        from mithaq.notifications.models import GatewayConfig
        from mithaq.notifications.states import GatewayKind

        config = GatewayConfig.objects.filter(kind=GatewayKind.SMS_HTTP, is_active=True).first()
        if config is None:
            raise TransportError("no active SMS gateway is configured", permanent=False)
        return cls(config)

    def send(self, message: Outgoing) -> Sent:
        c = self.config
        if not message.to:
            raise TransportError("no phone number", permanent=True)
        context = {"to": message.to, "text": message.body, "sender": c.sender}
        params = fill(c.params_template or {"to": "{to}", "text": "{text}"}, context)
        headers = auth_headers(
            c.auth_kind, username=c.auth_username, secret=c.secret(), header=c.auth_header
        )
        headers["Idempotency-Key"] = f"mithaq-message-{message.message_id}"
        if c.method == "POST" and c.body_format == "json":
            answer = request(
                c.url,
                method="POST",
                json_body=params,
                headers=headers,
                timeout=c.timeout_seconds,
            )
        else:
            answer = request(
                c.url,
                method=c.method,
                params=params,
                headers=headers,
                timeout=c.timeout_seconds,
            )
        if c.success_pattern and not re.search(c.success_pattern, answer.body):
            # The gateway answered but refused: resending the same message will not help.
            raise TransportError(
                f"gateway refused: {answer.body[:200]}", permanent=True, http_status=answer.status
            )
        provider_id = ""
        if c.message_id_pattern and (found := re.search(c.message_id_pattern, answer.body)):
            provider_id = found.group(1)
        return Sent(provider_id=provider_id, http_status=answer.status)
