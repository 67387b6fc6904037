"""SMART scopes against the health profile: every scope is a row, every profile kind a column; a scope opens
its own kind only (the review read an HIV test under ``patient/AllergyIntolerance.rs``)."""

import pytest

from carnet.access.actor import Actor, Role
from carnet.access.permissions import Permission as P
from carnet.access.policy import decide, profile_kinds
from carnet.access.tests import world
from carnet.records.queries import ProfileSection

pytestmark = pytest.mark.django_db

KINDS = ["allergy", "condition", "treatment", "vaccination", "measurement"]
# scope: which kinds it reads (Y) in the order of KINDS
TABLE = {
    "patient/AllergyIntolerance.rs": "Y....",
    "patient/Condition.rs": ".Y...",
    "patient/MedicationStatement.rs": "..Y..",
    "patient/Immunization.rs": "...Y.",
    "patient/Observation.rs": "....Y",
    "patient/*.rs": "YYYYY",
    "patient/*.read": "YYYYY",
    "patient/DocumentReference.rs": ".....",
    "patient/DocumentReference.u": ".....",
    "patient/Binary.rs": ".....",
    "patient/AuditEvent.rs": ".....",
    "patient/Condition.c": ".....",
    "user/Condition.rs": ".....",
    "launch/patient": ".....",
    "fhir": ".....",
    # scopes of the agenda, measurements and messaging: they open no profile kind for reading
    "patient/Appointment.rs": ".....",
    "patient/Appointment.cu": ".....",
    "patient/Observation.c": ".....",
    "patient/DocumentReference.c": ".....",  # writes patient documents it authors, reads nothing
    "patient/Communication.rs": ".....",
}


def test_the_table_names_every_scope_carnet_grants(settings):
    assert set(settings.OAUTH2_PROVIDER["SCOPES"]) <= set(TABLE)


@pytest.mark.parametrize("scope", list(TABLE))
def test_a_scope_reads_its_own_profile_kind_only(scope):
    patient, pros, actors, document = world.build_world()
    app = Actor(role=Role.APP, patient=patient, scopes=frozenset({scope, "launch/patient"}), app_name="App")
    expected = {kind for kind, mark in zip(KINDS, TABLE[scope], strict=True) if mark == "Y"}
    decided = {
        kind for kind in KINDS if decide(app, P.RECORD_PROFILE_READ, ProfileSection(patient, kind)).allowed
    }
    assert decided == expected
    assert profile_kinds(app) == expected  # what a list of the whole profile shows agrees
    assert decide(app, P.RECORD_PROFILE_READ, patient).allowed is bool(expected)


def test_scopes_narrow_but_never_widen_what_the_patient_sees():
    patient, pros, actors, document = world.build_world()
    for kind in KINDS:
        assert decide(actors["patient"], P.RECORD_PROFILE_READ, ProfileSection(patient, kind)).allowed
        assert not decide(actors["operator"], P.RECORD_PROFILE_READ, ProfileSection(patient, kind)).allowed
    assert profile_kinds(actors["patient"]) is None
