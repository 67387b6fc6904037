"""Periodic work of the vault, thin and safe to retry: the orphan blobs' sweep."""

from django_tasks import task

from carnet.vault import actions


@task()
def sweep_orphan_blobs() -> dict:
    return actions.sweep_orphan_blobs()
