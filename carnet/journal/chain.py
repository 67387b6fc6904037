"""The journal's own write: the one function that appends decisions to the chain.

Not an action (it writes what ``authorize`` decided, so it cannot ask the policy itself).

Appends are serialised (each entry's hash covers the previous one). Inside a transaction, entries wait in
memory and are chained and written just before the transaction commits (``carnet.journal.pending``), so
the serialising lock is held for the commit only, not for the whole request; a rollback discards them
with the rest of the transaction (a refusal is journaled again afterwards: see ``gate.atomic_action``).
Outside a transaction, an entry is written at once in its own short transaction.
"""

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from carnet.access.actor import Actor, Role
from carnet.access.decision import Decision
from carnet.journal import pending
from carnet.journal.models import GENESIS, PAYLOAD_FIELDS, Entry, detail_text

# Any fixed 64-bit number: the advisory lock that serialises appends on PostgreSQL.
_CHAIN_LOCK = 0x6361726E6574
_COLUMNS = [*PAYLOAD_FIELDS, "prev_hash", "hash"]


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
    """Journal one decision (allowed or refused); it is chained when its transaction commits.

    ``detail`` must never hold clinical content: codes and identifiers only.
    """
    if settings.CARNET_BENCH_INSECURE:
        return None
    on_behalf = actor.patient if actor.role in (Role.CAREGIVER, Role.REPRESENTATIVE) else None
    entry = Entry(
        at=timezone.now(),
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
        detail=detail_text(detail),
    )
    if pending.defer(connection, entry):
        return entry
    with transaction.atomic():
        append(connection, [entry])
    return entry


def append(conn, entries: list[Entry]) -> None:
    """Chain ``entries`` after the head and insert them, in the caller's transaction, lock held to commit.

    Plain cursor SQL: this also runs from inside the database wrapper's commit, where the ORM's
    transaction bookkeeping is already closing.
    """
    quote = conn.ops.quote_name
    fields = [Entry._meta.get_field(name) for name in _COLUMNS]
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        cursor.execute(f"SELECT seq, {quote('hash')} FROM journal_entry ORDER BY seq DESC LIMIT 1")  # noqa: S608
        head = cursor.fetchone()
        seq, prev_hash = (head[0], head[1]) if head else (0, GENESIS)
        rows = []
        for entry in entries:
            seq += 1
            entry.seq, entry.prev_hash = seq, prev_hash
            entry.hash = prev_hash = entry.compute_hash()
            rows.append([field.get_db_prep_save(getattr(entry, field.attname), conn) for field in fields])
        columns = ", ".join(quote(name) for name in _COLUMNS)
        marks = ", ".join(["%s"] * len(_COLUMNS))
        cursor.executemany(f"INSERT INTO journal_entry ({columns}) VALUES ({marks})", rows)  # noqa: S608
    for entry in entries:
        entry._state.adding, entry._state.db = False, conn.alias
