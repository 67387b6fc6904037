"""Background work of messaging, thin and safe to retry: each task loads ids and calls an action."""

from django_tasks import task

from carnet.messaging import actions


@task(priority=50)  # a notice never waits behind bulk work
def tell_patient(message_id: str) -> str:
    return actions.tell_patient(message_id)


@task(priority=40)
def send_outgoing_mail(outgoing_id: int) -> bool:
    return actions.send_outgoing_mail(outgoing_id)
