"""Which blobs no row names: the store's listing and the referencing columns, both in reference order.

A deposit writes its blob before the transaction that creates its row; a crash (or a caller's rollback)
between the two leaves a blob nobody references. Such a blob is an orphan once it is older than the grace
period: a younger one may belong to a transaction still running. Every model with a ``blob_ref`` column
references blobs (documents, messaging attachments, any later one by the same name).

The store and the database are walked side by side in byte order (a merge): memory stays small whatever
the number of blobs, and each column is read once, sorted by the database.
"""

import datetime
import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate

REFERENCE_COLUMN = "blob_ref"


@dataclass
class Survey:
    """What one walk found: the orphans old enough to go, and counts of the rest."""

    orphans: list[str] = field(default_factory=list)
    referenced: int = 0
    young: int = 0
    leftovers: list = field(default_factory=list)  # half-written files a crash left (file store)


def referencing_models() -> list:
    return [
        model
        for model in apps.get_models()
        if any(column.name == REFERENCE_COLUMN for column in model._meta.concrete_fields)
    ]


def _byte_order():
    """Order by the column's bytes (not the database's language collation), as the store lists them."""
    if connection.vendor == "postgresql":
        return Collate(F(REFERENCE_COLUMN), "C")
    return F(REFERENCE_COLUMN)  # SQLite compares text bytewise (BINARY)


def referenced_refs() -> Iterator[str]:
    """Every blob reference the database holds, in byte order (duplicates possible)."""
    columns = [
        model._base_manager.exclude(**{REFERENCE_COLUMN: ""})
        .order_by(_byte_order())
        .values_list(REFERENCE_COLUMN, flat=True)
        .iterator(chunk_size=2000)
        for model in referencing_models()
    ]
    return heapq.merge(*columns)


def survey(store, cutoff: datetime.datetime) -> Survey:
    """Walk the store beside the referencing rows; a blob written after ``cutoff`` is never an orphan."""
    found = Survey()
    rows = referenced_refs()
    row = next(rows, None)
    for ref, written_at in store.listing():
        while row is not None and row < ref:
            row = next(rows, None)
        if row == ref:
            found.referenced += 1
        elif written_at >= cutoff:
            found.young += 1
        else:
            found.orphans.append(ref)
    found.leftovers = [path for path, written_at in store.leftovers() if written_at < cutoff]
    return found
