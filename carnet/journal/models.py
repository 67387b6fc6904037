"""The journal: append-only, hash-chained entries. Code cannot edit or delete them."""

import datetime
import hashlib
import json

from django.db import models
from django.utils import timezone

GENESIS = "0" * 64


class JournalIsAppendOnly(Exception):
    pass


class Entry(models.Model):
    """One access or change: who, for whom, what, on which resource, how, and the decision."""

    seq = models.BigIntegerField(unique=True)
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
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["patient_id", "seq"], name="journal_patient_seq")]
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
        return {name: getattr(self, name) for name in PAYLOAD_FIELDS} | {"at": at_text(self.at)}

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
    return "\t".join([_field(payload[name]) for name in PAYLOAD_FIELDS]).encode()


def chain_hash(prev_hash: str, canonical: bytes) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical).hexdigest()


class Checkpoint(models.Model):
    """A signed statement "the journal had ``count`` entries and this head hash at this time"."""

    head_seq = models.BigIntegerField()
    head_hash = models.CharField(max_length=64)
    count = models.BigIntegerField()
    at = models.DateTimeField(default=timezone.now)
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["-head_seq"]

    def __str__(self) -> str:
        return f"checkpoint at #{self.head_seq}"

    def statement(self) -> bytes:
        """The signed bytes: a fixed, documented encoding anyone can rebuild offline."""
        return statement_bytes(self.count, self.head_seq, self.head_hash, self.at)


def statement_bytes(count: int, head_seq: int, head_hash: str, at) -> bytes:
    when = at if isinstance(at, str) else at_text(at)
    return f"carnet-journal-checkpoint/v1\n{count}\n{head_seq}\n{head_hash}\n{when}".encode()
