"""Schedules declared in code: a name, the task to run, and the setting that holds its period.

An app declares its periodic work in its own ``schedules.py`` (found at start-up)::

    register("journal-checkpoint", "carnet.journal.tasks.checkpoint_journal", "CARNET_CHECKPOINT_PERIOD")
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Declared:
    name: str
    task: str  # dotted path of a django-tasks task (or a plain function)
    period_setting: str  # name of a ``datetime.timedelta`` setting

    @property
    def period(self) -> datetime.timedelta:
        return getattr(settings, self.period_setting)

    def run(self):
        """Run the task's function here, in the worker that claimed the occurrence."""
        target = import_string(self.task)
        return target.call() if hasattr(target, "call") else target()

    def slot_at_or_before(self, moment: datetime.datetime) -> datetime.datetime:
        """Occurrences sit on a fixed grid (multiples of the period since 1970, UTC): all workers agree."""
        return EPOCH + ((moment - EPOCH) // self.period) * self.period

    def slot_after(self, moment: datetime.datetime) -> datetime.datetime:
        return self.slot_at_or_before(moment) + self.period


SCHEDULES: dict[str, Declared] = {}


def register(name: str, task: str, period_setting: str) -> Declared:
    declared = Declared(name, task, period_setting)
    SCHEDULES[name] = declared
    return declared
