"""The only code that changes the schedules' state: claim a due occurrence, run it, record its result."""

import datetime
import logging

from django.utils import timezone

from carnet.schedule.models import ScheduleRun, ScheduleState
from carnet.schedule.registry import SCHEDULES, Declared

logger = logging.getLogger(__name__)


def _state(declared: Declared, now: datetime.datetime) -> ScheduleState:
    """A schedule seen for the first time is due at once (its current occurrence)."""
    state, _created = ScheduleState.objects.get_or_create(
        name=declared.name, defaults={"next_due": declared.slot_at_or_before(now)}
    )
    return state


def claim(declared: Declared, due: datetime.datetime, now: datetime.datetime, worker: str) -> bool:
    """Take the occurrence ``due`` with a conditional UPDATE: only one worker's UPDATE matches the row.

    The next occurrence is the first one after ``now``: after downtime, missed ones run once, not each."""
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
    """Run an occurrence this worker claimed; a failure is recorded (its type only), never raised."""
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


def run_due(worker: str, now: datetime.datetime | None = None) -> list[ScheduleRun]:
    """One pass of the scheduler: every declared schedule whose occurrence is due and that this worker
    claims is run now, one after another."""
    runs = []
    for declared in SCHEDULES.values():
        now_here = now or timezone.now()
        state = _state(declared, now_here)
        if state.next_due > now_here or not claim(declared, state.next_due, now_here, worker):
            continue
        runs.append(run_claimed(declared, state.next_due, now_here, worker))
    return runs
