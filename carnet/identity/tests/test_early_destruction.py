"""Early destruction of an archived space, and the query the destruction task reads."""

import datetime

import pytest
from django.utils import timezone

from carnet import factories
from carnet.access.actor import SYSTEM, Actor
from carnet.errors import Refused
from carnet.identity import actions, queries
from carnet.identity.models import Patient
from carnet.journal.models import Entry

pytestmark = pytest.mark.django_db
State = Patient.State


def test_an_archived_space_can_be_destroyed_after_the_grace_period(alice):
    actions.request_closure(SYSTEM, alice)
    actions.request_early_destruction(Actor.for_patient(alice), alice)
    alice.refresh_from_db()
    assert alice.destroy_after - timezone.now() <= datetime.timedelta(days=7)
    assert Entry.objects.filter(action="account:space:early-destruction", patient_id=alice.pk).exists()


@pytest.mark.parametrize("state", [State.OPEN, State.PENDING, State.SUSPENDED])
def test_early_destruction_of_a_space_not_closed_is_refused(state):
    patient = factories.make_patient("Léa", "Roux", state=state)
    with pytest.raises(Refused) as caught:
        actions.request_early_destruction(Actor.for_patient(patient), patient)
    assert caught.value.code == "not_closed"
    assert Patient.objects.get(pk=patient.pk).destroy_after is None


def test_early_destruction_never_postpones_a_sooner_date(alice):
    actions.request_closure(SYSTEM, alice, early_destruction=True)
    Patient.objects.filter(pk=alice.pk).update(destroy_after=timezone.now() + datetime.timedelta(days=1))
    alice.refresh_from_db()
    with pytest.raises(Refused):
        actions.request_early_destruction(Actor.for_patient(alice), alice)


def test_spaces_due_for_destruction_are_closed_and_past_their_date(alice):
    actions.request_closure(SYSTEM, alice, early_destruction=True)
    assert list(queries.spaces_due_for_destruction(timezone.now())) == []
    later = timezone.now() + datetime.timedelta(days=8)
    assert list(queries.spaces_due_for_destruction(later)) == [alice]
