"""Tokens (private_key_jwt; SMART scopes), Patient, profile resources, AuditEvent, Consent."""

import pytest
from django.test import Client

from carnet.fhir.tests.conftest import PDF, assertion, document_bundle

pytestmark = pytest.mark.django_db
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def ask_token(jwt_assertion, grant="client_credentials", assertion_type=ASSERTION_TYPE):
    return Client().post(
        "/oauth/token/",
        {"grant_type": grant, "client_assertion": jwt_assertion, "client_assertion_type": assertion_type},
    )


def test_signed_assertion_gets_a_token_naming_the_professional(software, bob):
    response = ask_token(assertion(software, bob.rpps))
    assert response.status_code == 200 and response.json()["token_type"] == "Bearer"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "change",
    [
        {"aud": "https://elsewhere/token"},
        {"exp": 1},
        {"sub": "someone-else"},
        {"rpps": "81000123455"},
    ],
)
def test_bad_assertions_are_refused(software, bob, change):
    rpps = change.pop("rpps", bob.rpps)
    assert ask_token(assertion(software, rpps, **change)).status_code == 401


def test_an_assertion_signed_by_another_key_is_refused(software, bob):
    from cryptography.hazmat.primitives.asymmetric import ec

    app, _key = software
    assert ask_token(assertion((app, ec.generate_private_key(ec.SECP256R1())), bob.rpps)).status_code == 401


def test_a_replayed_assertion_is_refused(software, bob):
    jwt_assertion = assertion(software, bob.rpps)
    assert ask_token(jwt_assertion).status_code == 200
    assert ask_token(jwt_assertion).status_code == 401


def test_wrong_assertion_type_is_refused(software, bob):
    assert ask_token(assertion(software, bob.rpps), assertion_type="urn:other").status_code == 400


def test_patient_search_by_ins(as_pro, alice, bob):
    found = as_pro(bob).get("Patient", identifier=f"urn:oid:1.2.250.1.213.1.4.8|{alice.nir}").json()
    assert found["total"] == 1 and found["entry"][0]["resource"]["identifier"][0]["value"] == alice.nir
    from carnet.identity.nir import make_nir

    unknown = make_nir(1, 1970, 1, "33", 63, 1)
    assert (
        as_pro(bob).get("Patient", identifier=f"urn:oid:1.2.250.1.213.1.4.8|{unknown}").json()["total"] == 0
    )
    assert as_pro(bob).get("Patient", identifier="urn:oid:1.2.250.1.213.1.4.8|" + "1" * 15).status_code == 400
    assert as_pro(bob).get("Patient").status_code == 400


def test_full_width_digits_in_an_ins_resolve_to_nobody(as_pro, alice, bob):
    wide = "".join(chr(0xFF10 + int(ch)) if ch.isdigit() else ch for ch in alice.nir)
    for identifier in (f"urn:oid:1.2.250.1.213.1.4.8|{wide}", wide):
        response = as_pro(bob).get("Patient", identifier=identifier)
        assert response.status_code == 400 and response.json()["resourceType"] == "OperationOutcome"
    reference = {"reference": f"Patient?identifier=urn:oid:1.2.250.1.213.1.4.8|{wide}"}
    answer = as_pro(bob).post(
        "AllergyIntolerance", {"resourceType": "AllergyIntolerance", "patient": reference}
    )
    assert answer.status_code == 400 and not alice.profile_entries.exists()


def test_profile_resources_read_and_write(as_pro, alice, bob, dave):
    api = as_pro(bob)
    created = api.post(
        "AllergyIntolerance",
        {
            "resourceType": "AllergyIntolerance",
            "patient": {"reference": f"Patient/{alice.pk}"},
            "code": {"text": "Pénicilline"},
            "recordedDate": "2026-10-01",
        },
    )
    assert created.status_code == 201
    found = api.get("AllergyIntolerance", patient=alice.pk).json()
    assert found["entry"][0]["resource"]["code"]["text"] == "Pénicilline"
    for kind in ("Condition", "MedicationStatement", "Immunization", "Observation"):
        assert api.get(kind, patient=alice.pk).status_code == 200
    assert as_pro(dave).get("AllergyIntolerance", patient=alice.pk).status_code == 403
    assert (
        api.post(
            "AllergyIntolerance",
            {"resourceType": "AllergyIntolerance", "patient": {"reference": f"Patient/{alice.pk}"}},
        ).status_code
        == 422
    )


def test_patient_app_scopes_narrow_what_it_sees(as_app, as_pro, alice, bob):
    as_pro(bob).post("", document_bundle(alice, ("urn:oid:55", "11488-4", PDF)))
    documents_app = as_app(alice, ["patient/DocumentReference.rs"])
    assert documents_app.get("DocumentReference").json()["total"] == 1
    assert documents_app.get("AllergyIntolerance").status_code == 403
    allergy_app = as_app(alice, ["patient/AllergyIntolerance.rs"])
    assert allergy_app.get("DocumentReference").status_code == 200
    assert allergy_app.get("DocumentReference").json()["total"] == 0
    assert allergy_app.post("", document_bundle(alice, ("urn:oid:56", "DOCPAT01", PDF))).status_code == 403


def test_audit_events_are_the_patients_own_journal(as_app, as_pro, alice, bob):
    from fhir.resources.R4B.auditevent import AuditEvent

    as_pro(bob).get("DocumentReference", patient=alice.pk)
    app = as_app(alice, ["patient/AuditEvent.rs"])
    events = app.get("AuditEvent").json()["entry"]
    assert events and all(AuditEvent.model_validate(e["resource"]) for e in events)
    assert as_pro(bob).get("AuditEvent", patient=alice.pk).status_code == 403


def test_consent_shows_the_patients_access_settings(as_app, alice):
    from fhir.resources.R4B.consent import Consent

    consent = as_app(alice, ["patient/*.rs"]).get("Consent").json()["entry"][0]["resource"]
    Consent.model_validate(consent)
    assert "grant mode declared" in consent["policyRule"]["text"]


def test_unknown_resource_type_is_404(as_pro, alice, bob):
    assert as_pro(bob).get("Spaceship", patient=alice.pk).status_code == 404
