"""What operators see of the outbox and the print queue (no clinical content is ever written there)."""

from carnet.notify.models import NotificationPreference, OutboxMessage


def outbox(channel: str | None = None):
    messages = OutboxMessage.objects.defer("attachment")
    return messages.filter(channel=channel) if channel else messages


def print_queue():
    return OutboxMessage.objects.filter(channel=OutboxMessage.Channel.LETTER, sent_at__isnull=True)


def preference_of(patient) -> NotificationPreference | None:
    """How the patient chose to be told, or None for the defaults."""
    return NotificationPreference.objects.filter(patient_id=patient.pk).first()
