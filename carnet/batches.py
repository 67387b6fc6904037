"""Deleting many rows without one huge transaction: a national service's daily clean-ups are millions."""

from django.db import transaction
from django.db.models import QuerySet

BATCH = 10_000


def delete_in_batches(rows: QuerySet, size: int = BATCH) -> int:
    """Delete ``rows`` ``size`` at a time, one transaction each; the count deleted (cascades included)."""
    deleted = 0
    while batch := list(rows.values_list("pk", flat=True)[:size]):
        with transaction.atomic():
            deleted += rows.model.objects.filter(pk__in=batch).delete()[0]
    return deleted
