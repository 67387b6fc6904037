"""Reads of the agenda that return only what the actor may see; single reads return the event or raise."""

import hashlib

from django.db.models import QuerySet
from django.utils import timezone

from carnet.access.actor import Actor, Channel, Role
from carnet.access.gate import authorize
from carnet.access.permissions import Permission as P
from carnet.access.policy import decide
from carnet.agenda.models import CalendarFeed, Event, PreventionProposal, Reminder
from carnet.errors import NotFound
from carnet.identity.models import Patient


def patient_agenda(actor: Actor, patient: Patient, *, upcoming_only: bool = False) -> QuerySet:
    """The patient's whole agenda, for the patient, those acting for them and apps with the agenda scope."""
    authorize(actor, P.AGENDA_EVENT_READ, patient)
    events = Event.objects.filter(patient=patient).select_related("professional")
    if upcoming_only:
        events = events.filter(starts_at__gte=timezone.now())
    return events


def professional_agenda(actor: Actor) -> list[Event]:
    """A professional's appointments: only the events they take part in, as the policy decides each."""
    events = Event.objects.filter(
        professional=actor.professional, patient__state=Patient.State.OPEN
    ).select_related("patient", "professional")
    return [event for event in events if decide(actor, P.AGENDA_EVENT_READ, event).allowed]


def get_event(actor: Actor, uid, action: str = P.AGENDA_EVENT_READ) -> Event:
    """One event, or 404: an event the actor may not see does not exist for them."""
    event = Event.objects.select_related("patient", "professional").filter(uid=uid).first()
    if event is None:
        raise NotFound("no-event", "no such event")
    authorize(actor, action, event, hide=True)
    return event


def get_event_by_pk(actor: Actor, pk, action: str = P.AGENDA_EVENT_READ) -> Event:
    event = Event.objects.select_related("patient", "professional").filter(pk=pk).first()
    if event is None:
        raise NotFound("no-event", "no such event")
    authorize(actor, action, event, hide=True)
    return event


def feed_hash(token: str) -> str:
    """What is kept of a feed's secret address: its hash (the address itself is shown once)."""
    return hashlib.sha256(token.encode()).hexdigest()


def due_reminders(now, limit: int = 500) -> QuerySet:
    """Reminders whose time has come, of events still to come and not cancelled (the worker's queue)."""
    return (
        Reminder.objects.filter(sent_at__isnull=True, send_at__lte=now, event__starts_at__gte=now)
        .exclude(event__status=Event.Status.CANCELLED)
        .select_related("event__patient")[:limit]
    )


def feed_agenda(token: str) -> tuple[Patient, QuerySet]:
    """The agenda behind a secret feed address; an unknown or revoked address does not exist (404)."""
    feed = (
        CalendarFeed.objects.select_related("patient__user")
        .filter(token_hash=feed_hash(token), revoked_at__isnull=True, patient__state=Patient.State.OPEN)
        .first()
    )
    if feed is None:
        raise NotFound("no-feed", "no such calendar")
    patient = feed.patient
    reader = Actor(role=Role.PATIENT, user=patient.user, patient=patient, channel=Channel.API)
    return patient, patient_agenda(reader, patient)


def has_live_feed(patient: Patient) -> bool:
    return CalendarFeed.objects.filter(patient=patient, revoked_at__isnull=True).exists()


def proposals(actor: Actor, patient: Patient) -> QuerySet:
    authorize(actor, P.AGENDA_EVENT_READ, patient)
    return PreventionProposal.objects.filter(patient=patient, state=PreventionProposal.State.PROPOSED)


def get_proposal(actor: Actor, patient: Patient, proposal_id) -> PreventionProposal:
    proposal = PreventionProposal.objects.filter(pk=proposal_id, patient=patient).first()
    if proposal is None:
        raise NotFound("no-proposal", "no such proposal")
    return proposal
