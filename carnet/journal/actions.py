"""The only code that writes the journal."""

from django.conf import settings
from django.db import connection, transaction

from carnet.access.actor import Actor, Role
from carnet.access.decision import Decision
from carnet.journal.models import GENESIS, Entry

# Any fixed 64-bit number: the advisory lock that serialises appends on PostgreSQL.
_CHAIN_LOCK = 0x6361726E6574


def record(
    actor: Actor,
    action: str,
    decision: Decision,
    *,
    patient=None,
    resource_type: str = "",
    resource_id: str | int = "",
    detail: dict | None = None,
) -> Entry | None:
    """Append one entry for a decision (allowed or refused) and chain it to the previous one.

    ``detail`` must never hold clinical content: codes and identifiers only.
    """
    if settings.CARNET_BENCH_INSECURE:
        return None
    on_behalf = actor.patient if actor.role in (Role.CAREGIVER, Role.REPRESENTATIVE) else None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        last = Entry.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        entry = Entry(
            seq=seq,
            actor_role=str(actor.role),
            actor_user_id=actor.user_id,
            actor_professional_id=getattr(actor.professional, "pk", None),
            actor_label=actor.label[:200],
            on_behalf_of_patient_id=getattr(on_behalf, "pk", None),
            on_behalf_of_label=on_behalf.display_name[:200] if on_behalf is not None else "",
            patient_id=getattr(patient, "pk", patient),
            action=str(action),
            resource_type=resource_type,
            resource_id=str(resource_id),
            channel=str(actor.channel),
            allowed=decision.allowed,
            rule=decision.rule,
            reason=decision.reason[:300],
            detail=detail or {},
            prev_hash=prev_hash,
        )
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
    return entry


def make_checkpoint():
    """Sign the current head of the chain (periodically by a task, and on demand)."""
    from carnet.journal import signing
    from carnet.journal.models import Checkpoint

    head = Entry.objects.order_by("-seq").values_list("seq", "hash").first()
    if head is None:
        return None
    checkpoint = Checkpoint(head_seq=head[0], head_hash=head[1], count=head[0], key_id=signing.key_id())
    checkpoint.signature = signing.sign(checkpoint.statement())
    checkpoint.save()
    return checkpoint
