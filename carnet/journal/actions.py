"""The journal's own writes: entries (``carnet.journal.chain.record``, which ``authorize`` calls with each
decision) and signed checkpoints of the chains.

The one ``actions`` module whose functions do not ask the policy first: the policy's decisions are what
the journal writes, and a checkpoint that journaled its own signing would add, every few minutes, the entry
it signs (an idle service would never be at rest). Who may sign is who can run the command or the task.
"""

from carnet.journal import chain, merkle, signing
from carnet.journal.chain import append, record  # noqa: F401 - re-exported while other areas move
from carnet.journal.models import Checkpoint, head_leaf


def make_checkpoint() -> Checkpoint | None:
    """Sign the heads of every chain at once, as their Merkle root (periodically by a task, and on demand)."""
    heads = chain.heads()
    if not heads:
        return None
    leaves = [head_leaf(*head) for head in heads]
    newest = max(heads, key=lambda head: head[2])
    checkpoint = Checkpoint(
        head_seq=newest[2],
        head_hash=newest[3],
        count=sum(head[1] for head in heads),
        root=merkle.root(leaves),
        heads="\n".join(leaf.decode() for leaf in leaves),
        key_id=signing.key_id(),
    )
    checkpoint.signature = signing.sign(checkpoint.statement())
    checkpoint.save()
    return checkpoint
