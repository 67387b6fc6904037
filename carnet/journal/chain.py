"""The journal's own write: the one function that appends decisions to their chains.

Not an action (it writes what ``authorize`` decided, so it cannot ask the policy itself).

The journal is ``CARNET_JOURNAL_CHAINS`` independent hash chains (default 64): an entry about a patient goes
to chain ``1 + patient_id % N`` (all of a patient's entries in one chain), an entry about no patient to any
chain. Appends to one chain are serialised (each entry's hash covers the previous one of its chain), by a
lock per chain: writers for different chains never wait for each other. Inside a transaction, entries wait
in memory and are chained and written just before the transaction commits (``carnet.journal.pending``), so
a chain's lock is held for the commit only; a rollback discards them with the rest of the transaction (a
refusal is journaled again afterwards: see ``gate.atomic_action``). Outside a transaction, an entry is
written at once in its own short transaction (on PostgreSQL, the append's one statement in autocommit: the
chain's lock is taken and released by that statement's own transaction).

``seq`` numbers every entry of the journal (a database sequence on PostgreSQL, taken once the chains'
locks are held, so it grows along each chain; it may skip a number when a commit fails). On SQLite, which
serialises writers anyway, it is the next number after the largest.
"""

import random
import time

import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from carnet.access.actor import Actor, Role
from carnet.access.decision import Decision
from carnet.journal import pending
from carnet.journal.models import CHAINED_FIELDS, GENESIS, TAIL_FIELDS, Entry, canonical_tail, detail_text
from carnet.ops import metrics

SEQUENCE = "journal_entry_seq_seq"
_COLUMNS = [*CHAINED_FIELDS, "prev_hash", "hash"]


def chain_for(patient_id) -> int:
    """The chain of an entry: the patient's (by number), or any chain for an entry about no patient."""
    chains = settings.CARNET_JOURNAL_CHAINS
    if patient_id is None:
        return 1 + random.randrange(chains)  # noqa: S311 - spreads the load, no secret
    return 1 + int(patient_id) % chains


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
    entry = new_entry(
        actor,
        action,
        decision,
        patient=patient,
        resource_type=resource_type,
        resource_id=resource_id,
        detail=detail,
    )
    if pending.defer(connection, entry):
        return entry
    if connection.vendor == "postgresql" and connection.get_autocommit():
        append(connection, [entry])  # one statement, its own transaction: one round trip, commit included
        return entry
    with transaction.atomic():
        append(connection, [entry])
    return entry


def new_entry(
    actor: Actor, action: str, decision: Decision, *, patient, resource_type, resource_id, detail
) -> Entry:
    """The entry of one decision, not yet linked (``append`` gives it its place in its chain)."""
    on_behalf = actor.patient if actor.role in (Role.CAREGIVER, Role.REPRESENTATIVE) else None
    patient_id = getattr(patient, "pk", patient)
    return Entry(
        at=timezone.now(),
        chain=chain_for(patient_id),
        actor_role=str(actor.role),
        actor_user_id=actor.user_id,
        actor_professional_id=getattr(actor.professional, "pk", None),
        actor_label=actor.label[:200],
        on_behalf_of_patient_id=getattr(on_behalf, "pk", None),
        on_behalf_of_label=on_behalf.display_name[:200] if on_behalf is not None else "",
        patient_id=patient_id,
        action=str(action),
        resource_type=resource_type,
        resource_id=str(resource_id),
        channel=str(actor.channel),
        allowed=decision.allowed,
        rule=decision.rule,
        reason=decision.reason[:300],
        detail=detail_text(detail),
    )


def append(conn, entries: list[Entry]) -> None:
    """Link ``entries`` after their chains' heads and insert them, in the caller's transaction, each chain's
    lock held to commit (taken in chain order: two writers never wait for each other in a cycle).

    Plain cursor SQL: this also runs from inside the database wrapper's commit, where the ORM's
    transaction bookkeeping is already closing. On PostgreSQL, one call (``carnet_journal_append_one``
    or ``carnet_journal_append``, migrations 0007-0008; a psycopg cursor binding on the server, so no
    literal is quoted here) locks, links, hashes and inserts; elsewhere the links and hashes are made here.
    """
    started = time.perf_counter()
    if conn.vendor == "postgresql":
        conn.ensure_connection()
        with psycopg.Cursor(conn.connection) as cursor:  # server-side binding: no literal quoting
            _append_in_database(cursor, entries)
    else:
        with conn.cursor() as cursor:
            _append_here(conn, cursor, entries)
    for entry in entries:
        entry._state.adding, entry._state.db = False, conn.alias
    metrics.journal_written(entries, time.perf_counter() - started)


# The SQL type of each column the database functions take, in ``TAIL_FIELDS`` order.
_KINDS = {"at": "timestamptz", "allowed": "boolean"} | dict.fromkeys(
    ("actor_user_id", "actor_professional_id", "on_behalf_of_patient_id", "patient_id"), "bigint"
)
_APPEND = "SELECT * FROM carnet_journal_append(%s::smallint[], %s::bytea[], {})".format(  # noqa: S608
    ", ".join(f"%s::{_KINDS.get(name, 'text')}[]" for name in TAIL_FIELDS)
)
_APPEND_ONE = "SELECT * FROM carnet_journal_append_one(%s::smallint, %s::bytea, {})".format(  # noqa: S608
    ", ".join(f"%s::{_KINDS.get(name, 'text')}" for name in TAIL_FIELDS)
)


def _append_in_database(cursor, entries: list[Entry]) -> None:
    """PostgreSQL: one round trip; the database returns each entry's place, links and hash. One entry (a
    read outside a transaction, the common case) goes as scalars (migration 0008), several as arrays."""
    if len(entries) == 1:
        entry = entries[0]
        args = [entry.chain, canonical_tail(entry.payload()), *(getattr(entry, n) for n in TAIL_FIELDS)]
        cursor.execute(_APPEND_ONE, args)
    else:
        arrays: list[list] = [
            [entry.chain for entry in entries],
            [canonical_tail(entry.payload()) for entry in entries],
        ]
        arrays += [[getattr(entry, name) for entry in entries] for name in TAIL_FIELDS]
        cursor.execute(_APPEND, arrays)
    for entry, (seq, chain_seq, prev_seq, prev_hash, digest) in zip(entries, cursor.fetchall(), strict=True):
        entry.seq, entry.chain_seq, entry.prev_seq, entry.prev_hash, entry.hash = (
            seq,
            chain_seq,
            prev_seq,
            prev_hash,
            digest,
        )


def _append_here(conn, cursor, entries: list[Entry]) -> None:
    """SQLite (which serialises writers anyway): heads read, links and hashes made here, rows inserted."""
    quote = conn.ops.quote_name
    fields = [Entry._meta.get_field(name) for name in _COLUMNS]
    chains = sorted({entry.chain for entry in entries})
    heads, seqs = _sqlite_claim(cursor, chains, len(entries))
    rows = []
    for entry, seq in zip(entries, seqs, strict=True):
        chain_seq, prev_seq, prev_hash = heads[entry.chain]
        entry.seq, entry.chain_seq, entry.prev_seq, entry.prev_hash = (
            seq,
            chain_seq + 1,
            prev_seq,
            prev_hash,
        )
        entry.hash = entry.compute_hash()
        heads[entry.chain] = (entry.chain_seq, seq, entry.hash)
        rows.append([field.get_db_prep_save(getattr(entry, field.attname), conn) for field in fields])
    columns = ", ".join(quote(name) for name in _COLUMNS)
    marks = ", ".join(["%s"] * len(_COLUMNS))
    cursor.executemany(f"INSERT INTO journal_entry ({columns}) VALUES ({marks})", rows)  # noqa: S608


def _sqlite_claim(cursor, chains: list[int], count: int) -> tuple[dict, list[int]]:
    """SQLite: the transaction already holds the database's write lock (transaction_mode IMMEDIATE)."""
    heads = {}
    for chain in chains:
        cursor.execute(
            'SELECT chain_seq, seq, "hash" FROM journal_entry WHERE chain = %s ORDER BY seq DESC LIMIT 1',
            [chain],
        )
        head = cursor.fetchone()
        heads[chain] = (head[0], head[1], head[2]) if head else (0, 0, GENESIS)
    cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM journal_entry")
    last = cursor.fetchone()[0]
    return heads, list(range(last + 1, last + 1 + count))


_PG_HEADS = """
WITH RECURSIVE chains AS (
    (SELECT chain FROM journal_entry ORDER BY chain LIMIT 1)
    UNION ALL
    SELECT (SELECT e.chain FROM journal_entry e WHERE e.chain > chains.chain ORDER BY e.chain LIMIT 1)
    FROM chains WHERE chains.chain IS NOT NULL
)
SELECT head.chain, COALESCE(head.chain_seq, head.seq), head.seq, head."hash" FROM chains CROSS JOIN LATERAL (
    SELECT chain, chain_seq, seq, "hash" FROM journal_entry e WHERE e.chain = chains.chain
    ORDER BY seq DESC LIMIT 1
) head WHERE chains.chain IS NOT NULL ORDER BY head.chain
"""
_HEADS = """
SELECT e.chain, COALESCE(e.chain_seq, e.seq), e.seq, e."hash" FROM journal_entry e
JOIN (SELECT chain, MAX(seq) AS top FROM journal_entry GROUP BY chain) h ON e.seq = h.top ORDER BY e.chain
"""


def heads(conn=None) -> list[tuple[int, int, int, str]]:
    """(chain, chain_seq, seq, hash) of every chain's newest entry, by chain, read in one statement
    (PostgreSQL walks the chain index once per chain instead of scanning the table)."""
    conn = conn or connection
    with conn.cursor() as cursor:
        cursor.execute(_PG_HEADS if conn.vendor == "postgresql" else _HEADS)
        return [tuple(row) for row in cursor.fetchall()]
