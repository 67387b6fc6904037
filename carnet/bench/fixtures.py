"""The benchmark's people, token, request bodies and metadata rows (in the benchmark database only)."""

import base64
import json
import time
import uuid

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import connection, transaction
from fpdf import FPDF
from oauth2_provider.models import Application

from carnet import factories
from carnet.identity.models import Patient, Professional
from carnet.identity.nir import make_nir

BENCH_RPPS_USER = "bench-gp"


def pdf_of_size(target: int = 100_000) -> bytes:
    """A real (uncompressed text) PDF of at least ``target`` bytes."""
    line = "Compte rendu de consultation - examen clinique - texte de remplissage du banc d'essai. " * 2
    pages = 1
    while True:
        pdf = FPDF(format="A4")
        pdf.set_compression(False)
        pdf.set_font("Helvetica", size=6)
        for _ in range(pages):
            pdf.add_page()
            for _ in range(60):
                pdf.cell(0, 4, line, new_x="LMARGIN", new_y="NEXT")
        data = bytes(pdf.output())
        if len(data) >= target:
            return data
        pages += max(1, (target - len(data)) // max(1, len(data) // pages))


def bench_gp() -> Professional:
    user = factories.make_user(BENCH_RPPS_USER) if not _user_exists() else None
    pro = Professional.objects.filter(user__username=BENCH_RPPS_USER).first()
    return pro or factories.make_professional("Banc", "Essai", user=user, rpps=factories.rpps_for(999_999))


def _user_exists() -> bool:
    from carnet.identity.models import User

    return User.objects.filter(username=BENCH_RPPS_USER).exists()


def bench_patients(gp: Professional, count: int) -> list[Patient]:
    """``count`` patients whose médecin traitant is the bench GP (created once, then reused)."""
    # Only the deposit targets (their NIRs share this prefix): never the timeline patient, who keeps 500.
    mine = list(Patient.objects.filter(gp=gp, nir__startswith="2800199999").order_by("pk")[:count])
    taken = Patient.objects.filter(nir__startswith="2800199999").count()
    for n in range(taken + 1, taken + 1 + count - len(mine)):
        nir = make_nir(2, 1980, 1, "99", 999, n)
        mine.append(factories.make_patient("Patient", "Banc", user=False, nir=nir, gp=gp))
    return mine


def timeline_patient(gp: Professional) -> Patient:
    """The patient whose timeline is read: kept apart from the deposit targets so it holds exactly 500."""
    nir = make_nir(2, 1980, 2, "99", 999, 2)  # serial 1 was used by an earlier, faulty, version
    found = Patient.objects.filter(nir=nir).first()
    return found or factories.make_patient("Patient", "Chronologie", user=False, nir=nir, gp=gp)


class SoftwareCredentials:
    """Professional software registered with its public key, for the real private_key_jwt flow: each
    ``assertion()`` is a new signed client assertion, good for one token request (its own ``jti``)."""

    def __init__(self, gp: Professional):
        from carnet.fhir.models import SoftwareClient

        self.gp = gp
        self.key = ec.generate_private_key(ec.SECP256R1())
        public = self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.app = Application.objects.create(
            name="Banc d'essai",
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        )
        client = SoftwareClient.objects.create(
            application=self.app, public_key_pem=public.decode(), structure="Banc"
        )
        client.professionals.add(gp)  # declared for the professional it acts for, as an operator would

    def assertion(self) -> str:
        from carnet.fhir.security import token_url

        now = int(time.time())
        claims = {"iss": self.app.client_id, "sub": self.app.client_id, "aud": token_url(), "iat": now}
        claims |= {"exp": now + 60, "jti": str(uuid.uuid4()), "rpps": self.gp.rpps, "structure": "Banc"}
        return jwt.encode(claims, self.key, algorithm="ES256")

    def token_form(self) -> dict:
        """The token request's form (POST /oauth/token/)."""
        from carnet.fhir.security import ASSERTION_TYPE

        return {
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": self.assertion(),
        }


def professional_token(gp: Professional) -> str:
    """A bearer token through the real private_key_jwt flow (software registered with its public key)."""
    from carnet.fhir.security import issue_professional_token

    form = SoftwareCredentials(gp).token_form()
    return issue_professional_token(form["client_assertion_type"], form["client_assertion"])["access_token"]


def bundle_template(content: bytes) -> str:
    """An ITI-65 transaction bundle as JSON with @PATIENT@, @UID@, @N1@..@N3@ placeholders."""
    binary = "urn:uuid:@N3@"
    subject = {"reference": "Patient/@PATIENT@"}
    entries = [
        {
            "fullUrl": "urn:uuid:@N1@",
            "resource": {
                "resourceType": "List",
                "status": "current",
                "mode": "working",
                "code": {
                    "coding": [
                        {
                            "system": "https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes",
                            "code": "submissionset",
                        }
                    ]
                },
                "subject": subject,
            },
            "request": {"method": "POST", "url": "List"},
        },
        {
            "fullUrl": "urn:uuid:@N2@",
            "resource": {
                "resourceType": "DocumentReference",
                "status": "current",
                "masterIdentifier": {"system": "urn:ietf:rfc:3986", "value": "urn:uuid:@UID@"},
                "type": {"coding": [{"system": "http://loinc.org", "code": "11488-4"}]},
                "subject": subject,
                "description": "Compte rendu de consultation",
                "content": [{"attachment": {"contentType": "application/pdf", "url": binary}}],
                "context": {"period": {"start": "2026-11-20"}},
            },
            "request": {"method": "POST", "url": "DocumentReference"},
        },
        {
            "fullUrl": binary,
            "resource": {
                "resourceType": "Binary",
                "contentType": "application/pdf",
                "data": base64.b64encode(content).decode(),
            },
            "request": {"method": "POST", "url": "Binary"},
        },
    ]
    return json.dumps({"resourceType": "Bundle", "type": "transaction", "entry": entries})


def fill_bundle(template: str, patient_id: int) -> bytes:
    body = template.replace("@PATIENT@", str(patient_id)).replace("@UID@", str(uuid.uuid4()))
    for name in ("@N1@", "@N2@", "@N3@"):
        body = body.replace(name, str(uuid.uuid4()))
    return body.encode()


def database_size() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            return cursor.fetchone()[0]
    path = settings.DATABASES["default"]["NAME"]
    try:
        import os

        return f"{os.path.getsize(path) / 1e6:.1f} MB"
    except OSError:
        return "in memory"


atomic = transaction.atomic
