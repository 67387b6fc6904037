import base64
import datetime
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, set_token_value

from carnet.fhir.models import SoftwareClient
from carnet.identity.models import Professional
from carnet.records.samples import sample_pdf

TOKEN_URL = "http://127.0.0.1:8000/oauth/token/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def software(db):
    """Professional software registered with its public key (private_key_jwt)."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    app = Application.objects.create(
        name="Logiciel de cabinet",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )
    SoftwareClient.objects.create(
        application=app, public_key_pem=public.decode(), structure="Cabinet de la Place"
    )
    return app, key


def assertion(software, rpps, **changes):
    """A signed client assertion for the professional ``rpps``, whom the software is declared to serve."""
    app, key = software
    app.software.professionals.add(*Professional.objects.filter(rpps=rpps))
    now = int(time.time())
    claims = {
        "iss": app.client_id,
        "sub": app.client_id,
        "aud": TOKEN_URL,
        "exp": now + 60,
        "iat": now,
        "jti": str(uuid.uuid4()),
        "rpps": rpps,
        "structure": "Cabinet de la Place",
    } | changes
    return jwt.encode(claims, key, algorithm="ES256")


def token_for(software, professional, **changes) -> str:
    response = Client().post(
        "/oauth/token/",
        {
            "grant_type": "client_credentials",
            "client_assertion": assertion(software, professional.rpps, **changes),
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        },
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


class Fhir:
    """A small FHIR client on Django's test client, with a bearer token."""

    def __init__(self, token=None):
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, path, **params):
        return self.client.get(f"/fhir/{path}", params, **self.headers)

    def post(self, path, body, content_type="application/fhir+json"):
        import json

        return self.client.post(f"/fhir/{path}", json.dumps(body), content_type=content_type, **self.headers)

    def patch(self, path, body):
        import json

        return self.client.patch(
            f"/fhir/{path}", json.dumps(body), content_type="application/fhir+json", **self.headers
        )


@pytest.fixture
def as_pro(software):
    return lambda professional: Fhir(token_for(software, professional))


@pytest.fixture
def as_app(db):
    def make(patient, scopes):
        app = Application.objects.create(
            name="Appli de suivi",
            client_type=Application.CLIENT_PUBLIC,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris="https://app.example/callback",
        )
        token = AccessToken(
            user=patient.user,
            application=app,
            scope=" ".join(scopes),
            expires=timezone.now() + datetime.timedelta(minutes=5),
        )
        raw = uuid.uuid4().hex
        set_token_value(token, raw)
        token.save()
        return Fhir(raw)

    return make


def document_bundle(patient, *docs, type_="transaction"):
    """An ITI-65 bundle (SubmissionSet List, DocumentReferences, Binaries); docs: (unique_id, type, bytes)."""
    entries = [
        {
            "fullUrl": "urn:uuid:" + str(uuid.uuid4()),
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
                "subject": {"reference": f"Patient/{patient.pk}"},
            },
            "request": {"method": "POST", "url": "List"},
        }
    ]
    for unique_id, type_code, content in docs:
        binary_url = "urn:uuid:" + str(uuid.uuid4())
        entries.append(
            {
                "fullUrl": "urn:uuid:" + str(uuid.uuid4()),
                "resource": {
                    "resourceType": "DocumentReference",
                    "status": "current",
                    "masterIdentifier": {"system": "urn:ietf:rfc:3986", "value": unique_id},
                    "type": {"coding": [{"system": "http://loinc.org", "code": type_code}]},
                    "subject": {"reference": f"Patient/{patient.pk}"},
                    "description": f"Document {type_code}",
                    "content": [{"attachment": {"contentType": "application/pdf", "url": binary_url}}],
                    "context": {"period": {"start": "2026-11-20"}},
                },
                "request": {"method": "POST", "url": "DocumentReference"},
            }
        )
        entries.append(
            {
                "fullUrl": binary_url,
                "resource": {
                    "resourceType": "Binary",
                    "contentType": "application/pdf",
                    "data": base64.b64encode(content).decode(),
                },
                "request": {"method": "POST", "url": "Binary"},
            }
        )
    return {"resourceType": "Bundle", "type": type_, "entry": entries}


PDF = sample_pdf("Compte rendu", ["Examen clinique normal"])
