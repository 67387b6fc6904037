from django_tasks import task

from carnet.journal.actions import make_checkpoint


@task()
def checkpoint_journal() -> int | None:
    """Periodic: sign the head of the journal (every few minutes in production)."""
    checkpoint = make_checkpoint()
    return checkpoint.head_seq if checkpoint else None
