"""Periodic work of the lifecycle, thin and safe to retry: each task calls one action (run daily)."""

from django_tasks import task

from carnet.identity import actions, sweeps


@task()
def open_unactivated_spaces() -> int:
    return sweeps.open_unactivated_spaces()


@task()
def close_expired_suspensions() -> int:
    return sweeps.close_expired_suspensions()


@task()
def hand_over_at_majority() -> int:
    return sweeps.hand_over_at_majority()


@task()
def clear_expired_sessions() -> int:
    return actions.clear_expired_sessions()
