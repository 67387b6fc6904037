"""Background work of messaging, thin and safe to retry: each task loads ids and calls actions."""

from django_tasks import task

from carnet.access.actor import SYSTEM
from carnet.messaging import actions, mail


@task(priority=40)
def send_outgoing_mail(outgoing_id: int) -> bool:
    """A patient's reply leaves by SMTP (sent outside any transaction; a failure is kept for a retry)."""
    mime = actions.prepare_outgoing_mail(SYSTEM, outgoing_id)
    if mime is None:
        return False
    return actions.record_outgoing_mail(SYSTEM, outgoing_id, mail.relay(mime))
