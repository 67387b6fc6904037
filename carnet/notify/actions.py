"""The only code that changes what and how people are told: preferences, digests, the print queue.

Each action asks the policy first. The sending itself (``notify_patient``, e-mail, letters) is plumbing in
``carnet.notify.outbox``, called by actions that were authorised.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.access.actor import SYSTEM, Actor
from carnet.access.gate import atomic_action, authorize
from carnet.access.permissions import Permission as P
from carnet.errors import Conflict, Refused
from carnet.notify.models import NotificationPreference, OutboxMessage, PendingNotification, PrintBatch

# Re-exported while other areas move their imports to carnet.notify.outbox (plumbing, not actions).
from carnet.notify.outbox import deliver, notify_patient, queue_letter, send_email  # noqa: F401


@atomic_action
def set_preferences(
    actor: Actor, patient, *, channel: str = "", daily_digest: bool = False
) -> NotificationPreference:
    """The patient chooses how they are told (e-mail, SMS, post) and whether once a day."""
    authorize(
        actor, P.NOTIFY_PREFERENCES_CHANGE, patient, detail={"channel": channel, "digest": daily_digest}
    )
    if channel not in NotificationPreference.Channel.values:
        raise Refused("unknown_channel", _("Moyen de notification inconnu."), field="channel")
    if channel == NotificationPreference.Channel.LETTER and not patient.address.strip():
        raise Refused(
            "no_address", _("Le courrier postal demande une adresse : indiquez-la d'abord."), field="channel"
        )
    preference, _created = NotificationPreference.objects.update_or_create(
        patient_id=patient.pk, defaults={"channel": channel, "daily_digest": daily_digest}
    )
    return preference


@atomic_action
def send_digest(actor: Actor, patient) -> bool:
    """One message with what happened today; rows are claimed so two workers never send twice."""
    authorize(actor, P.NOTIFY_DIGEST_SEND, patient)
    claim = timezone.now()
    rows = PendingNotification.objects.filter(patient_id=patient.pk, sent_at__isnull=True)
    ids = list(rows.values_list("pk", flat=True))
    if not PendingNotification.objects.filter(pk__in=ids, sent_at__isnull=True).update(sent_at=claim):
        return False
    items = PendingNotification.objects.filter(pk__in=ids, sent_at=claim)
    body = "\n".join(f"- {item.subject}" for item in items)
    deliver(patient, _("Ce qui s'est passé dans votre espace aujourd'hui"), body)
    return True


@atomic_action
def forget_printed_letters(actor: Actor = SYSTEM, *, now: datetime.datetime | None = None) -> int:
    """A printed letter's text and PDF (an activation code, a secure message) are kept
    ``CARNET_PRINTED_LETTER_DAYS`` for a reprint, then erased; the row stays (recipient, subject, dates) as
    the proof it was sent and for the statistics. The count of letters erased is returned."""
    days = settings.CARNET_PRINTED_LETTER_DAYS
    authorize(actor, P.NOTIFY_LETTERS_FORGET, None, detail={"days": days})
    printed = OutboxMessage.objects.filter(
        channel=OutboxMessage.Channel.LETTER,
        sent_at__lt=(now or timezone.now()) - datetime.timedelta(days=days),
    )
    kept = printed.exclude(body="", attachment__isnull=True, sealed_body__isnull=True)
    return kept.update(body="", attachment=None, sealed_body=None)


@atomic_action
def mark_letters_printed(actor: Actor, message_ids: list[int]) -> int:
    """The print room took these letters: they leave the print queue."""
    authorize(actor, P.NOTIFY_LETTERS_PRINT, None, detail={"letters": len(message_ids)})
    return OutboxMessage.objects.filter(pk__in=message_ids, channel="letter", sent_at__isnull=True).update(
        sent_at=timezone.now()
    )


PRINT_BATCH_SIZE = 500


@atomic_action
def create_print_batch(actor: Actor, size: int = PRINT_BATCH_SIZE) -> PrintBatch:
    """Gather the oldest letters not yet in a batch into one batch (one PDF); letters are claimed with a
    conditional UPDATE, so two operators never put the same letter in two batches."""
    authorize(actor, P.NOTIFY_LETTERS_PRINT, None, detail={"step": "batch"})
    waiting = OutboxMessage.objects.filter(channel="letter", sent_at__isnull=True, batch__isnull=True)
    ids = list(waiting.order_by("created_at").values_list("pk", flat=True)[:size])
    if not ids:
        raise Refused("queue_empty", _("Aucun courrier en attente d'impression."))
    batch = PrintBatch.objects.create(created_by=actor.label[:150])
    batch.count = OutboxMessage.objects.filter(pk__in=ids, batch__isnull=True).update(batch=batch)
    batch.save(update_fields=["count"])
    return batch


@atomic_action
def mark_batch_printed(actor: Actor, batch: PrintBatch) -> int:
    """The batch came out of the printer: its letters leave the print queue."""
    authorize(actor, P.NOTIFY_LETTERS_PRINT, None, detail={"step": "printed", "batch": batch.pk})
    if batch.printed_at is not None:
        raise Conflict("already_printed", _("Ce lot est déjà marqué imprimé."))
    batch.printed_at = timezone.now()
    batch.save(update_fields=["printed_at"])
    return mark_letters_printed(actor, list(batch.letters.values_list("pk", flat=True)))
