"""The journal's own writes: entries (``carnet.journal.chain.record``, which ``authorize`` calls with each
decision) and signed checkpoints of the chain.

The one ``actions`` module whose functions do not ask the policy first: the policy's decisions are what
the journal writes, and a checkpoint that journaled its own signing would add, every few minutes, the entry
it signs (an idle service would never be at rest). Who may sign is who can run the command or the task.
"""

from carnet.journal import signing
from carnet.journal.chain import append, record  # noqa: F401 - re-exported while other areas move
from carnet.journal.models import Checkpoint, Entry


def make_checkpoint() -> Checkpoint | None:
    """Sign the current head of the chain (periodically by a task, and on demand)."""
    head = Entry.objects.order_by("-seq").values_list("seq", "hash").first()
    if head is None:
        return None
    checkpoint = Checkpoint(head_seq=head[0], head_hash=head[1], count=head[0], key_id=signing.key_id())
    checkpoint.signature = signing.sign(checkpoint.statement())
    checkpoint.save()
    return checkpoint
