"""Periodic work of the task machinery: finished tasks' rows deleted after a while."""

from carnet.schedule.registry import register

register("prune-task-results", "carnet.schedule.tasks.prune_task_results", "CARNET_DAILY_PERIOD")
