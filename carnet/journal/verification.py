"""Recompute every chain and check the signed checkpoints; name the first entry that was tampered with.

Each chain is walked in order: every entry must hash to its stored hash (``modified``), link to the entry
before it in its chain by seq, position and hash (``deleted``, ``inserted or reordered``). A chain stops at
its first bad entry; the journal's first bad entry is the lowest seq among the chains' and the checkpoints'
findings. Deleting a chain's newest entries is only visible against a signed checkpoint (every chain's head
is in each one), as deleting the newest entries of the single chain was.

The canonical encoding of an entry is one line of PostgreSQL's COPY text format (``models.canonical_bytes``),
so on PostgreSQL the rows are streamed with ``COPY ... TO STDOUT`` and each line is hashed as it comes.
Fields are cut at real tabs: COPY writes a tab, a newline or a backslash held in a text field as an escape,
so a tampered hash field is compared as text (and named), never misread. Elsewhere (SQLite) rows are read as
tuples and encoded in Python. Either way the hashes are recomputed here, by this process: a database that
lies cannot make a modified entry pass, since the chains must still reach the signed checkpoints.
"""

import hashlib
import time
from dataclasses import dataclass, field

from django.db import connection

from carnet.journal import merkle, signing
from carnet.journal.models import (
    GENESIS,
    LEGACY,
    LINK_FIELDS,
    PAYLOAD_FIELDS,
    Checkpoint,
    Entry,
    at_text,
    canonical_bytes,
    head_leaf,
    statement_bytes,
    statement_v2,
)

FIELDS = [*LINK_FIELDS, *PAYLOAD_FIELDS, "prev_hash", "hash"]


@dataclass
class Result:
    ok: bool
    checked: int
    seconds: float
    first_bad_seq: int | None = None
    problem: str = ""
    chains: int = 0

    @property
    def rate(self) -> float:
        return self.checked / self.seconds if self.seconds else float("inf")


@dataclass
class Walk:
    """What the walk found: entries verified, each chain's last good entry, the problems, wanted heads."""

    checked: int = 0
    ends: dict = field(default_factory=dict)  # chain -> (chain_seq, seq) of its last good entry
    problems: list = field(default_factory=list)  # (seq, text)
    found: dict = field(default_factory=dict)  # seq -> (chain, chain_seq, hash), for the checkpoints' heads
    broken: set = field(default_factory=set)  # chains with a bad entry (already reported)


CHUNK = 20000
_PG_AT = 'to_char("at" AT TIME ZONE \'UTC\', \'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"\')'
_NULL = b"\\N"


def _postgres_lines():
    """Batches of COPY lines ``prev_hash TAB hash TAB chain TAB chain_seq TAB prev_seq TAB v2 fields``."""
    columns = ", ".join(_PG_AT if name == "at" else f'"{name}"' for name in [*LINK_FIELDS, *PAYLOAD_FIELDS])
    sql = f'COPY (SELECT prev_hash, "hash", {columns} FROM journal_entry ORDER BY chain, seq) TO STDOUT'  # noqa: S608
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
    """(chain, chain_seq, prev_seq, seq, prev_hash, hash, canonical) per entry, cut out of COPY lines."""
    for lines in _postgres_lines():
        for line in lines:
            prev, digest, chain_text, chain_seq, prev_seq, seq, _rest = line.split(b"\t", 6)
            chain, seq, start = int(chain_text), int(seq), len(prev) + len(digest) + 2
            if chain == LEGACY:  # v2: the link fields are not hashed; position and link are seq's
                canonical = line[start + len(chain_text) + len(chain_seq) + len(prev_seq) + 3 :]
                links = (seq, seq - 1)
            else:
                canonical = line[start:]
                links = (_int(chain_seq), _int(prev_seq))
            yield chain, *links, seq, _text(prev), _text(digest), canonical


def _int(value: bytes) -> int | None:
    return None if value == _NULL else int(value)


def _text(value: bytes) -> str:
    return value.decode(errors="replace")


def _orm_rows():
    rows = Entry.objects.order_by("chain", "seq").values_list(*FIELDS)
    for row in rows.iterator(chunk_size=CHUNK):
        payload = dict(zip(FIELDS, row, strict=True))
        payload["at"] = at_text(payload["at"])
        chain, seq = payload["chain"], payload["seq"]
        links = (seq, seq - 1) if chain == LEGACY else (payload["chain_seq"], payload["prev_seq"])
        yield chain, *links, seq, row[-2], row[-1], canonical_bytes(payload)


def _walk(rows, wanted=frozenset()) -> Walk:
    """Check rows in (chain, seq) order: each hash right, each entry linked to the one before in its chain."""
    sha256, walk = hashlib.sha256, Walk()
    current, broken, last_seq, last_hash, last_n = None, False, 0, GENESIS, 0
    for chain, chain_seq, prev_seq, seq, stored_prev, stored_hash, canonical in rows:
        if chain != current:
            current, broken, last_seq, last_hash, last_n = chain, False, 0, GENESIS, 0
        if broken:
            continue
        problem = None
        if sha256(stored_prev.encode() + canonical).hexdigest() != stored_hash:
            problem = (seq, f"entry #{seq}: modified")
        elif prev_seq is None or chain_seq is None or prev_seq < last_seq or chain_seq <= last_n:
            problem = (seq, f"entry #{seq}: inserted or reordered (chain {chain}, after #{last_seq})")
        elif prev_seq > last_seq or chain_seq > last_n + 1:
            first = prev_seq if chain_seq == last_n + 2 and prev_seq > last_seq else last_seq + 1
            problem = (first, f"entry #{first}: deleted (chain {chain}: #{seq} follows #{prev_seq})")
        elif stored_prev != last_hash:
            problem = (
                seq,
                f"entry #{seq}: does not follow entry #{last_seq} (inserted, deleted or reordered)",
            )
        if problem:
            walk.problems.append(problem)
            walk.broken.add(chain)
            broken = True
            continue
        last_seq, last_hash, last_n = seq, stored_hash, chain_seq
        walk.checked += 1
        walk.ends[chain] = (chain_seq, seq)
        if seq in wanted:
            walk.found[seq] = (chain, chain_seq, stored_hash)
    return walk


def verify_chain(*, checkpoint: dict | None = None, public_pem: str | None = None) -> Result:
    """Walk every chain; check every checkpoint; report the lowest-numbered bad entry."""
    started = time.perf_counter()
    public = signing.load_public(public_pem) if public_pem else signing.private_key().public_key()
    checkpoints = ([checkpoint] if checkpoint else []) + [
        checkpoint_dict(c) for c in Checkpoint.objects.order_by("head_seq")
    ]
    signed = [_signed_heads(cp, public) for cp in checkpoints]
    wanted = {head[2] for heads in signed if isinstance(heads, list) for head in heads}
    rows = _postgres_rows() if connection.vendor == "postgresql" else _orm_rows()
    walk = _walk(rows, wanted)
    for cp, heads in zip(checkpoints, signed, strict=True):
        if isinstance(heads, tuple):
            walk.problems.append(heads)
        else:
            walk.problems += _against(walk, cp, heads)
    seconds = time.perf_counter() - started
    if walk.problems:
        seq, problem = min(walk.problems)
        return Result(False, walk.checked, seconds, seq, problem, len(walk.ends))
    return Result(True, walk.checked, seconds, chains=len(walk.ends))


def _signed_heads(cp: dict, public) -> list | tuple:
    """The checkpoint's heads if its signature (and, v2, its root over the heads) holds; else a problem."""
    if cp.get("root"):
        heads = cp["heads"]
        statement = statement_v2(cp["count"], cp["head_seq"], cp["root"], cp["at"])
        if merkle.root([head_leaf(*head) for head in heads]) != cp["root"]:
            return cp["head_seq"], f"checkpoint at #{cp['head_seq']}: its heads do not give its root"
    else:
        heads = [[LEGACY, cp["head_seq"], cp["head_seq"], cp["head_hash"]]]
        statement = statement_bytes(cp["count"], cp["head_seq"], cp["head_hash"], cp["at"])
    if not signing.verify(public, statement, cp["signature"]):
        return cp["head_seq"], f"checkpoint at #{cp['head_seq']}: bad signature"
    return heads


def _against(walk: Walk, cp: dict, heads: list) -> list:
    """Each signed head must be an entry the walk verified, in its chain at its position; a chain that stops
    short of its signed head lost its newest entries."""
    problems, deleted = [], []
    for chain, chain_seq, seq, digest in heads:
        if walk.found.get(seq) == (chain, chain_seq, digest) or chain in walk.broken:
            continue
        end_n, end_seq = walk.ends.get(chain, (0, 0))
        if end_n < chain_seq and seq not in walk.found:
            deleted.append((seq if chain_seq == end_n + 1 else end_seq + 1, seq))
        else:
            problems.append((seq, f"entry #{seq}: differs from the signed checkpoint"))
    if deleted:
        low, high = min(lo for lo, _ in deleted), max(hi for _, hi in deleted)
        problems.append(
            (
                low,
                f"entries #{low} to #{high} were deleted "
                f"(checkpoint at #{cp['head_seq']} counts {cp['count']})",
            )
        )
    return problems


def checkpoint_dict(checkpoint: Checkpoint) -> dict:
    data: dict[str, object] = {
        "format": "carnet-journal-checkpoint/v2" if checkpoint.root else "carnet-journal-checkpoint/v1",
        "count": checkpoint.count,
        "head_seq": checkpoint.head_seq,
        "head_hash": checkpoint.head_hash,
        "at": at_text(checkpoint.at),
        "key_id": checkpoint.key_id,
        "signature": checkpoint.signature,
    }
    if checkpoint.root:
        data |= {"root": checkpoint.root, "heads": checkpoint.head_list()}
    return data
