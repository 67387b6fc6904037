"""A task worker killed in the middle of a task leaves it RUNNING for good (django-tasks-db does not take
it back). Each ``carnet worker`` names itself ``host:pid:random`` and, when it starts, puts back in the queue
the tasks claimed by a worker of the same host whose process is gone; tasks claimed on another host are put
back once they have run longer than ``CARNET_TASK_LEASE_MINUTES``. carnet's tasks are safe to run twice
(text indexing, notifications claimed once): the task runs again, once in effect, and first: the queue
orders tasks without ``run_after`` after those with one, so a task put back gets its enqueue time as
``run_after`` and is not left behind a backlog."""

import datetime
import os
import secrets
import socket

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def new_worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(4)}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _abandoned(worker_id: str, started_at, host: str, lease: datetime.timedelta) -> bool:
    parts = worker_id.split(":")
    if len(parts) == 3 and parts[0] == host and parts[1].isdigit():
        return not _alive(int(parts[1]))
    return started_at is not None and started_at < timezone.now() - lease


def requeue_abandoned() -> int:
    """Put the tasks of dead workers back in the queue; returns how many."""
    host = socket.gethostname()[:30]
    lease = datetime.timedelta(minutes=getattr(settings, "CARNET_TASK_LEASE_MINUTES", 30))
    requeued = 0
    for row in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("worker_ids", "started_at"):
        last = (row.worker_ids or [""])[-1]
        if _abandoned(last, row.started_at, host, lease):
            requeued += DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None, run_after=F("enqueued_at")
            )  # run_after in the past: it runs before the tasks queued since (which have none)
    return requeued
