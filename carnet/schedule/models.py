"""The state of each declared schedule (its next occurrence) and the history of its runs."""

from django.db import models


class ScheduleState(models.Model):
    """One row per declared schedule: ``next_due`` is the occurrence a worker claims with a conditional
    UPDATE (``WHERE next_due = <what it read>``), so two workers never run the same one."""

    name = models.CharField(max_length=100, primary_key=True)
    next_due = models.DateTimeField()
    last_due = models.DateTimeField(null=True, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_ok = models.BooleanField(null=True)
    last_result = models.CharField(max_length=300, blank=True)
    last_worker = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.name} next {self.next_due:%Y-%m-%d %H:%M}"


class ScheduleRun(models.Model):
    """One occurrence that a worker ran (at most one row per schedule and occurrence)."""

    name = models.CharField(max_length=100)
    due_at = models.DateTimeField()
    missed = models.PositiveIntegerField(default=0)
    worker = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(null=True)
    result = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["name", "due_at"], name="one_run_per_occurrence")]

    def __str__(self) -> str:
        return f"{self.name} at {self.due_at:%Y-%m-%d %H:%M}"
