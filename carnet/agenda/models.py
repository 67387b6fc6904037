"""The patient's agenda: health events and appointments, their reminders, the calendar feed, and the
prevention proposals the patient accepts or dismisses."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carnet.agenda.prevention import rule_title
from carnet.identity.models import Patient, Professional


class Event(models.Model):
    """One line of the agenda; says who created it (patient, representative, caregiver, professional, app)."""

    class Kind(models.TextChoices):
        APPOINTMENT = "appointment", _("rendez-vous")
        EVENT = "event", _("événement de santé")
        PREVENTION = "prevention", _("prévention")

    class Status(models.TextChoices):
        BOOKED = "booked", _("prévu")
        CANCELLED = "cancelled", _("annulé")

    uid = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)  # random: unique by chance
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="agenda_events")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.APPOINTMENT)
    title = models.CharField(_("intitulé"), max_length=200)
    starts_at = models.DateTimeField(_("début"), db_index=True)
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    location = models.CharField(_("lieu"), max_length=200, blank=True)
    professional = models.ForeignKey(
        Professional, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    created_by_role = models.CharField(max_length=16)
    created_by_label = models.CharField(max_length=200)
    source_app = models.CharField(_("application source"), max_length=200, blank=True)
    prevention_rule = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"event {self.uid}"


class Reminder(models.Model):
    """A reminder of an event at a chosen delay, sent once by the patient's channel."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reminders")
    patient_id = models.BigIntegerField(db_index=True)
    minutes_before = models.PositiveIntegerField()
    send_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["send_at"]

    def __str__(self) -> str:
        return f"reminder {self.minutes_before} min before event {self.event_id}"


class CalendarFeed(models.Model):
    """The secret address of a patient's iCalendar feed; only its hash is kept; revoked feeds stay refused."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, db_index=True)  # 256 random bits: unique by chance
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar feed {self.pk} of patient {self.patient_id}"


class PreventionProposal(models.Model):
    """A prevention appointment or vaccination the schedule proposes; the patient accepts or dismisses it."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("proposé")
        ACCEPTED = "accepted", _("accepté")
        DISMISSED = "dismissed", _("écarté")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="prevention_proposals")
    rule_id = models.CharField(max_length=60)
    due_from = models.DateField()
    due_until = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "rule_id", "due_from"], name="one_proposal_per_window")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} for patient {self.patient_id}"

    @property
    def title(self) -> str:
        return rule_title(self.rule_id)
