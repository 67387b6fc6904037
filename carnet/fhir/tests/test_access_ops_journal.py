"""The access operations write the patient's journal, allowed or refused, as the pages do; they are for
professional software only."""

import pytest

from carnet.access.models import Block
from carnet.journal.models import Entry

pytestmark = pytest.mark.django_db


def test_asking_the_standing_is_journaled(as_pro, alice, dave):
    assert as_pro(dave).get(f"Patient/{alice.pk}/$access-status").status_code == 200
    entry = Entry.objects.get(patient_id=alice.pk, action="access:standing:read")
    assert entry.allowed and entry.actor_professional_id == dave.pk and entry.channel == "api"


def test_a_declared_consent_is_journaled(as_pro, alice, dave):
    response = as_pro(dave).post(f"Patient/{alice.pk}/$declare-consent", {})
    assert response.status_code == 201 and response["Content-Type"] == "application/fhir+json"
    assert Entry.objects.filter(patient_id=alice.pk, action="access:grant:create", allowed=True).count() == 1


def test_a_refused_declaration_is_journaled_and_answered_with_an_operation_outcome(as_pro, alice, dave):
    Block.objects.create(patient=alice, professional=dave)
    response = as_pro(dave).post(f"Patient/{alice.pk}/$declare-consent", {})
    assert response.status_code == 403 and response.json()["resourceType"] == "OperationOutcome"
    refused = Entry.objects.get(patient_id=alice.pk, action="access:grant:create")
    assert not refused.allowed and refused.rule == "blocked"


def test_a_patient_app_cannot_use_them(as_app, alice):
    response = as_app(alice, ["patient/*.rs"]).get(f"Patient/{alice.pk}/$access-status")
    assert response.status_code == 403 and response.json()["resourceType"] == "OperationOutcome"
    assert not Entry.objects.filter(action="access:standing:read").exists()
