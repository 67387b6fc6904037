"""Periodic work of the lifecycle, thin and safe to retry: each task calls one action (run daily)."""

from django_tasks import task

from carnet.identity import actions


@task()
def open_unactivated_spaces() -> int:
    return actions.open_unactivated_spaces()


@task()
def close_expired_suspensions() -> int:
    return actions.close_expired_suspensions()


@task()
def hand_over_at_majority() -> int:
    return actions.hand_over_at_majority()
