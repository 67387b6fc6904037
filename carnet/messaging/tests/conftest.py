"""Messaging's world: bob's own mailbox, charlie's pharmacy, and the actors of the named users."""

import datetime

import pytest
from django.utils import timezone

from carnet import factories
from carnet.access.actor import Actor, Role
from carnet.identity.models import Mandate
from carnet.messaging import actions
from carnet.messaging.models import Mailbox


def as_patient(patient) -> Actor:
    return Actor(role=Role.PATIENT, user=patient.user, patient=patient)


def as_pro(professional) -> Actor:
    return Actor(role=Role.PROFESSIONAL, user=professional.user, professional=professional)


def as_operator(user) -> Actor:
    return Actor(role=Role.OPERATOR, user=user)


def as_caregiver(patient, scopes) -> Actor:
    helper = factories.make_user()
    mandate = Mandate.objects.create(
        patient=patient, caregiver=helper, scopes=scopes, ends_at=timezone.now() + datetime.timedelta(days=30)
    )
    return Actor(role=Role.CAREGIVER, user=helper, patient=patient, mandate=mandate)


@pytest.fixture
def bob_box(bob):
    mailbox = actions.personal_mailbox(Actor.for_professional(bob))
    mailbox.address = "bob.durand@cabinet.mssante.test"
    mailbox.save(update_fields=["address"])
    return mailbox


@pytest.fixture
def pharmacy(charlie):
    return Mailbox.objects.create(owner=charlie, name="Pharmacie du Marché", kind=Mailbox.Kind.PHARMACY)


@pytest.fixture
def dave_box(dave):
    return actions.personal_mailbox(Actor.for_professional(dave))


@pytest.fixture
def conversation(alice, bob, bob_box):
    """Bob wrote to alice."""
    draft = actions.Draft(body="Bonjour Alice, vos résultats sont normaux.")
    return actions.start_conversation(as_pro(bob), alice, bob_box, "Résultats de prise de sang", draft)
