"""SMS providers: a small interface; the embedded default writes to the outbox."""

from django.conf import settings
from django.utils.module_loading import import_string

from carnet.notify.models import OutboxMessage


class OutboxSmsBackend:
    def send(self, phone: str, text: str) -> None:
        OutboxMessage.objects.create(channel=OutboxMessage.Channel.SMS, recipient=phone, body=text)


def send_sms(phone: str, text: str) -> None:
    import_string(settings.CARNET_SMS_BACKEND)().send(phone, text)
