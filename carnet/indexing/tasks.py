"""The indexing task: on a queue and a worker process of its own (the pipeline's memory and its first load
stay out of the worker that sends notifications and extracts text). Thin and safe to retry."""

from django_tasks import task

from carnet.access.actor import SYSTEM
from carnet.indexing import actions
from carnet.schedule.retries import retried


@task(queue_name="indexing", priority=-60)
@retried(attempts=4)  # the blob store may be away for a moment
def index_mentions(document_id: str) -> bool:
    return actions.index_document(SYSTEM, document_id)
