"""Periodic catalogue work. Until carnet/schedule lands, a scheduler (cron or the coming carnet/schedule)
enqueues ``end_expired_references_task`` once a day; it is safe to run twice."""

from django_tasks import task

from carnet.catalogue.actions import end_expired_references


@task()
def end_expired_references_task() -> int:
    """Apps whose referencing period ended are suspended: every token revoked, users told."""
    return end_expired_references()
