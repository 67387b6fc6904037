"""The agenda's and the catalogue's rules on their own resources, for every role of the policy world plus
an app with the agenda scopes and an editor: a professional sees only the events they take part in, a
professional's appointment is theirs to move, reminders are the system's, a file is its editor's."""

import datetime

import pytest
from django.utils import timezone

from carnet.access.actor import Actor, Role
from carnet.access.permissions import Permission as P
from carnet.access.policy import decide
from carnet.access.tests import world
from carnet.agenda.models import Event
from carnet.catalogue.models import ApplicationFile

pytestmark = pytest.mark.django_db
EXTRA = ["app-agenda", "app-measures", "editor"]
PERSON = {"patient", "representative"}
READERS = PERSON | {"caregiver-read", "app-agenda"}
# (action, event made by): roles allowed
TABLE = {
    (P.AGENDA_EVENT_READ, "gp"): READERS | {"gp"},
    (P.AGENDA_EVENT_UPDATE, "gp"): {"gp"},
    (P.AGENDA_EVENT_CANCEL, "gp"): {"gp"},
    (P.AGENDA_EVENT_CREATE, "gp"): PERSON | {"gp", "app-agenda"},
    (P.AGENDA_EVENT_READ, "patient"): READERS,
    (P.AGENDA_EVENT_UPDATE, "patient"): PERSON | {"app-agenda"},
    (P.AGENDA_EVENT_CANCEL, "patient"): PERSON | {"app-agenda"},
    (P.AGENDA_FEED_MANAGE, "patient"): PERSON,
    (P.AGENDA_REMINDER_SEND, "patient"): {"system"},
}


def _actors(patient, actors):
    from carnet import factories

    return actors | {
        "app-agenda": Actor(
            role=Role.APP,
            patient=patient,
            scopes=frozenset({"patient/Appointment.rs", "patient/Appointment.cu"}),
            app_name="Agenda",
        ),
        "app-measures": Actor(
            role=Role.APP, patient=patient, scopes=frozenset({"patient/Observation.c"}), app_name="Balance"
        ),
        "editor": Actor(role=Role.EDITOR, user=factories.make_editor("edith-world")),
    }


def _event(patient, pros, made_by):
    professional = pros["gp"] if made_by == "gp" else None
    return Event(
        patient=patient,
        title="Consultation",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        professional=professional,
        created_by_role="professional" if professional else "patient",
        created_by_label="x",
    )


@pytest.mark.parametrize(("action", "made_by"), list(TABLE))
def test_event_rules(action, made_by):
    patient, pros, actors, _document = world.build_world()
    actors = _actors(patient, actors)
    event = _event(patient, pros, made_by)
    event.save()
    wrong = [
        f"{role}: {d.allowed} ({d.rule})"
        for role, actor in actors.items()
        if (d := decide(actor, action, event)).allowed != (role in TABLE[(action, made_by)])
    ]
    assert not wrong, "\n".join(wrong)


def test_a_file_is_its_editors_only():
    patient, pros, actors, _document = world.build_world()
    actors = _actors(patient, actors)
    mine = ApplicationFile(owner_id=actors["editor"].user_id)
    other = ApplicationFile(owner_id=actors["patient"].user_id)
    allowed = {role for role, actor in actors.items() if decide(actor, P.CATALOGUE_FILE_SUBMIT, mine).allowed}
    assert allowed == {"editor"}
    assert decide(actors["editor"], P.CATALOGUE_FILE_SUBMIT, other).rule == "not-their-file"


def test_measurement_writes_only_by_the_patient_side_and_apps_with_the_write_scope():
    from carnet.catalogue.models import Measurement

    patient, pros, actors, _document = world.build_world()
    actors = _actors(patient, actors)
    measurement = Measurement(patient=patient, kind="weight", code="29463-7", value=70, unit="kg")
    allowed = {r for r, a in actors.items() if decide(a, P.RECORD_MEASUREMENT_WRITE, measurement).allowed}
    assert allowed == PERSON | {"app-measures"}
