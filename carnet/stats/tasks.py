from django_tasks import task

from carnet.stats.actions import refresh_statistics


@task()
def refresh_statistics_task() -> int:
    """Periodic (hourly by default): add what is new to the counters and publish the tables again."""
    return refresh_statistics().journal_seq
