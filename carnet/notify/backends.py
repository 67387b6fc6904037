"""Django e-mail backend that writes each message to the outbox (the embedded default)."""

from django.core.mail.backends.base import BaseEmailBackend

from carnet.notify.models import OutboxMessage


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            for recipient in message.recipients():
                OutboxMessage.objects.create(
                    channel=OutboxMessage.Channel.EMAIL,
                    recipient=recipient,
                    subject=message.subject[:200],
                    body=message.body,
                )
        return len(email_messages)
