from django_tasks import task

from carnet.access.actor import SYSTEM
from carnet.identity.models import Patient
from carnet.notify import actions
from carnet.notify.actions import send_digest
from carnet.notify.models import PendingNotification
from carnet.notify.outbox import notify_now, notify_user_now, send_email

NOTIFICATIONS = "notifications"  # a queue of its own: bulk work (text extraction) never holds a notice back


@task(priority=50, queue_name=NOTIFICATIONS)
def deliver_notification(patient_id: int, event: str, subject: str, body: str, urgent: bool = False) -> None:
    """One notification, queued by ``notify_patient`` in the transaction of what it tells about."""
    notify_now(patient_id, event, subject, body, urgent)


@task(priority=50)
def send_email_task(recipient: str, subject: str, body: str) -> None:
    """One e-mail to a professional, queued by ``email_later`` in the transaction of what it tells about."""
    send_email(recipient, subject, body)


def send_daily_digests() -> int:
    """Every patient with pending notifications gets one message (each through ``send_digest``)."""
    patient_ids = set(
        PendingNotification.objects.filter(sent_at__isnull=True).values_list("patient_id", flat=True)
    )
    return sum(send_digest(SYSTEM, patient) for patient in Patient.objects.filter(pk__in=patient_ids))


@task()
def forget_printed_letters() -> int:
    return actions.forget_printed_letters()


@task()
def send_daily_digests_task() -> int:
    """Daily: one message per patient who chose the digest (rows are claimed, never sent twice)."""
    return send_daily_digests()


@task(priority=50, queue_name=NOTIFICATIONS)
def deliver_security_notice(user_id: int, channel: str, subject: str, body: str) -> None:
    """A notice about the account itself (second factor changed), on the channel given."""
    notify_user_now(user_id, channel, subject, body)
