"""The only code that changes what and how people are told: preferences, digests, the print queue.

Each action asks the policy first. The sending itself (``notify_patient``, e-mail, letters) is plumbing in
``carnet.notify.outbox``, called by actions that were authorised.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.access.actor import Actor
from carnet.access.gate import atomic_action, authorize
from carnet.access.permissions import Permission as P
from carnet.errors import Refused
from carnet.notify.models import NotificationPreference, OutboxMessage, PendingNotification

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
def mark_letters_printed(actor: Actor, message_ids: list[int]) -> int:
    """The print room took these letters: they leave the print queue."""
    authorize(actor, P.NOTIFY_LETTERS_PRINT, None, detail={"letters": len(message_ids)})
    return OutboxMessage.objects.filter(pk__in=message_ids, channel="letter", sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
