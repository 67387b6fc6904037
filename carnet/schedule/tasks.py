"""Periodic work of the task machinery itself, thin and safe to retry."""

from django_tasks import task

from carnet.schedule import actions


@task()
def prune_task_results() -> int:
    return actions.prune_task_results()
