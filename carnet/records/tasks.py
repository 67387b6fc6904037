"""Periodic work of the record, thin and safe to retry: each task calls one action."""

from django_tasks import task

from carnet.records import actions, sweeps
from carnet.schedule.retries import retried


@task()
def release_overdue_hidden_documents() -> dict:
    return sweeps.release_overdue_hidden_documents()


@task()
def destroy_due_spaces() -> int:
    return sweeps.destroy_due_spaces()


@task(priority=-50)  # bulk work: after notifications and periodic tasks
@retried(attempts=4)  # the blob store may be away for a moment
def index_document_text(document_id: str) -> bool:
    return actions.index_document_text(document_id)
