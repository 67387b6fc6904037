"""Agenda events: who creates, moves and cancels them, who sees them, and that the creator shows."""

import datetime

import pytest
from django.utils import timezone

from carnet.access.actor import Actor, Role
from carnet.access.decision import AccessDenied
from carnet.agenda import actions, queries
from carnet.agenda.models import Event
from carnet.errors import NotFound
from carnet.identity.models import Mandate
from carnet.journal.models import Entry
from carnet.notify.models import OutboxMessage
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db


def at(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def me(patient) -> Actor:
    return Actor(role=Role.PATIENT, user=patient.user, patient=patient)


def pro(professional) -> Actor:
    return Actor(role=Role.PROFESSIONAL, user=professional.user, professional=professional)


def test_patient_enters_an_event_and_it_says_so(alice):
    event = actions.create_event(me(alice), alice, actions.EventData("Prise de sang", at(3)))
    assert (event.created_by_role, event.source_app) == ("patient", "")
    assert list(queries.patient_agenda(me(alice), alice)) == [event]
    assert Entry.objects.filter(action="agenda:event:create", allowed=True, patient_id=alice.pk).exists()


def test_an_event_needs_a_title_and_an_end_after_its_start(alice):
    with pytest.raises(Exception, match="intitulé"):
        actions.create_event(me(alice), alice, actions.EventData(" ", at(3)))
    with pytest.raises(Exception, match="fin"):
        actions.create_event(me(alice), alice, actions.EventData("IRM", at(3), at(2)))
    assert not Event.objects.exists()


def test_professional_sets_an_appointment_with_themselves_and_the_patient_is_told(alice, bob):
    event = actions.create_event(pro(bob), alice, actions.EventData("Consultation", at(5)))
    assert (
        event.professional == bob
        and "Bob" in event.created_by_label
        and event.created_by_role == "professional"
    )
    assert OutboxMessage.objects.filter(recipient=alice.email).exists()  # the patient is told
    moved = actions.move_event(pro(bob), event, at(6))
    assert moved.starts_at == at(6)
    assert actions.cancel_event(pro(bob), event).status == Event.Status.CANCELLED


def test_a_professional_never_reads_or_moves_another_ones_appointment(alice, bob, dave):
    event = actions.create_event(pro(bob), alice, actions.EventData("Consultation", at(5)))
    with pytest.raises(AccessDenied) as refused:
        queries.get_event(pro(dave), event.uid)
    assert refused.value.status == 404 and refused.value.decision.rule == "not-participant"
    with pytest.raises(AccessDenied):
        actions.move_event(pro(dave), event, at(9))
    assert queries.professional_agenda(pro(dave)) == []
    assert queries.professional_agenda(pro(bob)) == [event]


def test_the_patients_own_events_stay_out_of_the_professionals_agenda(alice, bob):
    actions.create_event(me(alice), alice, actions.EventData("Kiné", at(2)))
    assert queries.professional_agenda(pro(bob)) == []


def test_patient_may_not_move_a_professionals_appointment_but_moves_their_own(alice, bob):
    theirs = actions.create_event(pro(bob), alice, actions.EventData("Consultation", at(5)))
    with pytest.raises(AccessDenied) as refused:
        actions.move_event(me(alice), theirs, at(7))
    assert refused.value.decision.rule == "professional-appointment"
    mine = actions.create_event(me(alice), alice, actions.EventData("Kiné", at(2)))
    assert actions.move_event(me(alice), mine, at(4)).starts_at == at(4)


def test_caregiver_needs_the_documents_scope_to_write_the_agenda(alice):
    from carnet import factories

    helper = factories.make_user("helper")
    reader = Mandate.objects.create(
        patient=alice, caregiver=helper, scopes=["read"], ends_at=timezone.now() + datetime.timedelta(days=9)
    )
    actor = Actor(role=Role.CAREGIVER, user=helper, patient=alice, mandate=reader)
    with pytest.raises(AccessDenied) as refused:
        actions.create_event(actor, alice, actions.EventData("Dentiste", at(2)))
    assert refused.value.decision.rule == "mandate-scope"
    reader.scopes = ["documents"]
    reader.save()
    event = actions.create_event(actor, alice, actions.EventData("Dentiste", at(2)))
    assert event.created_by_role == "caregiver"


def test_an_unknown_event_is_not_found(alice):
    import uuid

    with pytest.raises(NotFound):
        queries.get_event(me(alice), uuid.uuid4())


def test_agenda_pages_show_who_created_each_event(client, alice, bob):
    actions.create_event(pro(bob), alice, actions.EventData("Consultation", at(5)))
    signed_in(client, alice.user)
    page = client.get("/patient/agenda/").content.decode()
    assert "Consultation" in page and "ajouté par" in page and "Bob" in page
    response = client.post(
        "/patient/agenda/",
        {"title": "Vaccin", "starts_at": at(4).strftime("%Y-%m-%dT%H:%M"), "reminders": [1440]},
    )
    assert response.status_code == 302
    event = Event.objects.get(title="Vaccin")
    assert event.reminders.get().minutes_before == 1440
    detail = client.get(f"/patient/agenda/{event.uid}/").content.decode()
    assert "ajouté par vous" in detail


def test_professional_pages_list_only_their_appointments(client, alice, bob, dave):
    actions.create_event(pro(dave), alice, actions.EventData("Urgences suivi", at(5)))
    signed_in(client, bob.user)
    response = client.post(
        "/pro/agenda/",
        {
            "nir": alice.nir,
            "birth_date": alice.birth_date.isoformat(),
            "title": "Consultation",
            "starts_at": at(3).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    page = client.get("/pro/agenda/").content.decode()
    assert "Consultation" in page and "Urgences suivi" not in page
    theirs = Event.objects.get(title="Urgences suivi")
    assert client.get(f"/pro/agenda/{theirs.uid}/").status_code == 404


def test_pages_in_english(client, alice):
    signed_in(client, alice.user)
    client.post("/i18n/setlang/", {"language": "en"})
    page = client.get("/patient/agenda/").content.decode()
    assert "My agenda" in page
