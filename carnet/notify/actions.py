"""The only code that sends notifications: by the patient's chosen channel, now or in a daily digest.

Messages never carry clinical content: they say that something happened and invite to sign in.
"""

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.access.gate import atomic_action, authorize
from carnet.access.permissions import Permission as P
from carnet.errors import Conflict, Refused
from carnet.notify.letters import letter_pdf
from carnet.notify.models import NotificationPreference, OutboxMessage, PendingNotification, PrintBatch
from carnet.notify.sms import send_sms


def send_email(recipient: str, subject: str, body: str) -> None:
    send_mail(subject, body, None, [recipient])


def queue_letter(recipient: str, subject: str, body: str, *, patient_id: int | None = None) -> OutboxMessage:
    """A postal letter (PDF) for people without e-mail: it waits in the print queue."""
    return OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.LETTER,
        recipient=recipient,
        subject=subject,
        body=body,
        patient_id=patient_id,
        attachment=letter_pdf(recipient, subject, body),
    )


def _channel(patient, preference: NotificationPreference | None) -> str:
    wanted = preference.channel if preference else ""
    if wanted == "email" and patient.email or wanted == "sms" and patient.phone or wanted == "letter":
        return wanted
    return "email" if patient.email else "sms" if patient.phone else "letter"


def deliver(patient, subject: str, body: str, channel: str | None = None) -> None:
    channel = channel or _channel(
        patient, NotificationPreference.objects.filter(patient_id=patient.pk).first()
    )
    if channel == "email":
        send_email(patient.email, subject, body)
    elif channel == "sms":
        send_sms(patient.phone, f"carnet : {subject}. {body}"[:480])
    else:
        queue_letter(f"{patient.display_name}\n{patient.address}", subject, body, patient_id=patient.pk)


def notify_patient(patient, event: str, subject: str, body: str, *, urgent: bool = False) -> None:
    """Tell a patient something happened on their record. Emergencies are always immediate.

    The message is queued as a task in the caller's transaction (a transactional outbox): it leaves only
    if what it tells about was committed, and the request does not wait for an e-mail or SMS gateway.
    """
    from carnet.notify.tasks import deliver_notification

    deliver_notification.enqueue(patient.pk, event, subject, body, urgent)


def notify_now(patient_id: int, event: str, subject: str, body: str, urgent: bool = False) -> None:
    """The task's work: the patient's channel now, or the daily digest."""
    from carnet.identity.models import Patient

    patient = Patient.objects.filter(pk=patient_id).first()
    if patient is None:
        return
    preference = NotificationPreference.objects.filter(patient_id=patient.pk).first()
    if preference is not None and preference.daily_digest and not urgent:
        PendingNotification.objects.create(patient_id=patient.pk, event=event, subject=subject, body=body)
        return
    deliver(patient, subject, body, _channel(patient, preference))


@transaction.atomic
def set_preferences(patient, *, channel: str = "", daily_digest: bool = False) -> NotificationPreference:
    if channel not in NotificationPreference.Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    if channel == NotificationPreference.Channel.LETTER and not patient.address.strip():
        raise Refused("no_address", _("Le courrier postal demande une adresse : indiquez-la d'abord."))
    preference, _created = NotificationPreference.objects.update_or_create(
        patient_id=patient.pk, defaults={"channel": channel, "daily_digest": daily_digest}
    )
    return preference


def send_daily_digests() -> int:
    """Task: one message per patient with what happened; rows are claimed so two workers never send twice."""
    from carnet.identity.models import Patient

    sent = 0
    patient_ids = set(
        PendingNotification.objects.filter(sent_at__isnull=True).values_list("patient_id", flat=True)
    )
    for patient in Patient.objects.filter(pk__in=patient_ids):
        with transaction.atomic():
            claim = timezone.now()
            rows = PendingNotification.objects.filter(patient_id=patient.pk, sent_at__isnull=True)
            ids = list(rows.values_list("pk", flat=True))
            if not PendingNotification.objects.filter(pk__in=ids, sent_at__isnull=True).update(sent_at=claim):
                continue
            items = PendingNotification.objects.filter(pk__in=ids, sent_at=claim)
            body = "\n".join(f"- {item.subject}" for item in items)
            deliver(patient, _("Ce qui s'est passé dans votre espace aujourd'hui"), body)
            sent += 1
    return sent


@transaction.atomic
def mark_letters_printed(message_ids: list[int]) -> int:
    return OutboxMessage.objects.filter(pk__in=message_ids, channel="letter", sent_at__isnull=True).update(
        sent_at=timezone.now()
    )


PRINT_BATCH_SIZE = 500


class PrintQueue:
    """The resource of the print queue's housekeeping (about no patient in particular)."""

    pk = ""


@atomic_action
def create_print_batch(actor, size: int = PRINT_BATCH_SIZE) -> PrintBatch:
    """Gather the oldest letters not yet in a batch into one batch (one PDF); letters are claimed with a
    conditional UPDATE, so two operators never put the same letter in two batches."""
    authorize(actor, P.NOTIFY_LETTERS_PRINT, PrintQueue(), detail={"step": "batch"})
    waiting = OutboxMessage.objects.filter(channel="letter", sent_at__isnull=True, batch__isnull=True)
    ids = list(waiting.order_by("created_at").values_list("pk", flat=True)[:size])
    if not ids:
        raise Refused("queue_empty", _("Aucun courrier en attente d'impression."))
    batch = PrintBatch.objects.create(created_by=actor.label[:150])
    batch.count = OutboxMessage.objects.filter(pk__in=ids, batch__isnull=True).update(batch=batch)
    batch.save(update_fields=["count"])
    return batch


@atomic_action
def mark_batch_printed(actor, batch: PrintBatch) -> int:
    """The batch came out of the printer: its letters leave the print queue."""
    authorize(actor, P.NOTIFY_LETTERS_PRINT, PrintQueue(), detail={"step": "printed", "batch": batch.pk})
    if batch.printed_at is not None:
        raise Conflict("already_printed", _("Ce lot est déjà marqué imprimé."))
    batch.printed_at = timezone.now()
    batch.save(update_fields=["printed_at"])
    return mark_letters_printed(list(batch.letters.values_list("pk", flat=True)))
