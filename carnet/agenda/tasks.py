"""Periodic agenda work. Until carnet/schedule lands, a scheduler (cron or the coming carnet/schedule)
enqueues ``send_due_reminders_task`` every few minutes; it is safe to run twice (rows are claimed)."""

from django_tasks import task

from carnet.agenda.actions import send_due_reminders


@task(priority=50)
def send_due_reminders_task() -> int:
    """Send the reminders whose time has come (each claimed once, cancelled events dropped)."""
    return send_due_reminders()
