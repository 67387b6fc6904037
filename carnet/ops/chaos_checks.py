"""After the faults: every acknowledged deposit present, readable and journaled; no orphan blob or row; the
journal verifies; no task left behind."""

import datetime
import io
from collections import Counter

from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from carnet.access.permissions import Permission as P
from carnet.journal.models import Entry
from carnet.records.models import Document
from carnet.vault import queries as vault
from carnet.vault import sweep
from carnet.vault.actions import sweep_orphan_blobs
from carnet.vault.store import blob_store


def deposits(tally, extra_readers: dict | None = None) -> dict:
    """``extra_readers``: document id -> a function reading its blob elsewhere (the full-disk phase's
    file store), for the few documents not in the shape's S3 bucket."""
    acknowledged = tally.acknowledged()
    by_uid = {
        uid: (str(pk), patient_id, ref, sha)
        for uid, pk, patient_id, ref, sha in Document.objects.filter(
            unique_id__in=[f"urn:uuid:{d.uid}" for d in tally.deposits]
        ).values_list("unique_id", "pk", "patient_id", "blob_ref", "sha256")
        for uid in [uid.removeprefix("urn:uuid:")]
    }
    lost, unreadable, wrong_id = [], [], []
    for deposit in acknowledged:
        found = by_uid.get(deposit.uid)
        if found is None:
            lost.append(deposit.uid)
            continue
        pk, patient_id, ref, sha = found
        if deposit.document_id and deposit.document_id != pk:
            wrong_id.append(deposit.uid)
        try:
            reader = (extra_readers or {}).get(pk)
            reader(ref, sha) if reader else vault.get(patient_id, ref, expected_sha256=sha)
        except Exception:  # noqa: BLE001 - any failure to read back is what is counted
            unreadable.append(deposit.uid)
    unanswered_present = sum(
        1 for d in tally.deposits if not 200 <= d.status < 300 and d.uid in by_uid
    )  # recorded, but the client got no 2xx (cut mid-answer): present once, never twice
    return {
        "attempted": len(tally.deposits),
        "acknowledged": len(acknowledged),
        "lost": len(lost),
        "unreadable": len(unreadable),
        "id_mismatch": len(wrong_id),
        "recorded_without_2xx": unanswered_present,
        "journal": journaled(by_uid),
    }


def journaled(by_uid: dict) -> dict:
    """A deposit's journal entry names the patient (the decision to add to the record): per patient, at
    least one allowed deposit decision of the record per document; and the document's indexing entry."""
    documents = Counter(patient_id for _pk, patient_id, _ref, _sha in by_uid.values())
    decisions = dict(
        Entry.objects.filter(action=P.RECORD_DOCUMENT_DEPOSIT, allowed=True, patient_id__in=list(documents))
        .exclude(detail__contains="ITI-65")
        .values_list("patient_id")
        .annotate(n=Count("pk"))
    )
    short = {pk: n for pk, n in documents.items() if decisions.get(pk, 0) < n}
    indexed = set(
        Entry.objects.filter(
            action=P.RECORD_DOCUMENT_INDEX, resource_id__in=[pk for pk, *_ in by_uid.values()]
        ).values_list("resource_id", flat=True)
    )
    return {
        "patients_with_fewer_decisions_than_documents": len(short),
        "documents_without_index_entry": len(by_uid) - len(indexed),
    }


def storage(extra_refs: set | None = None) -> dict:
    """Orphans before and after the vault's sweep (no deposit in flight: the grace period is skipped by
    sweeping as if later), and rows whose blob is not in the store."""
    later = timezone.now() + datetime.timedelta(hours=settings.CARNET_BLOB_SWEEP_GRACE_HOURS, minutes=1)
    store = blob_store()
    stored = {ref for ref, _written in store.listing()}
    named = set(sweep.referenced_refs())
    missing = named - stored - (extra_refs or set())
    swept = sweep_orphan_blobs(now=later, force=True)
    after = sweep.survey(store, later)
    return {
        "stored_blobs": len(stored),
        "orphan_blobs_found": swept["orphans"],
        "orphan_blobs_swept": swept["removed"],
        "orphan_blobs_after_sweep": len(after.orphans),
        "rows_without_blob": len(missing),
    }


def journal() -> dict:
    out = io.StringIO()
    try:
        call_command("journal", "verify", stdout=out)
        return {"verifies": True, "report": out.getvalue().strip()}
    except CommandError as error:
        return {"verifies": False, "report": str(error)}


def tasks() -> dict:
    counts = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("pk")))
    return {str(k): v for k, v in counts.items()}
