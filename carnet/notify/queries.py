"""What operators see of the outbox and the print queue (no clinical content is ever written there)."""

from carnet.notify.actions import _channel
from carnet.notify.models import NotificationPreference, OutboxMessage


def outbox(channel: str | None = None):
    messages = OutboxMessage.objects.defer("attachment")
    return messages.filter(channel=channel) if channel else messages


def print_queue():
    return OutboxMessage.objects.filter(channel=OutboxMessage.Channel.LETTER, sent_at__isnull=True)


def channel_for(patient) -> str:
    """The channel a notification to ``patient`` takes now: email, sms or letter."""
    return _channel(patient, NotificationPreference.objects.filter(patient_id=patient.pk).first())
