"""Email over the configured SMTP server (Django's EMAIL_* settings), text and HTML.

Each outbox message has one Message-ID, the same at every attempt: a mail sent again after a
worker died mid-send (mithaq.notifications.dispatch) is the same message to the receiving
servers and mail clients, which drop or thread the duplicate."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from . import Outgoing, Sent, Transport, TransportError


def message_id_for(message_id: int) -> str:
    """The outbox message's Message-ID (RFC 5322), under the sender's domain."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "localhost"
    return f"<mithaq-message-{message_id}@{domain}>"


class SmtpTransport(Transport):
    name = "smtp"

    def __init__(self, **connection_options):
        self.connection_options = connection_options

    def send(self, message: Outgoing) -> Sent:
        if not message.to or "@" not in message.to:
            raise TransportError("no email address", permanent=True)
        connection = get_connection(
            "django.core.mail.backends.smtp.EmailBackend",
            fail_silently=False,
            timeout=settings.MITHAQ_SMTP_TIMEOUT,
            **self.connection_options,
        )
        mail = build_mail(message, connection)
        try:
            mail.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise TransportError(f"recipient refused: {exc}", permanent=True) from exc
        except smtplib.SMTPResponseException as exc:
            # 5xx is the server's final word; 4xx says try later.
            raise TransportError(
                f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", permanent=500 <= exc.smtp_code < 600
            ) from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise TransportError(f"SMTP: {exc}", permanent=False) from exc
        return Sent(provider_id=mail.extra_headers.get("Message-ID", ""))


def build_mail(message: Outgoing, connection=None) -> EmailMultiAlternatives:
    """The email of `message`: its text, its HTML as an alternative, its files attached."""
    mail = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        connection=connection,
        headers={
            "X-Mithaq-Message": str(message.message_id),
            "Message-ID": message_id_for(message.message_id),
        },
    )
    if message.html:
        mail.attach_alternative(message.html, "text/html")
    for filename, content, mimetype in message.attachments:
        mail.attach(filename, content, mimetype)
    return mail
