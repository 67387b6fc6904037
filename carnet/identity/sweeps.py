"""The lifecycle's daily sweeps: find every space due, and run the one action for each (run by tasks)."""

import datetime

from django.conf import settings
from django.utils import timezone

from carnet.access.actor import SYSTEM
from carnet.dates import years_after
from carnet.identity import actions
from carnet.identity.models import Patient, Representative

State = Patient.State


def open_unactivated_spaces(now: datetime.datetime | None = None) -> int:
    """After the opposition window a space is open even if never activated."""
    now = now or timezone.now()
    due = Patient.objects.filter(state=State.PENDING, opposition_deadline__lte=now)
    return sum(1 for patient in due.iterator() if actions.open_space(SYSTEM, patient))


def close_expired_suspensions(now: datetime.datetime | None = None) -> int:
    """A suspension the holder did not object to becomes a closure."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=settings.CARNET_SUSPENSION_DAYS)
    due = Patient.objects.filter(state=State.SUSPENDED, state_changed_at__lte=limit)
    return sum(1 for patient in due.iterator() if actions.request_closure(SYSTEM, patient))


def hand_over_at_majority(today: datetime.date | None = None) -> int:
    """At 18 the space passes to the person: representatives lose access that day; the person is invited."""
    today = today or timezone.localdate()
    adults = Representative.objects.filter(
        ended_at__isnull=True,
        patient__birth_date__lte=years_after(today, -18),
        kind=Representative.Kind.PARENT,
    ).values_list("patient_id", flat=True)
    due = Patient.objects.filter(pk__in=set(adults))
    return sum(1 for patient in due if actions.hand_over(SYSTEM, patient))
