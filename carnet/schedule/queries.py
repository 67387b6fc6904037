"""Reads of the schedules: what ``carnet schedule`` prints."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from carnet.schedule.models import ScheduleState
from carnet.schedule.registry import SCHEDULES


@dataclass
class Line:
    name: str
    task: str
    period: object
    last_started_at: object
    last_ok: bool | None
    last_result: str
    next_due: object


def schedule_lines() -> list[Line]:
    """Each declared schedule with its last run, its result and its next occurrence."""
    states = {state.name: state for state in ScheduleState.objects.filter(name__in=list(SCHEDULES))}
    lines = []
    for name, declared in sorted(SCHEDULES.items()):
        state = states.get(name)
        lines.append(
            Line(
                name=name,
                task=declared.task,
                period=declared.period,
                last_started_at=state.last_started_at if state else None,
                last_ok=state.last_ok if state else None,
                last_result=state.last_result if state else "",
                next_due=state.next_due if state else declared.slot_at_or_before(timezone.now()),
            )
        )
    return lines


def next_due(declared, now: datetime.datetime) -> datetime.datetime:
    """When the schedule's next occurrence is due; one never seen is due at once (its current slot)."""
    state = ScheduleState.objects.filter(name=declared.name).first()
    return state.next_due if state is not None else declared.slot_at_or_before(now)
