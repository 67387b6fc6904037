"""The only code that changes the agenda: events, reminders, the calendar feed, prevention answers.

Every action asks the policy first (``authorize``) and runs in one transaction; notifications are queued
as tasks in that transaction. Messages never carry what an event is about, only when it is.
"""

import datetime
import secrets
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.access.actor import Actor, Role
from carnet.access.gate import atomic_action, authorize
from carnet.access.permissions import Permission as P
from carnet.agenda import prevention, queries
from carnet.agenda.models import CalendarFeed, Event, PreventionProposal, Reminder
from carnet.errors import Conflict, Refused
from carnet.identity.models import Patient
from carnet.notify.outbox import channel_for, notify_patient
from carnet.notify.queries import preference_of
from carnet.records.models import ProfileEntry
from carnet.records.queries import health_profile

# Reminder delays a patient may choose, in minutes before the event (one hour, one day, one week).
REMINDER_CHOICES = (60, 24 * 60, 7 * 24 * 60)
# A postal letter only reminds of an appointment at least this far ahead (it takes days to arrive).
LETTER_MIN_MINUTES = 7 * 24 * 60


@dataclass(frozen=True)
class EventData:
    """What an event says, parsed and checked by the page or the API before any action runs."""

    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None = None
    location: str = ""
    kind: str = Event.Kind.APPOINTMENT
    professional: object | None = None

    def check(self) -> None:
        if not self.title.strip():
            raise Refused("title-required", _("Donnez un intitulé à l'événement."))
        if self.ends_at is not None and self.ends_at < self.starts_at:
            raise Refused("ends-before-start", _("La fin ne peut pas précéder le début."))


def _creator(actor: Actor) -> dict:
    return {
        "created_by_role": str(actor.role),
        "created_by_label": actor.label[:200],
        "source_app": actor.app_name if actor.role == Role.APP else "",
    }


@atomic_action
def create_event(actor: Actor, patient: Patient, data: EventData, *, reminders=()) -> Event:
    """An event entered by the patient (or for them), a professional's appointment with themselves, or an
    app's appointment; the creator is kept on the event."""
    professional = actor.professional if actor.role == Role.PROFESSIONAL else data.professional
    event = Event(
        patient=patient,
        kind=data.kind,
        title=data.title.strip()[:200],
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        location=data.location[:200],
        professional=professional,
        **_creator(actor),
    )
    authorize(actor, P.AGENDA_EVENT_CREATE, event)
    data.check()
    event.save()
    _schedule_reminders(event, reminders)
    if actor.role not in (Role.PATIENT, Role.REPRESENTATIVE):
        _tell(patient, "agenda-created", _("Un rendez-vous a été ajouté à votre agenda"), event)
    return event


@atomic_action
def move_event(actor: Actor, event: Event, starts_at, ends_at=None) -> Event:
    """Move an event; its reminders follow it."""
    authorize(actor, P.AGENDA_EVENT_UPDATE, event)
    if event.status == Event.Status.CANCELLED:
        raise Conflict("cancelled", _("Cet événement est annulé."))
    EventData(event.title, starts_at, ends_at).check()
    event.starts_at, event.ends_at, event.updated_at = starts_at, ends_at, timezone.now()
    event.save(update_fields=["starts_at", "ends_at", "updated_at"])
    delays = list(event.reminders.filter(sent_at__isnull=True).values_list("minutes_before", flat=True))
    event.reminders.filter(sent_at__isnull=True).delete()
    _schedule_reminders(event, delays)
    if actor.role not in (Role.PATIENT, Role.REPRESENTATIVE):
        _tell(event.patient, "agenda-moved", _("Un rendez-vous de votre agenda a été déplacé"), event)
    return event


@atomic_action
def cancel_event(actor: Actor, event: Event) -> Event:
    """Cancel an event (it stays in the agenda, marked cancelled); pending reminders are dropped."""
    authorize(actor, P.AGENDA_EVENT_CANCEL, event)
    if event.status != Event.Status.CANCELLED:
        event.status, event.updated_at = Event.Status.CANCELLED, timezone.now()
        event.save(update_fields=["status", "updated_at"])
        event.reminders.filter(sent_at__isnull=True).delete()
        if actor.role not in (Role.PATIENT, Role.REPRESENTATIVE):
            _tell(event.patient, "agenda-cancelled", _("Un rendez-vous de votre agenda a été annulé"), event)
    return event


@atomic_action
def set_reminders(actor: Actor, event: Event, minutes_before) -> list[Reminder]:
    """The patient chooses when to be reminded (delays from REMINDER_CHOICES), on any event of their agenda:
    how the agenda reaches them (reminders, feed) is theirs to manage."""
    authorize(actor, P.AGENDA_FEED_MANAGE, event)
    event.reminders.filter(sent_at__isnull=True).delete()
    return _schedule_reminders(event, minutes_before)


def _schedule_reminders(event: Event, minutes_before) -> list[Reminder]:
    wanted = sorted({int(m) for m in minutes_before})
    if any(m not in REMINDER_CHOICES for m in wanted):
        raise Refused("reminder-delay", _("Choisissez un délai de rappel proposé."))
    patient, now = event.patient, timezone.now()
    letter_only = channel_for(patient, preference_of(patient)) == "letter"
    rows = [
        Reminder(
            event=event,
            patient_id=patient.pk,
            minutes_before=m,
            send_at=event.starts_at - datetime.timedelta(minutes=m),
        )
        for m in wanted
        if not (letter_only and m < LETTER_MIN_MINUTES)
    ]
    return Reminder.objects.bulk_create([r for r in rows if r.send_at > now])


def _tell(patient: Patient, event_name: str, subject: str, event: Event) -> None:
    when = timezone.localtime(event.starts_at).strftime("%d/%m/%Y %H:%M")
    body = _("Le %(when)s. Les détails sont dans votre agenda carnet.") % {"when": when}
    notify_patient(patient, event_name, subject, body)


@atomic_action
def send_reminder(actor: Actor, reminder: Reminder, now) -> bool:
    """Send one reminder whose time has come, claimed with a conditional UPDATE so two workers never send
    the same one (``queries.due_reminders`` leaves out cancelled and past events)."""
    event = reminder.event
    authorize(actor, P.AGENDA_REMINDER_SEND, event)
    if not Reminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(sent_at=now):
        return False
    _tell(event.patient, "agenda-reminder", _("Rappel : un rendez-vous approche"), event)
    return True


@atomic_action
def open_calendar_feed(actor: Actor, patient: Patient) -> str:
    """A new secret feed address (the previous ones are revoked); the token is shown once, only its hash
    is kept."""
    authorize(actor, P.AGENDA_FEED_MANAGE, patient)
    CalendarFeed.objects.filter(patient=patient, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.create(patient=patient, token_hash=queries.feed_hash(token))
    return token


@atomic_action
def revoke_calendar_feed(actor: Actor, patient: Patient) -> int:
    authorize(actor, P.AGENDA_FEED_MANAGE, patient)
    return CalendarFeed.objects.filter(patient=patient, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@atomic_action
def answer_proposal(actor: Actor, proposal: PreventionProposal, accept: bool, starts_at=None) -> None:
    """The patient accepts a prevention proposal (it becomes an event of their agenda) or dismisses it."""
    authorize(actor, P.AGENDA_PREVENTION_ANSWER, proposal)
    if proposal.state != PreventionProposal.State.PROPOSED:
        raise Conflict("answered", _("Vous avez déjà répondu à cette proposition."))
    proposal.state = PreventionProposal.State.ACCEPTED if accept else PreventionProposal.State.DISMISSED
    proposal.answered_at = timezone.now()
    if accept:
        start = starts_at or timezone.make_aware(
            datetime.datetime.combine(max(proposal.due_from, timezone.localdate()), datetime.time(9))
        )
        event = Event.objects.create(
            patient=proposal.patient,
            kind=Event.Kind.PREVENTION,
            title=prevention.rule_title(proposal.rule_id),
            starts_at=start,
            prevention_rule=proposal.rule_id,
            **_creator(actor),
        )
        proposal.event = event
    proposal.save(update_fields=["state", "answered_at", "event"])


@atomic_action
def propose_prevention(actor: Actor, patient: Patient, today=None) -> list[PreventionProposal]:
    """Add the proposals the prevention calendar has for the patient today (each window proposed once,
    whatever the patient answered), taking the vaccinations of the health profile into account."""
    authorize(actor, P.AGENDA_PREVENTION_ANSWER, patient)
    today = today or timezone.localdate()
    entries = health_profile(actor, patient).filter(kind=ProfileEntry.Kind.VACCINATION)
    recorded = [prevention.Vaccination(e.date, e.label, e.code) for e in entries]
    created = []
    for item in prevention.due(patient.birth_date, patient.sex, today, recorded):
        proposal, new = PreventionProposal.objects.get_or_create(
            patient=patient,
            rule_id=item.rule["id"],
            due_from=item.due_from,
            defaults={"due_until": item.due_until},
        )
        if new:
            created.append(proposal)
    return created
