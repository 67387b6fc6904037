from django_tasks import task

from carnet.notify.actions import notify_now, send_daily_digests


@task(priority=50)  # ahead of bulk work (text extraction): a notice never waits behind a backlog
def deliver_notification(patient_id: int, event: str, subject: str, body: str, urgent: bool = False) -> None:
    """One notification, queued by ``notify_patient`` in the transaction of what it tells about."""
    notify_now(patient_id, event, subject, body, urgent)


@task()
def send_daily_digests_task() -> int:
    """Daily: one message per patient who chose the digest (rows are claimed, never sent twice)."""
    return send_daily_digests()
