from django_tasks import task

from carnet.journal.actions import make_checkpoint
from carnet.journal.copies import copy_checkpoint


@task()
def checkpoint_journal() -> int | None:
    """Periodic: sign the head of the journal (every 5 minutes by default) and copy it to the second
    location (CARNET_CHECKPOINT_COPY)."""
    checkpoint = make_checkpoint()
    if checkpoint is None:
        return None
    copy_checkpoint(checkpoint)
    return checkpoint.head_seq
