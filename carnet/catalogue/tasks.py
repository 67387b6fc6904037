"""Periodic catalogue work (once a day, declared to the scheduler); safe to run twice."""

from django_tasks import task

from carnet.access.actor import SYSTEM
from carnet.catalogue import actions, queries


def end_expired_references(today=None) -> int:
    """Apps whose referencing period ended are suspended, each by its own action."""
    ended = list(queries.ended_references(today))
    for file in ended:
        actions.expire_reference(SYSTEM, file)
    return len(ended)


@task()
def end_expired_references_task() -> int:
    """Apps whose referencing period ended are suspended: every token revoked, users told."""
    return end_expired_references()
