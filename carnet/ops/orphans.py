"""Blobs and rows that lost each other: a blob written before its deposit's transaction, whose process was
killed before the commit (orphan blob), or a row whose blob is missing from the store (orphan row).

A deposit writes the encrypted blob, then commits its rows: a ``kill -9`` between the two leaves a blob no
row names. Nothing reads such a blob; ``sweep`` removes those older than a grace period (a deposit still in
flight is younger). Rows without their blob are never removed: they are reported, for the operators to
restore the blob from a backup.
"""

import datetime

from django.utils import timezone

from carnet.messaging.models import Attachment
from carnet.records.models import Document
from carnet.vault.store import blob_store


def referenced() -> set[str]:
    refs = set(Document.objects.values_list("blob_ref", flat=True))
    refs |= set(Attachment.objects.values_list("blob_ref", flat=True))
    return {ref for ref in refs if ref and not ref.startswith("raw:")}  # raw: the benchmark's rows


def survey(grace: datetime.timedelta = datetime.timedelta(hours=1)) -> dict:
    """What the store and the tables hold, and what each lacks."""
    names = referenced()
    cutoff = timezone.now() - grace
    stored, orphans, young = set(), [], 0
    for ref, modified in blob_store().listing():
        stored.add(ref)
        if ref not in names:
            if modified <= cutoff:
                orphans.append(ref)
            else:
                young += 1
    missing = sorted(names - stored)
    return {
        "stored_blobs": len(stored),
        "referenced_blobs": len(names),
        "orphan_blobs": orphans,
        "unreferenced_within_grace": young,
        "rows_without_blob": missing,
    }


def sweep(grace: datetime.timedelta = datetime.timedelta(hours=1), dry_run: bool = False) -> dict:
    """Remove the blobs no row names that are older than ``grace``; report rows without their blob."""
    found = survey(grace)
    removed = 0
    if not dry_run:
        store, named_now = blob_store(), referenced()  # a deposit committed since the survey keeps its blob
        for ref in found["orphan_blobs"]:
            if ref not in named_now:
                store.delete(ref)
                removed += 1
    return found | {"removed": removed}
