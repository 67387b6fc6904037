"""Periodic agenda work, declared to the scheduler (carnet/schedule); safe to run twice (rows are claimed)."""

from django.utils import timezone
from django_tasks import task

from carnet.access.actor import SYSTEM
from carnet.agenda import actions, queries


def send_due_reminders(now=None, limit: int = 500) -> int:
    """Send the reminders whose time has come; each is claimed by its action, so two workers never send
    the same one."""
    now = now or timezone.now()
    return sum(actions.send_reminder(SYSTEM, reminder, now) for reminder in queries.due_reminders(now, limit))


@task(priority=50)
def send_due_reminders_task() -> int:
    """Send the reminders whose time has come (each claimed once, cancelled events dropped)."""
    return send_due_reminders()
