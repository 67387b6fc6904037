"""A text-indexing task that meets the blob store away runs again later (bounded, doubling delays), and
indexes the document once the store is back; a task put back from a killed worker runs before the
backlog. Against a real S3 server process (conftest.py), cut by pointing at a port nobody listens on."""

import datetime
import socket

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from carnet.ops.workers import requeue_abandoned
from carnet.records import actions
from carnet.records.models import DocumentText
from carnet.records.samples import sample_pdf
from carnet.records.tasks import index_document_text
from carnet.records.tests.helpers import meta, pro
from carnet.schedule.retries import delay_seconds
from carnet.vault.errors import StoreUnavailable

pytestmark = pytest.mark.django_db(transaction=True)
PDF = sample_pdf("Compte rendu", ["Tension 12/8, auscultation normale"])


@pytest.fixture(autouse=True)
def database_queue(settings):
    """The production task backend: tasks wait in the database for a worker (none runs here)."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "notifications", "indexing"],
        }
    }


def _closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def _indexed_text(document) -> str:
    return "".join(DocumentText.objects.filter(document=document).values_list("body", flat=True))


def _queued_again(document_id: str) -> list[DBTaskResult]:
    return [
        row
        for row in DBTaskResult.objects.filter(task_path__endswith="index_document_text")
        if row.args_kwargs["args"] == [document_id] and row.args_kwargs["kwargs"].get("attempt")
    ]


def test_a_store_away_puts_the_task_back_with_a_later_run_after_then_it_indexes(alice, bob, s3, settings):
    document = actions.deposit_document(pro(bob), alice, PDF, meta(mime_type="application/pdf"))
    assert "tension" not in _indexed_text(document)  # the title only: the text waits for a worker
    settings.CARNET_S3_ENDPOINT, settings.CARNET_S3_TIMEOUT_SECONDS = _closed_port(), 1
    before = timezone.now()

    assert index_document_text.call(str(document.pk)) is None  # not failed: queued again

    [again] = _queued_again(str(document.pk))
    assert again.args_kwargs["kwargs"] == {"attempt": 2}
    assert again.status == TaskResultStatus.READY
    wait = datetime.timedelta(seconds=settings.CARNET_TASK_RETRY_SECONDS)
    assert before + wait <= again.run_after <= timezone.now() + wait
    assert "tension" not in _indexed_text(document)

    settings.CARNET_S3_ENDPOINT = s3.meta.endpoint_url  # the store is back
    assert index_document_text.call(str(document.pk), attempt=2) is True
    assert "tension 12/8" in _indexed_text(document)


def test_the_last_attempt_fails_the_task_and_queues_nothing_more(alice, bob, s3, settings):
    document = actions.deposit_document(pro(bob), alice, PDF, meta(mime_type="application/pdf"))
    settings.CARNET_S3_ENDPOINT = _closed_port()
    with pytest.raises(StoreUnavailable):
        index_document_text.call(str(document.pk), attempt=4)
    assert _queued_again(str(document.pk)) == []


def test_the_delays_double_and_stop_at_an_hour(settings):
    settings.CARNET_TASK_RETRY_SECONDS = 30
    assert [delay_seconds(n) for n in (1, 2, 3)] == [30, 60, 120]
    assert delay_seconds(12) == 3600


def test_a_task_of_a_killed_worker_runs_before_the_tasks_queued_after_it(alice, bob, s3):
    first = actions.deposit_document(pro(bob), alice, PDF, meta(mime_type="application/pdf"))
    later = actions.deposit_document(
        pro(bob), alice, sample_pdf("Autre", ["Texte"]), meta(mime_type="application/pdf")
    )
    rows = {
        row.args_kwargs["args"][0]: row
        for row in DBTaskResult.objects.filter(task_path__endswith="index_document_text")
    }
    killed = rows[str(first.pk)]
    dead = f"{socket.gethostname()[:30]}:999999999:dead"  # this host, a process that does not exist
    DBTaskResult.objects.filter(pk=killed.pk).update(
        status=TaskResultStatus.RUNNING, worker_ids=[dead], started_at=timezone.now()
    )
    assert rows[str(later.pk)].status == TaskResultStatus.READY

    assert requeue_abandoned() == 1

    killed.refresh_from_db()
    assert killed.status == TaskResultStatus.READY
    assert killed.run_after == killed.enqueued_at
    ready = list(DBTaskResult.objects.ready().filter(task_path__endswith="index_document_text"))
    assert ready[0].pk == killed.pk
