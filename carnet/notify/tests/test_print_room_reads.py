"""The print room reads the letters it prints (a secure message for a person without internet, an
activation code): each letter it opens is asked of the policy and written in that person's journal, in
words they read."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from carnet.access.actor import ANONYMOUS, Actor
from carnet.access.decision import AccessDenied
from carnet.access.permissions import Permission as P
from carnet.identity import actions as identity
from carnet.identity.actions import request_closure
from carnet.journal.models import Entry
from carnet.messaging import actions as messaging
from carnet.messaging.tests.conftest import as_patient, as_pro, bob_box  # noqa: F401 - fixture
from carnet.notify.actions import set_preferences
from carnet.notify.models import OutboxMessage
from carnet.notify.queries import letter_pdf_of
from carnet.notify.tasks import deliver_notification
from carnet.records import sweeps
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter_for_alice(alice, bob, bob_box):  # noqa: F811
    """Alice chose post: Bob's secure message to her waits in the print queue, sealed."""
    alice.address = "3 rue des Lilas 69003 Lyon"
    alice.save(update_fields=["address"])
    set_preferences(as_patient(alice), alice, channel="letter")
    draft = messaging.Draft(body="Votre test est négatif", uploads=[])
    messaging.start_conversation(as_pro(bob), alice, bob_box, "Résultat", draft)
    return OutboxMessage.objects.get(channel="letter", patient_id=alice.pk)


def _reads(patient):
    return Entry.objects.filter(action=P.NOTIFY_LETTER_READ, patient_id=patient.pk)


def test_the_batch_for_the_printer_is_journaled_for_each_person(letter_for_alice, alice, erin):
    operator = signed_in(Client(), erin)
    assert operator.post("/operateurs/courriers/lots/").status_code == 302
    batch = OutboxMessage.objects.get(pk=letter_for_alice.pk).batch
    answer = operator.get(f"/operateurs/courriers/lots/{batch.pk}/lot.pdf")
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    entry = _reads(alice).get()
    assert entry.allowed and entry.actor_user_id == erin.pk
    alice_sees = signed_in(Client(), alice.user).get("/patient/journal/").content.decode()
    assert "pour l&#x27;imprimer et vous l&#x27;envoyer par la poste" in alice_sees


def test_one_letter_opened_by_the_print_room_is_journaled_too(letter_for_alice, alice, erin):
    operator = signed_in(Client(), erin)
    answer = operator.get(f"/operateurs/courriers/{letter_for_alice.pk}/lettre.pdf")
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    assert _reads(alice).filter(allowed=True).count() == 1


@pytest.mark.parametrize("who", ["patient", "professional", "anonymous"])
def test_nobody_else_reads_a_letter_to_print(letter_for_alice, alice, bob, who):
    actor = {
        "patient": lambda: as_patient(alice),
        "professional": lambda: Actor.for_professional(bob),
        "anonymous": lambda: ANONYMOUS,
    }[who]()
    with pytest.raises(AccessDenied):
        letter_pdf_of(actor, letter_for_alice)
    assert (
        _reads(alice).filter(allowed=False).count() == 1 and not _reads(alice).filter(allowed=True).exists()
    )


def test_the_print_pages_are_closed_to_a_patient(letter_for_alice, alice):
    patient = signed_in(Client(), alice.user)
    assert patient.get(f"/operateurs/courriers/{letter_for_alice.pk}/lettre.pdf").status_code == 302
    assert not _reads(alice).exists()


def test_a_letter_to_a_professional_asks_the_policy_too(bob, erin):
    """A professional's new postal address is confirmed by a letter with a code: no person's journal, but
    still the policy's decision, and nobody but the print room reads it."""
    identity.request_contact_change(
        Actor.for_professional(bob), bob.user, "address", "2 quai Jayr 69009 Lyon"
    )
    letter = OutboxMessage.objects.get(channel="letter", patient_id=None)
    assert letter_pdf_of(Actor.for_account(erin), letter).startswith(b"%PDF")
    entry = Entry.objects.filter(action=P.NOTIFY_LETTER_READ).get()
    assert entry.allowed and entry.patient_id is None and entry.actor_user_id == erin.pk
    for actor in (Actor.for_professional(bob), ANONYMOUS):
        with pytest.raises(AccessDenied):
            letter_pdf_of(actor, letter)
    assert Entry.objects.filter(action=P.NOTIFY_LETTER_READ, allowed=False).count() == 2


def test_a_notice_queued_before_a_space_was_destroyed_makes_no_letter(letter_for_alice, alice):
    OutboxMessage.objects.all().delete()
    request_closure(as_patient(alice), alice, early_destruction=True)
    assert sweeps.destroy_due_spaces(timezone.now() + datetime.timedelta(days=8)) == 1
    deliver_notification.call(alice.pk, "document-added", "Nouveau document", "Connectez-vous.")  # late task
    assert not OutboxMessage.objects.exists()
