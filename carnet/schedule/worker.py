"""The scheduler inside the task worker: a thread that runs ``run_due`` every few seconds."""

import datetime
import logging
import threading

from django.conf import settings
from django.db import connections
from django.utils import timezone

from carnet.schedule import queries
from carnet.schedule.actions import claim, run_claimed
from carnet.schedule.models import ScheduleRun
from carnet.schedule.registry import SCHEDULES

logger = logging.getLogger(__name__)


class SchedulerThread(threading.Thread):
    """Daemon thread of a worker process; several workers may run one each (occurrences are claimed)."""

    def __init__(self, worker_id: str, tick_seconds: float | None = None):
        super().__init__(name="carnet-scheduler", daemon=True)
        self.worker_id = worker_id
        self.tick_seconds = settings.CARNET_SCHEDULE_TICK_SECONDS if tick_seconds is None else tick_seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                run_due(self.worker_id)
            except Exception:  # the database may be away for a moment: try again at the next tick
                logger.exception("scheduler pass failed")
            finally:
                connections.close_all()
            self.stopped.wait(self.tick_seconds)

    def stop(self) -> None:
        self.stopped.set()


def run_due(worker: str, now: datetime.datetime | None = None) -> list[ScheduleRun]:
    """One pass of the scheduler: every declared schedule whose occurrence is due and that this worker
    claims is run now, one after another."""
    runs = []
    for declared in SCHEDULES.values():
        now_here = now or timezone.now()
        due = queries.next_due(declared, now_here)
        if due > now_here or not claim(declared, due, now_here, worker):
            continue
        runs.append(run_claimed(declared, due, now_here, worker))
    return runs
