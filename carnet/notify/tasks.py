from django_tasks import task

from carnet.notify.actions import notify_now, notify_user_now, send_daily_digests

NOTIFICATIONS = "notifications"  # a queue of its own: bulk work (text extraction) never holds a notice back


@task(priority=50, queue_name=NOTIFICATIONS)
def deliver_notification(patient_id: int, event: str, subject: str, body: str, urgent: bool = False) -> None:
    """One notification, queued by ``notify_patient`` in the transaction of what it tells about."""
    notify_now(patient_id, event, subject, body, urgent)


@task()
def send_daily_digests_task() -> int:
    """Daily: one message per patient who chose the digest (rows are claimed, never sent twice)."""
    return send_daily_digests()


@task(priority=50, queue_name=NOTIFICATIONS)
def deliver_security_notice(user_id: int, channel: str, subject: str, body: str) -> None:
    """A notice about the account itself (second factor changed), on the channel given."""
    notify_user_now(user_id, channel, subject, body)
