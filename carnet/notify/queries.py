"""What operators see of the outbox and the print queue, and the letters the print room reads to print
them (a secure message is sealed in the queue and unsealed only then): each one asked of the policy and
journaled for its person."""

from carnet.access.actor import Actor
from carnet.access.gate import authorize
from carnet.access.permissions import Permission as P
from carnet.identity.models import Patient
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


def _read_to_print(actor: Actor, letters) -> list[OutboxMessage]:
    """The print room reads each letter it prints (a secure message, an activation code): one decision per
    letter before anything is unsealed, journaled in the person's journal when it is addressed to a person
    (a professional's letter has none)."""
    letters = list(letters)
    people = Patient.objects.in_bulk({letter.patient_id for letter in letters if letter.patient_id})
    for letter in letters:
        person = people.get(letter.patient_id) if letter.patient_id else None
        authorize(actor, P.NOTIFY_LETTER_READ, person, detail={"letter": letter.pk})
    return letters


def letter_pdf_of(actor: Actor, letter: OutboxMessage) -> bytes:
    return letter_document(_read_to_print(actor, [letter])[0])


def print_batches():
    return PrintBatch.objects.all()


def print_batch_pdf(actor: Actor, batch: PrintBatch) -> bytes:
    return batch_pdf(_read_to_print(actor, batch.letters.order_by("created_at")))


def print_batch(batch_id: int) -> PrintBatch | None:
    return PrintBatch.objects.filter(pk=batch_id).first()
