from django_tasks import task

from carnet.notify.actions import send_daily_digests


@task()
def send_daily_digests_task() -> int:
    """Daily: one message per patient who chose the digest (rows are claimed, never sent twice)."""
    return send_daily_digests()
