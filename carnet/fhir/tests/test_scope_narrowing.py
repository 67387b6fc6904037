"""An app granted one profile scope reads that kind only, over the real API (the review's attack: an
allergy-only app read Condition (an HIV test), MedicationStatement, Immunization and Observation)."""

import datetime

import pytest

from carnet.journal.models import Entry
from carnet.records.models import ProfileEntry

pytestmark = pytest.mark.django_db
OTHERS = ["Condition", "MedicationStatement", "Immunization", "Observation"]


@pytest.fixture
def profile(alice):
    day = datetime.date(2026, 1, 5)
    for kind, label in [
        ("allergy", "Pénicilline"),
        ("condition", "Infection VIH"),
        ("treatment", "Ténofovir"),
        ("vaccination", "DTP"),
        ("measurement", "Poids"),
    ]:
        ProfileEntry.objects.create(patient=alice, kind=kind, label=label, date=day)
    return alice


def test_an_allergy_scope_reads_allergies(as_app, profile):
    api = as_app(profile, ["launch/patient", "patient/AllergyIntolerance.rs"])
    response = api.get("AllergyIntolerance")
    assert response.status_code == 200
    assert [e["resource"]["resourceType"] for e in response.json()["entry"]] == ["AllergyIntolerance"]


@pytest.mark.parametrize("resource_type", OTHERS)
def test_an_allergy_scope_reads_no_other_kind(as_app, profile, resource_type):
    api = as_app(profile, ["launch/patient", "patient/AllergyIntolerance.rs"])
    response = api.get(resource_type)
    assert response.status_code == 403
    assert "VIH" not in response.content.decode() and "Ténofovir" not in response.content.decode()
    refused = Entry.objects.filter(action="record:profile:read", allowed=False, patient_id=profile.pk)
    assert refused.filter(rule="app-scope").exists()


def test_a_wildcard_scope_reads_every_kind(as_app, profile):
    api = as_app(profile, ["launch/patient", "patient/*.rs"])
    assert all(api.get(kind).status_code == 200 for kind in ["AllergyIntolerance", *OTHERS])
