"""Recompute the chain and check checkpoints; name the first entry that was tampered with.

The canonical encoding of an entry is one line of PostgreSQL's COPY text format (``models.canonical_bytes``),
so on PostgreSQL the rows are streamed with ``COPY ... TO STDOUT`` and each line is hashed as it comes:
no per-field decoding in Python. Elsewhere (SQLite) rows are read as tuples and encoded in Python. Either
way the hashes are recomputed here, by this process: a database that lies cannot make a modified entry
pass, since the chain must still reach the signed checkpoints.
"""

import hashlib
import time
from dataclasses import dataclass

from django.db import connection

from carnet.journal import signing
from carnet.journal.models import (
    GENESIS,
    PAYLOAD_FIELDS,
    Checkpoint,
    Entry,
    at_text,
    canonical_bytes,
    statement_bytes,
)

FIELDS = [*PAYLOAD_FIELDS, "prev_hash", "hash"]


@dataclass
class Result:
    ok: bool
    checked: int
    seconds: float
    first_bad_seq: int | None = None
    problem: str = ""

    @property
    def rate(self) -> float:
        return self.checked / self.seconds if self.seconds else float("inf")


CHUNK = 20000
_PG_AT = 'to_char("at" AT TIME ZONE \'UTC\', \'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"\')'


def _postgres_lines():
    """Batches of COPY lines ``prev_hash TAB hash TAB canonical`` in seq order."""
    columns = ", ".join(_PG_AT if name == "at" else f'"{name}"' for name in PAYLOAD_FIELDS)
    sql = f'COPY (SELECT prev_hash, "hash", {columns} FROM journal_entry ORDER BY seq) TO STDOUT'  # noqa: S608
    with connection.cursor() as cursor:
        rest = b""
        with cursor.cursor.copy(sql) as copy:
            for block in copy:
                lines = (rest + bytes(block)).split(b"\n")
                rest = lines.pop()
                yield lines
        if rest:
            yield [rest]


def _postgres_rows():
    """(seq, prev_hash, hash, canonical bytes) per entry, cut out of the COPY stream's lines."""
    for lines in _postgres_lines():
        for line in lines:
            canonical = line[130:]
            yield (
                int(canonical[: canonical.index(b"\t")]),
                line[:64].decode(),
                line[65:129].decode(),
                canonical,
            )


def _orm_rows():
    for row in Entry.objects.order_by("seq").values_list(*FIELDS).iterator(chunk_size=CHUNK):
        payload = dict(zip(PAYLOAD_FIELDS, row[: len(PAYLOAD_FIELDS)], strict=True))
        payload["at"] = at_text(payload["at"])
        yield row[0], row[-2], row[-1], canonical_bytes(payload)


def _fail(started, count, seq, problem) -> Result:
    return Result(False, count, time.perf_counter() - started, seq, problem)


def _walk(rows, started) -> tuple[Result | None, int, str]:
    """Check (seq, prev_hash, hash, canonical bytes) rows in order: contiguous, chained, each hash right."""
    sha256, prev_hash, expected_seq, count = hashlib.sha256, GENESIS, 1, 0
    for seq, stored_prev, stored_hash, canonical in rows:
        if seq != expected_seq:
            kind = "deleted" if seq > expected_seq else "inserted or reordered"
            problem = f"entry #{expected_seq}: {kind} (found #{seq} where #{expected_seq} was expected)"
            return _fail(started, count, expected_seq, problem), count, ""
        if stored_prev != prev_hash:
            problem = f"entry #{seq}: does not follow entry #{seq - 1} (inserted, deleted or reordered)"
            return _fail(started, count, seq, problem), count, ""
        if sha256(prev_hash.encode() + canonical).hexdigest() != stored_hash:
            return _fail(started, count, seq, f"entry #{seq}: modified"), count, ""
        prev_hash, expected_seq, count = stored_hash, seq + 1, count + 1
    return None, count, prev_hash


def verify_chain(*, checkpoint: dict | None = None, public_pem: str | None = None) -> Result:
    """Walk every entry in seq order; stop at the first one that does not fit the chain."""
    started = time.perf_counter()
    rows = _postgres_rows() if connection.vendor == "postgresql" else _orm_rows()
    failed, count, head_hash = _walk(rows, started)
    if failed is not None:
        return failed
    problem = _check_checkpoints(count, head_hash, checkpoint, public_pem)
    seconds = time.perf_counter() - started
    if problem:
        return Result(False, count, seconds, problem[0], problem[1])
    return Result(True, count, seconds)


def _check_checkpoints(count: int, head_hash: str, exported: dict | None, public_pem: str | None):
    """Each checkpoint must be signed and must match the chain at its head (catches deleted tails)."""
    public = signing.load_public(public_pem) if public_pem else signing.private_key().public_key()
    checkpoints = [exported] if exported else []
    checkpoints += [checkpoint_dict(c) for c in Checkpoint.objects.order_by("head_seq")]
    for cp in checkpoints:
        data = statement_bytes(cp["count"], cp["head_seq"], cp["head_hash"], cp["at"])
        if not signing.verify(public, data, cp["signature"]):
            return cp["head_seq"], f"checkpoint at #{cp['head_seq']}: bad signature"
        if cp["head_seq"] > count:
            return count + 1, (
                f"entries #{count + 1} to #{cp['head_seq']} were deleted "
                f"(checkpoint at #{cp['head_seq']} counts {cp['count']})"
            )
        at_head = Entry.objects.filter(seq=cp["head_seq"]).values_list("hash", flat=True).first()
        if at_head != cp["head_hash"]:
            return cp["head_seq"], f"entry #{cp['head_seq']}: differs from the signed checkpoint"
    return None


def checkpoint_dict(checkpoint: Checkpoint) -> dict:
    return {
        "format": "carnet-journal-checkpoint/v1",
        "count": checkpoint.count,
        "head_seq": checkpoint.head_seq,
        "head_hash": checkpoint.head_hash,
        "at": at_text(checkpoint.at),
        "key_id": checkpoint.key_id,
        "signature": checkpoint.signature,
    }
