"""Periodic work of the API, thin and safe to retry."""

from django_tasks import task

from carnet.fhir import actions


@task()
def clear_expired_tokens() -> int:
    return actions.clear_expired_tokens()
