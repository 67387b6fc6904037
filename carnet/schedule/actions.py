"""The only code that changes the schedules' state: claim a due occurrence, run it, record its result.
Each asks the policy first (the scheduler acts as the system); the loop that finds what is due is
``carnet.schedule.worker.run_due``."""

import datetime
import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from carnet.access.actor import SYSTEM, Actor
from carnet.access.gate import atomic_action, authorize
from carnet.access.permissions import Permission as P
from carnet.batches import BATCH, delete_in_batches
from carnet.schedule.models import ScheduleRun, ScheduleState
from carnet.schedule.registry import Declared

logger = logging.getLogger(__name__)


@atomic_action
def claim(declared: Declared, due: datetime.datetime, now: datetime.datetime, worker: str) -> bool:
    """Take the occurrence ``due`` with a conditional UPDATE: only one worker's UPDATE matches the row.

    The next occurrence is the first one after ``now``: after downtime, missed ones run once, not each. A
    schedule seen for the first time is due at once (its current occurrence)."""
    authorize(
        SYSTEM, P.SCHEDULE_OCCURRENCE_RUN, declared, detail={"schedule": declared.name, "step": "claim"}
    )
    ScheduleState.objects.get_or_create(name=declared.name, defaults={"next_due": due})
    claimed = ScheduleState.objects.filter(name=declared.name, next_due=due).update(
        next_due=declared.slot_after(now),
        last_due=due,
        last_started_at=now,
        last_finished_at=None,
        last_ok=None,
        last_result="",
        last_worker=worker[:64],
    )
    return claimed == 1


def _finish(declared: Declared, run: ScheduleRun, ok: bool, result: str) -> None:
    run.finished_at, run.ok, run.result = timezone.now(), ok, result[:300]
    run.save(update_fields=["finished_at", "ok", "result"])
    ScheduleState.objects.filter(name=declared.name, last_due=run.due_at).update(
        last_finished_at=run.finished_at, last_ok=ok, last_result=run.result
    )


def run_claimed(declared: Declared, due: datetime.datetime, now: datetime.datetime, worker: str):
    """Run an occurrence this worker claimed; a failure is recorded (its type only), never raised. Not one
    transaction: the task's own actions commit as they go."""
    authorize(SYSTEM, P.SCHEDULE_OCCURRENCE_RUN, declared, detail={"schedule": declared.name, "step": "run"})
    missed = max(0, (now - due) // declared.period)
    run = ScheduleRun.objects.create(
        name=declared.name, due_at=due, missed=missed, worker=worker[:64], started_at=now
    )
    try:
        result = declared.run()
    except Exception as error:  # any failure of the task is recorded, and the worker goes on
        logger.exception("scheduled task %s failed", declared.name)
        _finish(declared, run, False, type(error).__name__)
        return run
    _finish(declared, run, True, repr(result))
    return run


PRUNE_BATCH = BATCH


def prune_task_results(actor: Actor = SYSTEM, *, now: datetime.datetime | None = None) -> int:
    """Finished tasks' rows (their arguments hold e-mail addresses and links) are deleted once
    ``CARNET_TASK_RESULT_DAYS`` old, failed ones after ``CARNET_FAILED_TASK_RESULT_DAYS``; waiting and running
    ones never. In batches, one transaction each (a day of a national service is millions of rows)."""
    done, failed = settings.CARNET_TASK_RESULT_DAYS, settings.CARNET_FAILED_TASK_RESULT_DAYS
    authorize(actor, P.SCHEDULE_TASKS_PRUNE, None, detail={"days": done, "failed_days": failed})
    now = now or timezone.now()
    due = DBTaskResult.objects.finished().filter(
        Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lte=now - datetime.timedelta(days=done))
        | Q(status=TaskResultStatus.FAILED, finished_at__lte=now - datetime.timedelta(days=failed))
    )
    return delete_in_batches(due, PRUNE_BATCH)
