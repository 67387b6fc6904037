"""Aggregates for the public statistics: counts only, never clinical content, never a person.

``Cell`` holds the counters (a metric per month, department, age band and one dimension such as the
document class); the task adds what is new to them. ``DocumentReading`` follows each document until it has
been read (who first read it and when), so that "read" counts each document once and excludes its author.
``PublishedTable`` is what the pages and downloads serve: tables already aggregated and protected by
statistical secrecy, so a page costs the same with 10 M documents as with 10 k.
"""

from django.db import models
from django.utils import timezone


class Cell(models.Model):
    """One counter."""

    metric = models.CharField(max_length=40)
    month = models.DateField()
    department = models.CharField(max_length=3, blank=True)
    age_band = models.CharField(max_length=8, blank=True)
    dimension = models.CharField(max_length=40, blank=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "month", "department", "age_band", "dimension"], name="one_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.month:%Y-%m} {self.department} {self.age_band} {self.dimension}"


class DocumentReading(models.Model):
    """A document's first reads, by a professional other than its author and by the patient's side.
    Deleted with the document (a destroyed space leaves nothing here)."""

    document = models.OneToOneField(
        "records.Document", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    patient_id = models.BigIntegerField(db_index=True)  # the document's, so that it shards with it
    deposited_at = models.DateTimeField()
    author_professional_id = models.BigIntegerField(null=True, blank=True)
    department = models.CharField(max_length=3, blank=True)
    age_band = models.CharField(max_length=8, blank=True)
    class_code = models.CharField(max_length=10, blank=True)
    first_professional_read_at = models.DateTimeField(null=True, blank=True)
    first_patient_read_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"reading of {self.document_id}"


class ActiveProfessional(models.Model):
    """A professional who did something allowed in a month (counted once per month)."""

    month = models.DateField()
    professional_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "professional_id"], name="active_once")]

    def __str__(self) -> str:
        return f"{self.professional_id} in {self.month:%Y-%m}"


class Cursor(models.Model):
    """How far the incremental task has read: the journal's sequence and the tables' timestamps."""

    name = models.CharField(max_length=20, primary_key=True)
    journal_seq = models.BigIntegerField(default=0)
    until = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_run_seconds = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at #{self.journal_seq}"


class PublishedTable(models.Model):
    """A table as published: labels, values (None where secret), which cells are secret and why."""

    slug = models.SlugField(max_length=60, primary_key=True)
    generated_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField()

    def __str__(self) -> str:
        return self.slug
