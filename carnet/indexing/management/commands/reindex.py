"""carnet reindex: run the current pipeline over the documents not yet indexed by it, in batches.

Resumable: a document's rows and its version are written together, so a run stopped anywhere starts
again where it stopped. ``--queue`` hands the documents to the indexing worker instead."""

from django.core.management.base import BaseCommand
from django.db.models import Exists, OuterRef
from tqdm import tqdm

from carnet.access.actor import SYSTEM
from carnet.identity.models import Patient
from carnet.indexing import actions, pipeline
from carnet.indexing.models import IndexedDocument
from carnet.indexing.tasks import index_mentions
from carnet.records.models import Document

MIME_TYPES = ("application/pdf", "text/plain", "application/xml")


def due(version: str):
    """Current documents of living records that this version has not read, in a stable order."""
    done = IndexedDocument.objects.filter(document=OuterRef("pk"), pipeline_version=version)
    return (
        Document.objects.filter(status=Document.Status.CURRENT, mime_type__in=MIME_TYPES)
        .exclude(blob_ref="")
        .exclude(patient__state=Patient.State.DESTROYED)
        .exclude(Exists(done))
        .order_by("pk")
    )


class Command(BaseCommand):
    help = "Index (again) the documents the current NLP pipeline has not read, in batches, resumable."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=200, help="documents per batch (default 200)")
        parser.add_argument("--limit", type=int, default=0, help="stop after this many documents")
        parser.add_argument("--queue", action="store_true", help="enqueue for the indexing worker")

    def handle(self, *args, batch, limit, queue, **options):
        version = pipeline.version()
        total = due(version).count()
        total = min(total, limit) if limit else total
        self.stdout.write(f"{total} document(s) to index with {version}")
        done, last = 0, None
        with tqdm(total=total, unit=" documents", disable=None) as progress:
            while done < total:
                pending = due(version) if last is None else due(version).filter(pk__gt=last)
                ids = list(pending.values_list("pk", flat=True)[: min(batch, total - done)])
                if not ids:
                    break
                for document_id in ids:
                    if queue:
                        index_mentions.enqueue(str(document_id))
                    else:
                        actions.index_document(SYSTEM, str(document_id))
                    progress.update(1)
                done, last = done + len(ids), ids[-1]
        self.stdout.write(f"{done} document(s) {'queued' if queue else 'indexed'}")
