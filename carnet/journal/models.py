"""The journal: append-only entries in independent hash chains. Code cannot edit or delete them.

Each entry belongs to one chain (``chain``, chosen by the patient: ``carnet.journal.chain.chain_for``) and
links to the previous entry of that chain (``prev_seq``, ``prev_hash``) at its position ``chain_seq``.
Checkpoints sign every chain's head at once, as the root of a Merkle tree over the heads
(``carnet.journal.merkle``). Chain 0 (``LEGACY``) is the single national chain of the journal before it was
split: its entries keep their encoding (v2) and links, and no new entry joins it.
"""

import datetime
import hashlib
import json

from django.db import models
from django.utils import timezone

GENESIS = "0" * 64
LEGACY = 0


class JournalIsAppendOnly(Exception):
    pass


class Entry(models.Model):
    """One access or change: who, for whom, what, on which resource, how, and the decision."""

    seq = models.BigIntegerField(unique=True)
    chain = models.SmallIntegerField(default=LEGACY)
    # Position in its chain, and the previous entry's seq (0 for a chain's first); NULL in chain 0.
    chain_seq = models.BigIntegerField(null=True, blank=True)
    prev_seq = models.BigIntegerField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    actor_role = models.CharField(max_length=20)
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    actor_professional_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    on_behalf_of_patient_id = models.BigIntegerField(null=True, blank=True)
    on_behalf_of_label = models.CharField(max_length=200, blank=True)
    patient_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=64)
    resource_type = models.CharField(max_length=40, blank=True)
    resource_id = models.CharField(max_length=80, blank=True)
    channel = models.CharField(max_length=12)
    allowed = models.BooleanField()
    rule = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    # Codes and identifiers only (never clinical content), as canonical JSON text: see ``detail_text``.
    detail = models.TextField(default="{}", blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["patient_id", "seq"], name="journal_patient_seq"),
            models.Index(fields=["chain", "seq"], name="journal_chain_seq"),
        ]
        verbose_name_plural = "entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {'allowed' if self.allowed else 'refused'}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise JournalIsAppendOnly("journal entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalIsAppendOnly("journal entries cannot be deleted")

    def canonical(self) -> bytes:
        """The bytes the hash commits to: every field but the hashes, in a fixed order and form."""
        return canonical_bytes(self.payload())

    def payload(self) -> dict:
        names = PAYLOAD_FIELDS if self.chain == LEGACY else CHAINED_FIELDS
        return {name: getattr(self, name) for name in names} | {"at": at_text(self.at)}

    def compute_hash(self) -> str:
        return chain_hash(self.prev_hash, self.canonical())


PAYLOAD_FIELDS = (
    "seq",
    "at",
    "actor_role",
    "actor_user_id",
    "actor_professional_id",
    "actor_label",
    "on_behalf_of_patient_id",
    "on_behalf_of_label",
    "patient_id",
    "action",
    "resource_type",
    "resource_id",
    "channel",
    "allowed",
    "rule",
    "reason",
    "detail",
)
# Encoding v3 (entries of chains 1 and up): the chain's three link fields first, then v2's fields.
LINK_FIELDS = ("chain", "chain_seq", "prev_seq")
CHAINED_FIELDS = (*LINK_FIELDS, *PAYLOAD_FIELDS)
# v3's fields after the links and seq (``at`` onwards): the part of an entry known before its chain's lock.
TAIL_FIELDS = CHAINED_FIELDS[len(LINK_FIELDS) + 1 :]


# The canonical encoding (carnet-journal-entry/v2) is one line of PostgreSQL's COPY text format: the
# fields of PAYLOAD_FIELDS in that order, separated by tabs; NULL as \N; booleans t/f; integers in
# decimal; ``at`` in UTC as YYYY-MM-DDTHH:MM:SS.ffffff+00:00; ``detail`` as compact JSON with sorted keys;
# in text, backslash and the control characters \b \f \n \r \t \v written as backslash escapes.
# Being COPY's own output, the database can stream it for verification without any per-field work.
_ESCAPES = str.maketrans(
    {"\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}
)


def at_text(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def detail_text(detail: dict | None) -> str:
    """The stored (and hashed) form of an entry's detail."""
    return json.dumps(detail or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _field(value) -> str:
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    return str(value).translate(_ESCAPES)


def canonical_bytes(payload: dict) -> bytes:
    """v3 when the payload names a chain other than 0 (``CHAINED_FIELDS``), else v2 (``PAYLOAD_FIELDS``)."""
    if payload.get("chain", LEGACY) == LEGACY:
        return "\t".join([_field(payload[name]) for name in PAYLOAD_FIELDS]).encode()
    links = "\t".join([_field(payload[name]) for name in (*LINK_FIELDS, "seq")])
    return links.encode() + b"\t" + canonical_tail(payload)


def canonical_tail(payload: dict) -> bytes:
    """v3's bytes after its link fields and seq (``at`` onwards): what the database's append function
    (journal migration 0007) completes with the links it takes under the chain's lock."""
    return "\t".join([_field(payload[name]) for name in TAIL_FIELDS]).encode()


def chain_hash(prev_hash: str, canonical: bytes) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical).hexdigest()


class Checkpoint(models.Model):
    """A signed statement "the journal had ``count`` entries and these chain heads at this time".

    v2 (``root`` set): the Merkle root over the heads of every chain (``heads``: one line per chain,
    ``chain TAB chain_seq TAB seq TAB hash``, by chain). v1 (before the split, ``root`` empty): the head of
    the single chain, ``head_seq`` and ``head_hash``.
    """

    head_seq = models.BigIntegerField()
    head_hash = models.CharField(max_length=64)
    count = models.BigIntegerField()
    at = models.DateTimeField(default=timezone.now)
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=128)
    root = models.CharField(max_length=64, blank=True)
    heads = models.TextField(blank=True)

    class Meta:
        ordering = ["-head_seq"]

    def __str__(self) -> str:
        return f"checkpoint at #{self.head_seq}"

    def statement(self) -> bytes:
        """The signed bytes: a fixed, documented encoding anyone can rebuild offline."""
        if self.root:
            return statement_v2(self.count, self.head_seq, self.root, self.at)
        return statement_bytes(self.count, self.head_seq, self.head_hash, self.at)

    def head_list(self) -> list[list]:
        """[[chain, chain_seq, seq, hash], ...] by chain (v1: the single chain's head as chain 0)."""
        if not self.root:
            return [[LEGACY, self.head_seq, self.head_seq, self.head_hash]]
        rows = [line.split("\t") for line in self.heads.splitlines()]
        return [[int(c), int(n), int(s), h] for c, n, s, h in rows]


def statement_bytes(count: int, head_seq: int, head_hash: str, at) -> bytes:
    when = at if isinstance(at, str) else at_text(at)
    return f"carnet-journal-checkpoint/v1\n{count}\n{head_seq}\n{head_hash}\n{when}".encode()


def statement_v2(count: int, head_seq: int, root: str, at) -> bytes:
    when = at if isinstance(at, str) else at_text(at)
    return f"carnet-journal-checkpoint/v2\n{count}\n{head_seq}\n{root}\n{when}".encode()


def head_leaf(chain: int, chain_seq: int, seq: int, digest: str) -> bytes:
    """A chain head as a leaf of the checkpoint's Merkle tree (and a line of ``Checkpoint.heads``)."""
    return f"{chain}\t{chain_seq}\t{seq}\t{digest}".encode()
