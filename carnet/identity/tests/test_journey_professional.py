"""A deployment fed only by its files: the directory and the beneficiary file are imported with the
commands, the patient activates with the code of her invitation, and a professional of the directory
signs in through the OpenID Connect provider process, finds her by INS, declares her consent through the
API, reads what the insurer deposited and deposits a report. No factory, no demo data.

The one set-up step without a page yet: the operator registers the practice's software (its public key),
as ``carnet.fhir.models.SoftwareClient``."""

import base64
import io
import re
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import call_command
from django.test import Client
from oauth2_provider.models import Application

from carnet.fhir.mapping import INS_SYSTEM
from carnet.fhir.models import SoftwareClient
from carnet.identity.models import Professional
from carnet.identity.tests.oidc_fixtures import follow_provider
from carnet.notify.models import OutboxMessage
from carnet.records.samples import sample_pdf

pytestmark = [pytest.mark.django_db, pytest.mark.server]
RPPS, NIR = "10000000017", "285037505604287"
PROFESSIONALS = f"""rpps,adeli,family_name,given_name,profession,specialty,organisation,finess,email
{RPPS},,Lefèvre,Hélène,medecin,medecine-generale,Cabinet du Port,,helene.lefevre@cabinet.example
10000000025,,Roux,Paul,pharmacien,,Pharmacie du Port,,
"""
BENEFICIARIES = f"""nir;birth_name;used_name;first_names;birth_date;sex;birthplace_code;email;phone;address
{NIR};Martin;;Alice Marie;1985-03-14;F;75056;alice.martin@example.org;;
"""
REIMBURSEMENTS = f"""nir,period_end,unique_id,text
{NIR},2026-10-31,urn:oid:1.2.250.1.213.4.1.1,Consultation de médecine générale le 2026-10-02 : 30 EUR
"""


def _import(tmp_path, command, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    call_command(command, str(path))


def _activate_from_invitation(email: str) -> None:
    invitation = OutboxMessage.objects.filter(recipient=email).latest("created_at")
    code = re.search(r"code provisoire : (\S+)", invitation.body).group(1)
    response = Client().post(
        "/activation/",
        {
            "code": code,
            "login": "alice.m",
            "password": "Une phrase de passe solide 2026",
            "otp_channel": "email",
        },
    )
    assert response.status_code == 302, response.content


def _register_software(settings) -> tuple[Application, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    app = Application.objects.create(
        name="Logiciel du Cabinet du Port",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )
    SoftwareClient.objects.create(
        application=app, public_key_pem=public.decode(), structure="Cabinet du Port"
    )
    # the operator declares whom it serves, with the command they use (the directory's professionals)
    rpps = [f"--rpps={n}" for n in Professional.objects.exclude(rpps=None).values_list("rpps", flat=True)]
    call_command("software", "bind", app.client_id, *rpps, stdout=io.StringIO())
    return app, key


def _software_token(settings, app, key) -> str:
    now = int(time.time())
    claims = {
        "iss": app.client_id,
        "sub": app.client_id,
        "aud": f"{settings.SITE_URL}/oauth/token/",
        "exp": now + 60,
        "iat": now,
        "jti": str(uuid.uuid4()),
        "rpps": RPPS,
    }
    response = Client().post(
        "/oauth/token/",
        {
            "grant_type": "client_credentials",
            "client_assertion": jwt.encode(claims, key, algorithm="ES256"),
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        },
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def _report(patient_id: str) -> dict:
    return {
        "resourceType": "DocumentReference",
        "status": "current",
        "masterIdentifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{uuid.uuid4()}"},
        "type": {"coding": [{"system": "http://loinc.org", "code": "11488-4"}]},
        "subject": {"reference": f"Patient/{patient_id}"},
        "description": "Compte rendu de consultation",
        "context": {"period": {"start": "2026-11-30"}},
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "data": base64.b64encode(sample_pdf("Consultation", ["Examen normal"])).decode(),
                }
            }
        ],
    }


def test_from_the_files_to_a_professional_reading_and_depositing(tmp_path, settings, psc):
    _import(tmp_path, "import_professionals", "annuaire.csv", PROFESSIONALS)
    _import(tmp_path, "import_beneficiaries", "beneficiaires.csv", BENEFICIARIES)
    _activate_from_invitation("alice.martin@example.org")
    _import(tmp_path, "import_reimbursements", "remboursements.csv", REIMBURSEMENTS)

    doctor = Client()  # Dr Lefèvre's browser: Pro Santé Connect, her RPPS as the provider states it
    psc.control(claims={"sub": "psc-helene", "SubjectNameID": f"8{RPPS}"})
    path, query = follow_provider(doctor, "/connexion/avec/pro-sante-connect/")
    assert doctor.get(path, query)["Location"] == "/pro/"
    found = doctor.post("/pro/", {"nir": NIR, "birth_date": "1985-03-14"})  # a POST: no NIR in URLs
    assert found.status_code == 302 and "/pro/patients/" in found["Location"]

    app, key = _register_software(settings)
    api = {"HTTP_AUTHORIZATION": f"Bearer {_software_token(settings, app, key)}"}
    patients = doctor.get("/fhir/Patient", {"identifier": f"{INS_SYSTEM}|{NIR}"}, **api).json()
    patient_id = patients["entry"][0]["resource"]["id"]
    assert doctor.get("/fhir/DocumentReference", {"patient": patient_id}, **api).json()["total"] == 0
    status = doctor.get(f"/fhir/Patient/{patient_id}/$access-status", **api).json()
    assert {"name": "standing", "valueCode": "not-authorised"} in status["parameter"]

    declared = doctor.post(f"/fhir/Patient/{patient_id}/$declare-consent", {}, "application/fhir+json", **api)
    assert declared.status_code == 201
    assert OutboxMessage.objects.filter(
        recipient="alice.martin@example.org", subject__contains="nouveau professionnel"
    ).exists()

    documents = doctor.get("/fhir/DocumentReference", {"patient": patient_id}, **api).json()
    assert documents["total"] == 1
    url = documents["entry"][0]["resource"]["content"][0]["attachment"]["url"]
    assert b"30 EUR" in doctor.get(f"/fhir/{url}", **api).content
    deposited = doctor.post("/fhir/DocumentReference", _report(patient_id), "application/fhir+json", **api)
    assert deposited.status_code == 201
    assert doctor.get("/fhir/DocumentReference", {"patient": patient_id}, **api).json()["total"] == 2
    page = doctor.get(found["Location"]).content.decode()
    assert "Compte rendu de consultation" in page and "Remboursements" in page


def test_a_professional_missing_from_the_files_gets_nothing(tmp_path, settings, psc):
    _import(tmp_path, "import_professionals", "annuaire.csv", PROFESSIONALS)
    stranger = Client()
    psc.control(claims={"sub": "psc-other", "SubjectNameID": "899999999999"})
    path, query = follow_provider(stranger, "/connexion/avec/pro-sante-connect/")
    assert stranger.get(path, query).status_code == 403
    assert stranger.get("/pro/").status_code == 302
