"""Apps write measurements as FHIR Observation (ANS "Mesures de santé"): validated, range-checked,
duplicates refused, each carrying its source app; the patient and professionals with access see them."""

import re

import pytest

from carnet import factories
from carnet.catalogue.models import Measurement
from carnet.web.tests.test_journeys import found, signed_in

pytestmark = pytest.mark.django_db


def weight(patient, kg, when="2026-11-20T08:00:00+01:00", identifier=None):
    body = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
        "subject": {"reference": f"Patient/{patient.pk}"},
        "effectiveDateTime": when,
        "valueQuantity": {"value": kg, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"},
    }
    if identifier:
        body["identifier"] = [{"system": "urn:balance", "value": identifier}]
    return body


def pressure(patient, high, low):
    mmhg = {"unit": "mm[Hg]", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "85354-9"}]},
        "effectiveDateTime": "2026-11-20T08:00:00+01:00",
        "component": [
            {
                "code": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}]},
                "valueQuantity": {"value": high, **mmhg},
            },
            {
                "code": {"coding": [{"system": "http://loinc.org", "code": "8462-4"}]},
                "valueQuantity": {"value": low, **mmhg},
            },
        ],
    }


def test_an_app_writes_a_weight_that_carries_its_source(alice, as_app):
    api = as_app(alice, ["patient/Observation.c", "patient/Observation.rs"])
    response = api.post("Observation", weight(alice, 72.5, identifier="w-1"))
    assert response.status_code == 201, response.content
    measurement = Measurement.objects.get()
    assert (measurement.kind, float(measurement.value), measurement.source_app) == (
        "weight",
        72.5,
        "Appli de suivi",
    )
    read = api.get(response["Location"])
    assert read.json()["valueQuantity"]["value"] == 72.5 and read.json()["meta"]["source"] == "Appli de suivi"
    found = api.get("Observation", code="http://loinc.org|29463-7").json()
    assert [e["resource"]["id"] for e in found["entry"]] == [f"m-{measurement.pk}"]


def test_blood_pressure_as_two_components(alice, as_app):
    api = as_app(alice, ["patient/Observation.c"])
    assert api.post("Observation", pressure(alice, 128, 82)).status_code == 201
    assert float(Measurement.objects.get().value2) == 82


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (lambda p: weight(p, 900), 422),  # outside the plausible range
        (lambda p: weight(p, -1), 422),
        (lambda p: {**weight(p, 70), "valueQuantity": {"value": 70, "unit": "lb", "code": "[lb_av]"}}, 422),
        (
            lambda p: {
                **weight(p, 70),
                "code": {"coding": [{"system": "http://loinc.org", "code": "0000-0"}]},
            },
            422,
        ),
        (lambda p: pressure(p, 400, 80), 422),
        (lambda p: {**weight(p, 70), "effectiveDateTime": None}, 422),
        (lambda p: {"resourceType": "Patient"}, 400),
    ],
)
def test_invalid_or_implausible_values_are_refused_and_nothing_is_stored(alice, as_app, body, status):
    api = as_app(alice, ["patient/Observation.c"])
    response = api.post("Observation", body(alice))
    assert response.status_code == status, response.content
    assert response.json()["resourceType"] == "OperationOutcome"
    assert not Measurement.objects.exists()


def test_a_duplicate_identifier_is_refused(alice, as_app):
    api = as_app(alice, ["patient/Observation.c"])
    assert api.post("Observation", weight(alice, 72, identifier="w-1")).status_code == 201
    assert api.post("Observation", weight(alice, 73, identifier="w-1")).status_code == 409
    assert Measurement.objects.count() == 1


def test_an_app_never_writes_for_another_patient(alice, as_app):
    other = factories.make_patient("Zoé", "Autre")
    api = as_app(alice, ["patient/Observation.c"])
    assert api.post("Observation", weight(other, 70)).status_code == 403
    assert not Measurement.objects.exists()


def test_writing_needs_the_write_scope(alice, as_app):
    api = as_app(alice, ["patient/Observation.rs"])
    assert api.post("Observation", weight(alice, 70)).status_code == 403


def test_apps_write_appointments_into_the_agenda(alice, as_app):
    from carnet.agenda.models import Event

    body = {
        "resourceType": "Appointment",
        "status": "booked",
        "description": "Téléconsultation",
        "start": "2026-12-20T10:00:00+01:00",
        "end": "2026-12-20T10:20:00+01:00",
        "participant": [{"actor": {"reference": f"Patient/{alice.pk}"}, "status": "accepted"}],
    }
    assert as_app(alice, ["patient/Appointment.rs"]).post("Appointment", body).status_code == 403
    api = as_app(alice, ["patient/Appointment.cu", "patient/Appointment.rs"])
    response = api.post("Appointment", body)
    assert response.status_code == 201, response.content
    event = Event.objects.get()
    assert (event.created_by_role, event.source_app) == ("app", "Appli de suivi")
    moved = api.client.put(
        f"/fhir/{response['Location']}",
        '{"resourceType": "Appointment", "start": "2026-12-21T10:00:00+01:00"}',
        content_type="application/fhir+json",
        **api.headers,
    )
    assert moved.status_code == 200 and moved.json()["start"].startswith("2026-12-21")
    other = factories.make_patient("Zoé", "Autre")
    body["participant"][0]["actor"]["reference"] = f"Patient/{other.pk}"
    assert api.post("Appointment", body).status_code == 403


def test_measurement_pages_table_and_chart(client, alice, bob, dave, as_app):
    api = as_app(alice, ["patient/Observation.c"])
    for day, kg in ((18, 73.1), (19, 72.8), (20, 72.4)):
        api.post("Observation", weight(alice, kg, when=f"2026-11-{day}T08:00:00+01:00"))
    signed_in(client, alice.user)
    page = client.get("/patient/applications/mesures/").content.decode()
    assert "<svg" in page and "<polyline" in page and ("72,4" in page or "72.4" in page)
    assert "Appli de suivi" in page
    client.logout()
    signed_in(client, bob.user)
    bobs = _measurements_link(client.get(found(client, alice)).content.decode())
    assert "72" in client.get(bobs).content.decode()
    client.logout()
    signed_in(client, dave.user)
    daves = client.get(found(client, alice)).content.decode()
    assert "/pro/mesures/" not in daves  # no access: no link
    assert client.get(bobs).status_code == 404  # bob's session's reference names nobody in dave's
    assert client.get(f"/pro/mesures/{alice.pk}/").status_code == 404  # nor does her number
    dave_ref = found(client, alice).rstrip("/").rpartition("/")[2]
    refused = client.get(f"/pro/mesures/{dave_ref}/")
    assert "72" not in refused.content.decode()  # no access: the page says so, with no values


def _measurements_link(page: str) -> str:
    return re.search(r'href="(/pro/mesures/[^"]+)"', page).group(1)


def test_professionals_read_measurements_through_the_api_as_the_policy_allows(
    alice, bob, dave, as_app, as_pro
):
    as_app(alice, ["patient/Observation.c"]).post("Observation", weight(alice, 71.8, identifier="w-9"))
    found = as_pro(bob).get("Observation", patient=str(alice.pk)).json()
    assert [e["resource"]["valueQuantity"]["value"] for e in found["entry"]] == [71.8]
    assert as_pro(dave).get("Observation", patient=str(alice.pk)).status_code == 403
    measurement_id = found["entry"][0]["resource"]["id"]
    assert as_pro(dave).get(f"Observation/{measurement_id}").status_code == 404
