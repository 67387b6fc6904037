"""What operators see of the outbox and the print queue (no clinical content is ever written there)."""

from carnet.notify.letters import batch_pdf, letter_document
from carnet.notify.models import NotificationPreference, OutboxMessage, PrintBatch


def outbox(channel: str | None = None):
    messages = OutboxMessage.objects.defer("attachment", "sealed_body")
    return messages.filter(channel=channel) if channel else messages


def print_queue():
    return OutboxMessage.objects.filter(channel=OutboxMessage.Channel.LETTER, sent_at__isnull=True)


def preference_of(patient) -> NotificationPreference | None:
    """How the patient chose to be told, or None for the defaults."""
    return NotificationPreference.objects.filter(patient_id=patient.pk).first()


def letter_pdf_of(letter: OutboxMessage) -> bytes:
    return letter_document(letter)


def print_batches():
    return PrintBatch.objects.all()


def print_batch_pdf(batch: PrintBatch) -> bytes:
    return batch_pdf(batch.letters.order_by("created_at"))


def print_batch(batch_id: int) -> PrintBatch | None:
    return PrintBatch.objects.filter(pk=batch_id).first()
