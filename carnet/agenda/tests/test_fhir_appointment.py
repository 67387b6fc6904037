"""FHIR Appointment for professional software (shared-agenda style): create an appointment with oneself,
move it with PUT, cancel it with status cancelled; another professional neither reads nor touches it."""

import json

import pytest

from carnet.agenda.models import Event

pytestmark = pytest.mark.django_db


def appointment(patient, start="2026-12-20T10:00:00+01:00"):
    return {
        "resourceType": "Appointment",
        "status": "booked",
        "description": "Consultation de suivi",
        "start": start,
        "end": "2026-12-20T10:20:00+01:00",
        "participant": [{"actor": {"reference": f"Patient/{patient.pk}"}, "status": "accepted"}],
    }


def put(api, location, body):
    return api.client.put(
        f"/fhir/{location}", json.dumps(body), content_type="application/fhir+json", **api.headers
    )


def test_professional_creates_moves_and_cancels_an_appointment_with_themselves(alice, bob, dave, as_pro):
    gp, stranger = as_pro(bob), as_pro(dave)
    created = gp.post("Appointment", appointment(alice))
    assert created.status_code == 201, created.content
    location = created["Location"]
    body = created.json()
    assert body["participant"][1]["actor"]["reference"] == f"Practitioner/{bob.pk}"
    assert Event.objects.get().created_by_role == "professional"
    assert stranger.get(location).status_code == 404
    assert put(stranger, location, {"resourceType": "Appointment", "status": "cancelled"}).status_code == 404
    assert stranger.get("Appointment").json()["total"] == 0
    moved = put(gp, location, {"resourceType": "Appointment", "start": "2026-12-21T09:00:00+01:00"})
    assert moved.status_code == 200 and moved.json()["start"].startswith("2026-12-21")
    cancelled = put(gp, location, {"resourceType": "Appointment", "status": "cancelled"})
    assert cancelled.json()["status"] == "cancelled"
    assert gp.get("Appointment").json()["total"] == 1


def test_invalid_appointments_are_refused_with_an_outcome(alice, bob, as_pro):
    gp = as_pro(bob)
    no_start = appointment(alice) | {"start": None}
    assert gp.post("Appointment", no_start).status_code == 422
    backwards = appointment(alice, start="2026-12-20T11:00:00+01:00")
    response = gp.post("Appointment", backwards)
    assert response.status_code == 422 and response.json()["resourceType"] == "OperationOutcome"
    assert gp.get("Appointment/not-a-uuid").status_code == 404
    assert not Event.objects.exists()
